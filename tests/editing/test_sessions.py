"""Logins end on the server: a copied cookie is worthless after logout, expiry or a change of the account.

Real ``lpr-geo serve`` processes and real HTTP. Expiry is tested by moving the session's stored times back
in the register (as if the hours had passed), not by waiting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import subprocess
from email.utils import parsedate_to_datetime

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select, update

from lpr_geo.register import make_engine
from lpr_geo.register.models import Contact, LoginSession, Participant, UserAccount
from tests.conftest import serve

from .conftest import EDITOR, PASSWORD, add_account, cli_env, login_session, logout
from .test_protection import save_status_body

COOKIE = "lpr_geo_session"
SECRET = "test-only-secret"  # the editing server's secret key
KREIS = "12062"  # Elbe-Elster: the sample register has a contact person there
NETWORK = "AG 4 Vernetzungsgremium Kriminalprävention vor Ort"


def _editor_panel(url: str, cookie: str) -> requests.Response:
    """The editor panel of a Kreis (with its contact persons), as the page asks for it after a click."""
    view = {
        "network": NETWORK,
        "on": dt.date.today().isoformat(),
        "level": "kreis",
        "kreis": None,
        "region": KREIS,
        "selected": [],
        "stops": [],
    }
    body = {
        "output": "bearbeiten.children",
        "outputs": {"id": "bearbeiten", "property": "children"},
        "inputs": [{"id": "ansicht", "property": "data", "value": view}],
        "changedPropIds": ["ansicht.data"],
    }
    return _replay(url, cookie, "POST", "/_dash-update-component", json=body)


def _replay(url: str, cookie: str, method: str, path: str, **kwargs) -> requests.Response:
    """A request carrying a saved copy of the session cookie, from a client that never logged in."""
    headers = {"Cookie": f"{COOKIE}={cookie}", "Origin": url}
    return requests.request(method, url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)


def _logged_in(url: str, cookie: str, name: str) -> bool:
    return f"Angemeldet als {name} " in _replay(url, cookie, "GET", "/_dash-layout").text


@contextlib.contextmanager
def _register(db):
    engine = make_engine(f"sqlite:///{db}")
    try:
        yield engine
    finally:
        engine.dispose()


def _contact(db) -> str:
    with _register(db) as engine, engine.connect() as connection:
        return connection.scalar(
            select(Contact.name)
            .join(Participant, Participant.id == Contact.participant_id)
            .where(Participant.key == KREIS)
        )


def _sessions_of(db, name: str) -> int:
    with _register(db) as engine, engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(LoginSession)
            .join(UserAccount, UserAccount.id == LoginSession.user_id)
            .where(UserAccount.name == name)
        )


def _age(db, name: str, *, idle: dt.timedelta, since_login: dt.timedelta) -> None:
    """Move the account's sessions back in time: last request ``idle`` ago, login ``since_login`` ago."""
    now = dt.datetime.now(dt.UTC)
    with _register(db) as engine, engine.begin() as connection:
        account = select(UserAccount.id).where(UserAccount.name == name).scalar_subquery()
        connection.execute(
            update(LoginSession)
            .where(LoginSession.user_id == account)
            .values(last_seen_at=now - idle, created_at=now - since_login)
        )


def test_a_cookie_copied_before_logout_is_refused_after_it(editing_server, register_db):
    add_account(cli_env(register_db.parent), "abmelderin", "editor")
    client = login_session(editing_server, "abmelderin")
    saved = client.cookies[COOKIE]
    contact = _contact(register_db)
    assert contact in _editor_panel(editing_server, saved).text  # the copy works while logged in

    logout(client, editing_server)
    assert not _logged_in(editing_server, saved, "abmelderin")
    panel = _editor_panel(editing_server, saved)
    assert panel.status_code == 200 and contact not in panel.text and "kontakt" not in panel.text.lower()
    save = save_status_body(NETWORK, "nach dem Abmelden")
    refused = _replay(editing_server, saved, "POST", "/_dash-update-component", json=save)
    assert refused.status_code == 401 and contact not in refused.text
    assert _sessions_of(register_db, "abmelderin") == 0


def test_the_cookie_holds_only_the_session_token_and_expires_with_the_absolute_lifetime(editing_server):
    client = requests.Session()
    client.headers["Origin"] = editing_server
    page = client.get(editing_server + "/anmelden")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        editing_server + "/anmelden",
        data={"csrf_token": token, "name": EDITOR, "password": PASSWORD},
        allow_redirects=False,
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert abs(expires - dt.datetime.now(dt.UTC) - dt.timedelta(hours=12)) < dt.timedelta(minutes=5)
    app = Flask(__name__)
    app.secret_key = SECRET
    content = SecureCookieSessionInterface().get_signing_serializer(app).loads(client.cookies[COOKIE])
    # Flask's own marker aside: no name, nothing derived from the password
    assert set(content) - {"_permanent"} == {"session_token", "csrf_token"}
    assert EDITOR not in repr(content)


