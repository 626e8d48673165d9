"""``login_mode = "proxy"``: X-Remote-User counts only from the configured proxy addresses."""

from __future__ import annotations

import re

import pytest

from dashboard.app import create_app
from lpr_geo.auth import add_user, set_password
from lpr_geo.settings import load_settings

PROXY = "10.1.2.3"


@pytest.fixture(scope="module")
def proxy_client(tmp_path_factory):
    settings = load_settings(
        environ={
            "LPR_GEO_DATA_DIR": str(tmp_path_factory.mktemp("proxy-data")),
            "LPR_GEO_LOGIN_MODE": "proxy",
            "LPR_GEO_TRUSTED_PROXIES": PROXY,
        }
    )
    app = create_app(settings)
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


@pytest.fixture(scope="module")
def local_behind_proxy(tmp_path_factory):
    settings = load_settings(
        environ={
            "LPR_GEO_DATA_DIR": str(tmp_path_factory.mktemp("local-proxy-data")),
            "LPR_GEO_LOGIN_MODE": "local",
            "LPR_GEO_TRUSTED_PROXIES": PROXY,
            "LPR_GEO_COOKIE_SECURE": "false",
        }
    )
    app = create_app(settings)
    engine = app.server.extensions["lpr_geo_engine"]
    for name in ("opfer", "kollegin"):
        add_user(engine, name, "editor", "ein-langes-passwort")
    return app.server, engine


def _login(server, name, password, remote_addr, forwarded=None):
    client = server.test_client()
    environ = {"REMOTE_ADDR": remote_addr}
    page = client.get("/anmelden", environ_base=environ).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    headers = {"Origin": "http://localhost", **({"X-Forwarded-For": forwarded} if forwarded else {})}
    response = client.post(
        "/anmelden",
        data={"csrf_token": token, "name": name, "password": password},
        headers=headers,
        environ_base=environ,
    )
    return client, response.status_code


def test_the_rate_limit_counts_the_forwarded_client_not_the_proxy(local_behind_proxy):
    server, _ = local_behind_proxy
    for _ in range(5):  # an attacker behind the proxy guesses, even with a forged first entry
        assert _login(server, "opfer", "falsch", PROXY, "10.0.0.1, 192.168.7.7")[1] == 401
    assert (
        _login(server, "niemand", "falsch", PROXY, "10.0.0.2, 192.168.7.7")[1] == 429
    )  # that client is blocked
    # a colleague behind the same proxy logs in unhindered
    assert _login(server, "kollegin", "ein-langes-passwort", PROXY, "192.168.7.8")[1] == 303
    # the header counts only from the trusted proxy: sent directly, the limit sees the sender's address
    assert _login(server, "kollegin", "ein-langes-passwort", "10.7.7.7", "192.168.7.7")[1] == 303


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(local_behind_proxy):
    server, engine = local_behind_proxy
    client, status = _login(server, "kollegin", "ein-langes-passwort", "10.5.5.5")
    assert status == 303
    environ = {"REMOTE_ADDR": "10.5.5.5"}
    assert "Angemeldet als kollegin" in client.get("/_dash-layout", environ_base=environ).text
    set_password(engine, "kollegin", "ein-ganz-neues-passwort")
    assert "Angemeldet als" not in client.get("/_dash-layout", environ_base=environ).text
