"""Local logins over HTTP: accounts from ``lpr-geo users add``, cookie flags, CSRF, German messages, rate limit."""

from __future__ import annotations

import http.client
import re
import subprocess
from urllib.parse import urlencode, urlsplit

import requests

from .conftest import EDITOR, PASSWORD, VIEWER, add_account, cli_env, login_session, logout


def test_login_sets_a_strict_httponly_session_and_the_header_names_the_user(editing_server):
    client = requests.Session()
    client.headers["Origin"] = editing_server
    page = client.get(editing_server + "/anmelden")
    assert page.status_code == 200
    assert '<label for="name">Benutzername</label>' in page.text
    assert '<label for="passwort">Passwort</label>' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        editing_server + "/anmelden",
        data={"csrf_token": token, "name": EDITOR, "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    layout = client.get(editing_server + "/_dash-layout").text
    assert "Angemeldet als redakteurin (Bearbeiter)" in layout
    assert "Abmelden" in layout

    anonymous = requests.get(editing_server + "/_dash-layout").text
    assert "Anmelden" in anonymous and "Angemeldet als" not in anonymous


def test_logout_ends_the_session(editing_server):
    client = login_session(editing_server, VIEWER)
    layout = client.get(editing_server + "/_dash-layout").text
    assert "Angemeldet als leser (Betrachter)" in layout
    logout(client, editing_server)
    assert "Angemeldet als" not in client.get(editing_server + "/_dash-layout").text


def test_login_without_the_csrf_token_is_refused(editing_server):
    client = requests.Session()
    client.headers["Origin"] = editing_server
    client.get(editing_server + "/anmelden")
    response = client.post(editing_server + "/anmelden", data={"name": EDITOR, "password": PASSWORD})
    assert response.status_code == 403
    assert "Angemeldet als" not in client.get(editing_server + "/_dash-layout").text


def _post_login_from(
    url: str, source: str, cookie: str, token: str, name: str, password: str
) -> tuple[int, str]:
    # the rate limit counts per client address too: these attempts come from their own loopback address,
    # so they block neither the other tests' logins nor each other
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0)
    )
    body = urlencode({"csrf_token": token, "name": name, "password": password})
    connection.request(
        "POST",
        "/anmelden",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": url},
    )
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_wrong_password_and_then_the_rate_limit_answer_in_german(editing_server):
    page = requests.get(editing_server + "/anmelden")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    statuses = []
    for _ in range(5):
        status, text = _post_login_from(
            editing_server, "127.0.0.2", cookie, token, "niemand", "falsch-falsch-1"
        )
        statuses.append(status)
        assert "Benutzername oder Passwort ist falsch." in text
    assert statuses == [401] * 5
    status, text = _post_login_from(editing_server, "127.0.0.2", cookie, token, "niemand", PASSWORD)
    assert status == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in text
    assert "erneut versuchen" in text
    # the block is per address and name: the same account from another address still logs in
    login_session(editing_server, VIEWER)


def test_a_deactivated_account_loses_its_running_session(editing_server, editing_data_dir):
    env = cli_env(editing_data_dir)
    add_account(env, "ehemalig", "editor")
    client = login_session(editing_server, "ehemalig")
    assert "Angemeldet als ehemalig (Bearbeiter)" in client.get(editing_server + "/_dash-layout").text
    subprocess.run(["lpr-geo", "users", "deactivate", "ehemalig"], env=env, check=True, capture_output=True)
    assert "Angemeldet als" not in client.get(editing_server + "/_dash-layout").text