def test_an_idle_session_ends_after_8_hours_and_any_session_12_hours_after_the_login(
    editing_server, register_db
):
    add_account(cli_env(register_db.parent), "langsam", "viewer")
    cookie = login_session(editing_server, "langsam").cookies[COOKIE]
    _age(register_db, "langsam", idle=dt.timedelta(hours=7, minutes=58), since_login=dt.timedelta(hours=11))
    assert _logged_in(editing_server, cookie, "langsam")  # and this request counts as activity
    with _register(register_db) as engine, engine.connect() as connection:
        last_seen = connection.scalar(
            select(LoginSession.last_seen_at).join(UserAccount).where(UserAccount.name == "langsam")
        )
    assert dt.datetime.now(dt.UTC) - last_seen.replace(tzinfo=dt.UTC) < dt.timedelta(minutes=5)

    _age(register_db, "langsam", idle=dt.timedelta(hours=8, minutes=1), since_login=dt.timedelta(hours=9))
    assert not _logged_in(editing_server, cookie, "langsam")
    assert _sessions_of(register_db, "langsam") == 0  # an ended session leaves no row

    cookie = login_session(editing_server, "langsam").cookies[COOKIE]
    _age(register_db, "langsam", idle=dt.timedelta(minutes=1), since_login=dt.timedelta(hours=12, minutes=1))
    assert not _logged_in(editing_server, cookie, "langsam")


@pytest.mark.parametrize(
    ("change", "command"),
    [
        ("new password", ["password", "{name}", "--password-stdin"]),
        ("role", ["set-role", "{name}", "viewer"]),
        ("deactivation and reactivation", ["deactivate", "{name}"]),
    ],
)
def test_a_change_of_the_account_ends_all_its_sessions(editing_server, register_db, change, command):
    name = "konto-" + change.split()[0]
    env = cli_env(register_db.parent)
    add_account(env, name, "editor")
    cookies = [login_session(editing_server, name).cookies[COOKIE] for _ in range(2)]  # two browsers
    assert all(_logged_in(editing_server, cookie, name) for cookie in cookies)
    other = login_session(editing_server, EDITOR).cookies[COOKIE]

    run = ["lpr-geo", "users", *(part.format(name=name) for part in command)]
    subprocess.run(run, input="ein-neues-passwort-7\n", env=env, check=True, capture_output=True, text=True)
    if command[0] == "deactivate":
        subprocess.run(["lpr-geo", "users", "activate", name], env=env, check=True, capture_output=True)
    assert not any(_logged_in(editing_server, cookie, name) for cookie in cookies)
    assert _sessions_of(register_db, name) == 0
    assert _logged_in(editing_server, other, EDITOR)  # other accounts keep theirs


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    """A server with sessions of 15 minutes idle / 30 minutes at most, readable only with an account."""
    data_dir = tmp_path_factory.mktemp("short-sessions")
    settings = {
        "LPR_GEO_LOGIN_MODE": "local",
        "LPR_GEO_COOKIE_SECURE": "false",
        "LPR_GEO_ANONYMOUS_ACCESS": "false",
        "LPR_GEO_SESSION_IDLE_HOURS": "0,25",
        "LPR_GEO_SESSION_MAX_HOURS": "0.5",
    }
    with serve(data_dir, "short-sessions.log", **settings) as (url, env):
        add_account(env, EDITOR, "editor")
        yield url, data_dir / "register.sqlite"


def test_the_lifetime_settings_reach_the_server(short_sessions):
    url, db = short_sessions
    client = login_session(url, EDITOR)
    assert client.get(url + "/", allow_redirects=False).status_code == 200
    cookie = client.cookies[COOKIE]
    expires = next(c.expires for c in client.cookies if c.name == COOKIE)
    assert abs(expires - dt.datetime.now(dt.UTC).timestamp() - 1800) < 300

    _age(db, EDITOR, idle=dt.timedelta(minutes=16), since_login=dt.timedelta(minutes=16))
    page = _replay(url, cookie, "GET", "/")
    assert page.status_code == 303 and page.headers["Location"].endswith("/anmelden")
    assert _replay(url, cookie, "GET", "/_dash-layout").status_code == 401
