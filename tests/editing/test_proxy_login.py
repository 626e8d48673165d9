"""``login_mode = "proxy"``: X-Remote-User counts only from the configured proxy addresses."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.config import load
from lpr_geo.auth import add_user

PROXY = "10.1.2.3"


@pytest.fixture(scope="module")
def proxy_client(tmp_path_factory):
    settings, deployment = load(
        {
            "LPR_GEO_DATA_DIR": str(tmp_path_factory.mktemp("proxy-data")),
            "LPR_GEO_LOGIN_MODE": "proxy",
            "LPR_GEO_TRUSTED_PROXIES": PROXY,
        }
    )
    app = create_app(settings, deployment)
    add_user(app.server.extensions["lpr_geo_engine"], "sso.editor", "editor", "ein-langes-passwort")
    return app.server.test_client()


def _layout(client, remote_addr: str, user: str) -> str:
    return client.get(
        "/_dash-layout", headers={"X-Remote-User": user}, environ_base={"REMOTE_ADDR": remote_addr}
    ).text


def test_the_header_counts_from_a_trusted_proxy(proxy_client):
    assert "Angemeldet als sso.editor (Bearbeiter)" in _layout(proxy_client, PROXY, "sso.editor")


def test_the_header_from_any_other_address_is_ignored(proxy_client):
    layout = _layout(proxy_client, "10.9.9.9", "sso.editor")
    assert "Angemeldet als" not in layout and "Nicht angemeldet" in layout


def test_an_unknown_name_from_the_proxy_is_anonymous(proxy_client):
    assert "Angemeldet als" not in _layout(proxy_client, PROXY, "unbekannt")


def test_no_local_login_form_in_proxy_mode(proxy_client):
    assert 'type="password"' not in proxy_client.get("/anmelden").text  # Dash's page, not the form
