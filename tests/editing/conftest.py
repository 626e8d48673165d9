"""A ``lpr-geo serve`` with local logins (plain HTTP, so ``cookie_secure`` is off) and two accounts."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError

from dashboard import ids
from tests.conftest import serve

PASSWORD = "richtig-geheim-42"
EDITOR = "redakteurin"
VIEWER = "leser"
ADMIN = "verwalterin"  # the Verwaltung tests (audit trail, import/export) share this account


def cli_env(data_dir: Path) -> dict[str, str]:
    """Environment for ``lpr-geo`` commands against the editing server's register."""
    env = dict(os.environ, LPR_GEO_DATA_DIR=str(data_dir))
    env.pop("LPR_GEO_DB", None)
    return env


def add_account(env: dict[str, str], name: str, role: str) -> None:
    subprocess.run(
        ["lpr-geo", "users", "add", name, "--role", role, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def editing_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("editing-data")


@pytest.fixture(scope="session")
def editing_server(editing_data_dir):
    """Base URL of a server with ``login_mode = "local"``; accounts made with ``lpr-geo users add``."""
    settings = {
        "LPR_GEO_LOGIN_MODE": "local",
        "LPR_GEO_COOKIE_SECURE": "false",
        "LPR_GEO_SECRET_KEY": "test-only-secret",
    }
    with serve(editing_data_dir, "editing-server.log", **settings) as (url, env):
        add_account(env, EDITOR, "editor")
        add_account(env, VIEWER, "viewer")
        yield url


@pytest.fixture
def register_db(editing_data_dir, editing_server) -> Path:
    return editing_data_dir / "register.sqlite"


def count_rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def login_session(url: str, name: str, password: str = PASSWORD) -> requests.Session:
    """A logged-in HTTP session that sends the app's own Origin, as the app's pages do."""
    client = requests.Session()
    client.headers["Origin"] = url
    page = client.get(url + "/anmelden")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        url + "/anmelden",
        data={"csrf_token": token, "name": name, "password": password},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def logout(client: requests.Session, url: str) -> None:
    """Log out with the form of the page header (its CSRF token comes with the layout)."""
    layout = client.get(url + "/_dash-layout").text
    token = re.search(r'"name":\s*"csrf_token"[^}]*"value":\s*"([^"]+)"', layout) or re.search(
        r'"value":\s*"([^"]+)"[^}]*"name":\s*"csrf_token"', layout
    )
    response = client.post(url + "/abmelden", data={"csrf_token": token.group(1)}, allow_redirects=False)
    assert response.status_code == 303


def browser_login(page, url: str, name: str) -> None:
    page.goto(url + "/anmelden")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_selector(f"#anmeldung:has-text('Angemeldet als {name}')")


def open_verwaltung(page, url: str, name: str = ADMIN) -> None:
    """Log in as the admin ``name`` and follow the header's link to the Verwaltung page."""
    browser_login(page, url, name)
    page.wait_for_load_state("networkidle")  # the map page has answered: leaving it aborts nothing
    page.get_by_role("navigation", name="Bereiche").get_by_role("link", name="Verwaltung").click()
    page.wait_for_url(url + "/verwaltung")


def shown_page(client: requests.Session, url: str, path: str) -> str:
    """The answer to the request a browser at ``path`` sends for its page (what the frame then shows)."""
    dependencies = client.get(url + "/_dash-dependencies").json()
    router = next(d for d in dependencies if d["inputs"] == [{"id": ids.PAGE_URL, "property": "pathname"}])
    outputs = [
        dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in router["output"][2:-2].split("...")
    ]
    body = {
        "output": router["output"],
        "outputs": outputs,
        "inputs": [{"id": ids.PAGE_URL, "property": "pathname", "value": path}],
        "changedPropIds": [f"{ids.PAGE_URL}.pathname"],
        "state": [],
    }
    response = client.post(url + "/_dash-update-component", json=body)
    assert response.status_code == 200, response.text
    return json.dumps(response.json()["response"], ensure_ascii=False)  # "/" unescaped, umlauts as they are


@pytest.fixture
def editing_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(60_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def admin(editing_server, editing_data_dir) -> str:
    """An admin account on the editing server (made once for every module that needs it)."""
    add_account(cli_env(editing_data_dir), ADMIN, "admin")
    return ADMIN


def watch(page) -> tuple[list[str], list[str]]:
    """Problems (dialogs, which an XSS would open; console and page errors) and Dash callback bodies."""
    problems: list[str] = []
    bodies: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    def record(response) -> None:
        if "_dash-update-component" in response.url and response.ok:
            try:
                bodies.append(response.text())
            except PlaywrightError:  # the page was left (e.g. for the Verwaltung) before the body came
                pass

    page.on("response", record)
    return problems, bodies


@pytest.fixture
def sample_restored_afterwards(editing_data_dir, tmp_path):
    """For a test whose import or first real edit removes the sample register: the shared server gets it back afterwards."""
    env = cli_env(editing_data_dir)
    backup = tmp_path / "vorher.sqlite"
    subprocess.run(["lpr-geo", "db", "backup", str(backup)], env=env, check=True, capture_output=True)
    yield
    subprocess.run(["lpr-geo", "db", "restore", str(backup)], env=env, check=True, capture_output=True)
