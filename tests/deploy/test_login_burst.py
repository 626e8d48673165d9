"""100 wrong passwords at once get five checks in every server mode; a logout ends the login in every worker.

Real processes and real HTTP: ``lpr-geo serve`` (threaded, embedded SQLite) and gunicorn with two workers of
eight threads each on PostgreSQL, so attempts race both within a process and between processes. Each burst
comes from its own loopback address, so the address limit it trips blocks no other login of these tests.
"""

from __future__ import annotations

import http.client
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, func, select

from lpr_geo.register.models import LoginAttempt
from tests.conftest import ARTIFACTS, serve
from tests.deploy.test_two_workers_editing import _wait_for_both_workers, _workers
from tests.editing.conftest import EDITOR, add_account, login_session, logout
from tests.servers import HOST, PORT, app_env, start_server

BURST = 100
LIMIT = 5  # RateLimit().max_failures, the limit the dashboard applies


def _form(url: str) -> tuple[str, str]:
    """The login form's CSRF token and the cookie it belongs to."""
    page = requests.get(url + "/anmelden", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return token, "; ".join(f"{k}={v}" for k, v in page.cookies.items())


def _wrong_login(url: str, source: str, cookie: str, token: str, name: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=120, source_address=(source, 0)
    )
    try:
        body = urlencode({"csrf_token": token, "name": name, "password": "falsch-falsch-falsch"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": url}
        connection.request("POST", "/anmelden", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def burst(url: str, source: str, name: str) -> Counter:
    """Send :data:`BURST` wrong passwords for ``name`` at the same moment; count the answers by status."""
    token, cookie = _form(url)
    with ThreadPoolExecutor(BURST) as pool:
        statuses = pool.map(lambda _: _wrong_login(url, source, cookie, token, name), range(BURST))
        return Counter(statuses)


def recorded_attempts(db_url: str, name: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count()).select_from(LoginAttempt).where(LoginAttempt.name == name)
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("burst-serve")
    settings = {"LPR_GEO_LOGIN_MODE": "local", "LPR_GEO_COOKIE_SECURE": "false"}
    with serve(data_dir, "burst-serve.log", **settings) as (url, env):
        add_account(env, EDITOR, "editor")
        yield url, f"sqlite:///{data_dir / 'register.sqlite'}"


@pytest.fixture(scope="module")
def gunicorn_postgres(tmp_path_factory, pg_databases):
    """gunicorn (two workers, threaded) on a PostgreSQL register migrated by ``lpr-geo db upgrade``."""
    db_url = pg_databases.blank()
    env = app_env(
        tmp_path_factory.mktemp("burst-gunicorn"),
        LPR_GEO_DB=db_url,
        LPR_GEO_LOGIN_MODE="local",
        LPR_GEO_COOKIE_SECURE="false",
        LPR_GEO_SECRET_KEY="test-secret",
    )
    subprocess.run(["lpr-geo", "db", "upgrade"], env=env, check=True, capture_output=True)
    add_account(env, EDITOR, "editor")
    log, access = ARTIFACTS / "burst-gunicorn.log", ARTIFACTS / "burst-gunicorn-access.log"
    command = ["gunicorn", "--workers", "2", "--threads", "8", "--bind", f"{HOST}:{PORT}"]
    # the worker's process id and the path of every request, to see that both workers answered
    command += ["--access-logfile", str(access), "--access-logformat", "%(p)s %(U)s", "dashboard.wsgi:server"]
    with start_server(command, env=env, log=log, ready="/healthz") as server:
        _wait_for_both_workers(server.url, access)
        yield server.url, db_url, access


def test_a_burst_against_lpr_geo_serve_checks_at_most_the_limit(dev_server):
    url, db_url = dev_server
    answers = burst(url, "127.0.0.3", "ziel-serve")
    # 401: the password was checked and wrong; 429: refused unchecked by the limit
    assert answers == Counter({401: LIMIT, 429: BURST - LIMIT})
    assert recorded_attempts(db_url, "ziel-serve") == LIMIT
    login_session(url, EDITOR)  # other names from other addresses still log in


@pytest.mark.postgres
def test_a_burst_against_two_gunicorn_workers_on_postgres_checks_at_most_the_limit(gunicorn_postgres):
    url, db_url, _ = gunicorn_postgres
    answers = burst(url, "127.0.0.4", "ziel-gunicorn")
    assert answers == Counter({401: LIMIT, 429: BURST - LIMIT})
    assert recorded_attempts(db_url, "ziel-gunicorn") == LIMIT
    login_session(url, EDITOR)


def _layouts_from_both_workers(url: str, cookie: str, access) -> list[str]:
    """The layout with a saved cookie, on new connections, until both workers have answered at least once.

    The kernel hands each new connection to either worker; a threaded worker may take a whole batch.
    """
    headers = {"Cookie": f"lpr_geo_session={cookie}", "Connection": "close"}
    mark = len(access.read_text().splitlines())
    layouts: list[str] = []
    with ThreadPoolExecutor(4) as pool:
        while len(_workers(access, mark, "_dash-layout")) < 2:
            assert len(layouts) < 400, "the second gunicorn worker never answered"
            layouts += pool.map(
                lambda _: requests.get(url + "/_dash-layout", headers=headers).text, range(12)
            )
    return layouts


@pytest.mark.postgres
def test_a_logout_ends_the_login_in_both_gunicorn_workers(gunicorn_postgres):
    url, _, access = gunicorn_postgres
    client = login_session(url, EDITOR)
    saved = client.cookies["lpr_geo_session"]
    assert all(f"Angemeldet als {EDITOR}" in page for page in _layouts_from_both_workers(url, saved, access))
    logout(client, url)
    assert not any("Angemeldet als" in page for page in _layouts_from_both_workers(url, saved, access))
