"""``anonymous_access = false``: without an account nothing but the login page and the health check."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import serve

from .conftest import EDITOR, VIEWER, add_account, login_session

DASH_UPDATE = {
    "output": "karten-zusammenfassung.children",
    "outputs": {"id": "karten-zusammenfassung", "property": "children"},
    "inputs": [],
    "changedPropIds": [],
}


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory):
    settings = {
        "LPR_GEO_LOGIN_MODE": "local",
        "LPR_GEO_ANONYMOUS_ACCESS": "false",
        "LPR_GEO_COOKIE_SECURE": "false",
        "LPR_GEO_SECRET_KEY": "test-only-secret",
    }
    with serve(tmp_path_factory.mktemp("closed-data"), "closed-server.log", **settings) as (url, env):
        add_account(env, VIEWER, "viewer")
        add_account(env, EDITOR, "editor")
        yield url


@pytest.mark.parametrize("path", ["/", "/embed?ebene=kreis"])
def test_pages_send_anonymous_visitors_to_the_login(closed_server, path):
    response = requests.get(closed_server + path, allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/anmelden")
    login = requests.get(closed_server + path)
    assert "nur für angemeldete" in login.text
    assert "Lesen ist auch ohne Anmeldung" not in login.text


def test_data_needs_an_account(closed_server):
    for path in ("/_dash-layout", "/_dash-dependencies", "/geo/x/kreis.json", "/export/karte.csv"):
        response = requests.get(closed_server + path, allow_redirects=False)
        assert response.status_code == 401, path
        assert "Bitte zuerst anmelden" in response.text
    update = requests.post(
        closed_server + "/_dash-update-component", json=DASH_UPDATE, headers={"Origin": closed_server}
    )
    assert update.status_code == 401


def test_login_page_health_and_statement_stay_open(closed_server):
    for path in ("/anmelden", "/healthz", "/barrierefreiheit", "/assets/style.css"):
        assert requests.get(closed_server + path, allow_redirects=False).status_code == 200, path


def test_a_viewer_reads_the_map_but_still_cannot_edit(closed_server):
    client = login_session(closed_server, VIEWER)
    assert client.get(closed_server + "/").status_code == 200
    layout = client.get(closed_server + "/_dash-layout")
    assert layout.status_code == 200 and "Angemeldet als leser (Betrachter)" in layout.text
    save = dict(DASH_UPDATE, output="status-meldung.children")
    assert client.post(closed_server + "/_dash-update-component", json=save).status_code == 403
