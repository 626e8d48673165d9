"""The Verwaltung page's accounts and networks, driven in headless Chromium, and forged requests against them.

A server of its own (module fixture): the accounts deactivated and the networks added here would change
what the other editing tests see on the shared server.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import requests

from tests.conftest import ARTIFACTS, serve

from .conftest import EDITOR, PASSWORD, VIEWER, add_account, count_rows, login_session, open_verwaltung, watch

pytestmark = pytest.mark.browser

ADMIN = "kontenverwalter"
NEW_EDITOR = "neue.redakteurin"  # a dot, as in many real login names
NEW_PASSWORD = "vorlaeufig-Oderbruch-31"
NETWORK = "Präventionsrat <b>Bad Freienwalde</b>"
XSS = "<img src=x onerror=alert(1)>"
SETTINGS = {
    "LPR_GEO_LOGIN_MODE": "local",
    "LPR_GEO_COOKIE_SECURE": "false",
    "LPR_GEO_SECRET_KEY": "test-only-secret",
}


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory):
    """(url, register file) of a server with an admin, an editor and a viewer."""
    data_dir = tmp_path_factory.mktemp("admin-data")
    with serve(data_dir, "admin-server.log", **SETTINGS) as (url, env):
        add_account(env, ADMIN, "admin")
        add_account(env, EDITOR, "editor")
        add_account(env, VIEWER, "viewer")
        yield url, data_dir / "register.sqlite"


def open_admin_area(page, url: str) -> None:
    open_verwaltung(page, url, ADMIN)
    page.wait_for_selector(f"#konten-liste th:has-text('{ADMIN} (Sie)')")


def login_status(url: str, name: str, password: str) -> int:
    """Status of a login attempt: 303 logged in, 401 refused."""
    client = requests.Session()
    page = client.get(url + "/anmelden")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        url + "/anmelden",
        data={"csrf_token": token, "name": name, "password": password},
        headers={"Origin": url},
        allow_redirects=False,
    )
    return response.status_code


def logged_in_as(client: requests.Session, url: str) -> str:
    """The page header's login line as the session sees it now (the layout is built per request)."""
    layout = client.get(url + "/_dash-layout")
    found = re.search(r"Angemeldet als [^\"]+", layout.text)
    return found.group(0) if found else "nicht angemeldet"


def account(db: Path, name: str) -> tuple | None:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT role, active FROM users WHERE name = ?", (name,)).fetchone()


def row(page, name: str):
    return page.locator("#konten-liste tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def test_admin_adds_an_editor_changes_the_role_deactivates_and_sets_a_password(admin_server, editing_context):
    url, db = admin_server
    page = editing_context.new_page()
    problems, _ = watch(page)
    open_admin_area(page, url)

    # a new account: mismatching passwords first, then right
    form = page.locator("[aria-labelledby='neues-konto-titel']")
    form.get_by_label("Benutzername").fill(NEW_EDITOR)
    form.get_by_label("Bearbeiter", exact=True).check()
    form.get_by_label("Passwort", exact=True).fill(PASSWORD)
    form.get_by_label("Passwort wiederholen").fill(PASSWORD + "x")
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_selector("#neues-konto-meldung [role=alert]:has-text('stimmen nicht überein')")
    assert account(db, NEW_EDITOR) is None
    assert form.get_by_label("Passwort", exact=True).input_value() == ""  # emptied after every attempt
    form.get_by_label("Passwort", exact=True).fill(PASSWORD)
    form.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_selector(
        f"#neues-konto-meldung:has-text('Konto »{NEW_EDITOR}« mit der Rolle »Bearbeiter« angelegt.')"
    )
    assert account(db, NEW_EDITOR) == ("editor", 1)
    assert row(page, NEW_EDITOR).locator("td").nth(1).inner_text() == "aktiv"
    assert form.get_by_label("Benutzername").input_value() == ""

    # the new editor logs in
    session = login_session(url, NEW_EDITOR)
    assert logged_in_as(session, url) == f"Angemeldet als {NEW_EDITOR} (Bearbeiter)"

    # role: Betrachter; the running session ends with it, the next login has the new role
    row(page, NEW_EDITOR).locator("button.dash-dropdown").click()
    page.locator(".dash-dropdown-option").filter(has_text="Betrachter").click()
    page.get_by_role("button", name=f"Rolle ändern: {NEW_EDITOR}").click()
    page.wait_for_selector(f"#konten-meldung:has-text('»{NEW_EDITOR}« hat jetzt die Rolle »Betrachter«.')")
    assert account(db, NEW_EDITOR) == ("viewer", 1)
    assert logged_in_as(session, url) == "nicht angemeldet"
    session = login_session(url, NEW_EDITOR)
    assert logged_in_as(session, url) == f"Angemeldet als {NEW_EDITOR} (Betrachter)"

    # deactivated: the running session is anonymous with its next request, and no new login
    page.get_by_role("button", name=f"Deaktivieren: {NEW_EDITOR}").click()
    page.wait_for_selector(f"#konten-meldung:has-text('»{NEW_EDITOR}« ist deaktiviert')")
    assert account(db, NEW_EDITOR) == ("viewer", 0)
    assert logged_in_as(session, url) == "nicht angemeldet"
    assert login_status(url, NEW_EDITOR, PASSWORD) == 401
    page.get_by_role("button", name=f"Reaktivieren: {NEW_EDITOR}").click()
    page.wait_for_selector(f"#konten-meldung:has-text('»{NEW_EDITOR}« ist wieder aktiv.')")
    assert account(db, NEW_EDITOR) == ("viewer", 1)

    # a temporary password set by the admin replaces the old one
    page.get_by_role("button", name=f"Neues Passwort: {NEW_EDITOR}").click()
    page.wait_for_selector(f"#passwort-titel:has-text('Neues Passwort für »{NEW_EDITOR}«')")
    page.get_by_label("Neues Passwort", exact=True).fill("kurz")
    page.get_by_label("Neues Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Passwort setzen").click()
    page.wait_for_selector("#passwort-meldung [role=alert]:has-text('mindestens 10 Zeichen')")
    page.get_by_label("Neues Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Passwort setzen").click()
    page.wait_for_selector(f"#passwort-meldung:has-text('Neues Passwort für »{NEW_EDITOR}« gesetzt.')")
    assert page.locator("#passwort-formular").is_hidden()
    assert login_status(url, NEW_EDITOR, PASSWORD) == 401
    assert login_status(url, NEW_EDITOR, NEW_PASSWORD) == 303

    # the only admin cannot lock everyone out
    page.get_by_role("button", name=f"Deaktivieren: {ADMIN}").click()
    page.wait_for_selector("#konten-meldung [role=alert]:has-text('letzte aktive Administratorkonto')")
    assert account(db, ADMIN) == ("admin", 1)

    with sqlite3.connect(db) as connection:
        audit = connection.execute(
            "SELECT changed_by, field, old_value, new_value FROM audit WHERE table_name = 'users' "
            "AND record_id = (SELECT id FROM users WHERE name = ?)",
            (NEW_EDITOR,),
        ).fetchall()
    assert {entry[0] for entry in audit} == {ADMIN}
    assert (ADMIN, "role", "editor", "viewer") in audit
    assert (ADMIN, "password_hash", "(verborgen)", "(verborgen)") in audit
    assert not [entry for entry in audit if PASSWORD in str(entry) or NEW_PASSWORD in str(entry)]

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#verwaltung-konten").screenshot(path=str(ARTIFACTS / "admin-accounts.png"))
    assert problems == []


def test_admin_adds_a_network_that_appears_in_the_network_field_and_renames_it(admin_server, editing_context):
    url, db = admin_server
    page = editing_context.new_page()
    problems, _ = watch(page)
    open_admin_area(page, url)
    default = page.locator("#netzwerke-liste li").first
    assert "Standardnetzwerk, nicht umbenennbar" in default.inner_text()
    assert default.get_by_role("button").count() == 0

    page.get_by_label("Name des Netzwerks").fill(f"  {NETWORK}  ")
    page.get_by_label("Beschreibung (freiwillig)").fill(XSS)
    page.get_by_role("button", name="Netzwerk anlegen").click()
    page.wait_for_selector(f"#neues-netzwerk-meldung:has-text('Netzwerk »{NETWORK}« angelegt.')")
    page.wait_for_selector(f"#netzwerke-liste li strong:text-is('{NETWORK}')")
    assert page.locator(f"#netzwerke-liste li:has-text('{XSS}')").count() == 1
    assert page.locator("#verwaltung-netzwerke img, #verwaltung-netzwerke b").count() == 0

    page.get_by_label("Name des Netzwerks").fill(NETWORK.upper())
    page.get_by_role("button", name="Netzwerk anlegen").click()
    page.wait_for_selector("#neues-netzwerk-meldung [role=alert]:has-text('gibt es bereits')")

    # the network field of the map page's controls offers it (no restart)
    page.get_by_role("navigation", name="Bereiche").get_by_role("link", name="Karte").click()
    page.wait_for_selector(f"#netzwerk-liste option[value='{NETWORK}']", state="attached")
    field = page.get_by_label("Netzwerk", exact=True)
    assert field.is_visible()
    field.fill(NETWORK)
    field.press("Enter")
    page.wait_for_url(re.compile(r"[?&]netz=Pr"))
    assert page.locator("#eingabe-hinweis").inner_text() == ""
    page.get_by_role("navigation", name="Bereiche").get_by_role("link", name="Verwaltung").click()

    # rename: the form starts with the current name
    page.get_by_role("button", name=f"Umbenennen: {NETWORK}").click()
    page.wait_for_selector(f"#umbenennen-titel:has-text('Netzwerk »{NETWORK}« umbenennen')")
    assert page.get_by_label("Neuer Name").input_value() == NETWORK
    page.get_by_label("Neuer Name").fill("Kommunaler Präventionsrat Bad Freienwalde (Oder)")
    page.get_by_role("button", name="Umbenennen", exact=True).click()
    page.wait_for_selector(
        "#umbenennen-meldung:has-text('heißt jetzt »Kommunaler Präventionsrat Bad Freienwalde (Oder)«')"
    )
    page.wait_for_selector(
        "#netzwerke-liste li strong:text-is('Kommunaler Präventionsrat Bad Freienwalde (Oder)')"
    )
    with sqlite3.connect(db) as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM networks ORDER BY id").fetchall()]
        renamed = connection.execute(
            "SELECT changed_by, old_value FROM audit WHERE table_name = 'networks' AND field = 'name' "
            "AND new_value = 'Kommunaler Präventionsrat Bad Freienwalde (Oder)'"
        ).fetchall()
    assert names[-1] == "Kommunaler Präventionsrat Bad Freienwalde (Oder)"
    assert renamed == [(ADMIN, NETWORK)]
    page.locator("#verwaltung-netzwerke").screenshot(path=str(ARTIFACTS / "admin-networks.png"))
    assert problems == []


def _body(url: str, client: requests.Session, output_part: str, inputs: list, state: list) -> dict:
    """A Dash update for the callback whose outputs include ``output_part`` (from the app's dependencies)."""
    dependencies = client.get(url + "/_dash-dependencies").json()
    exact = [d["output"] for d in dependencies if d["output"] == output_part]
    output = exact[0] if exact else next(d["output"] for d in dependencies if output_part in d["output"])
    if output.startswith(".."):
        outputs = [
            dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in output[2:-2].split("...")
        ]
    else:  # a callback with one output names it alone
        outputs = dict(zip(("id", "property"), output.rsplit(".", 1), strict=True))
    return {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": state,
    }


def test_forged_account_requests_of_viewers_and_editors_are_refused(admin_server):
    url, db = admin_server
    anonymous = requests.Session()
    anonymous.headers["Origin"] = url
    add = _body(
        url,
        anonymous,
        "neues-konto-meldung.children",
        [{"id": "neues-konto-anlegen", "property": "n_clicks", "value": 1}],
        [
            {"id": "neues-konto-name", "property": "value", "value": "eindringling"},
            {"id": "neues-konto-rolle", "property": "value", "value": "admin"},
            {"id": "neues-konto-passwort", "property": "value", "value": PASSWORD},
            {"id": "neues-konto-wiederholung", "property": "value", "value": PASSWORD},
        ],
    )
    accounts = _body(
        url, anonymous, "konten-liste.children", [{"id": "konten-laden", "property": "data", "value": 0}], []
    )
    networks = _body(
        url,
        anonymous,
        "netzwerke-liste.children",
        [{"id": "netzwerke-laden", "property": "data", "value": 0}],
        [],
    )
    before = count_rows(db, "users"), count_rows(db, "audit")
    for client, refused in (
        (login_session(url, VIEWER), 403),
        (login_session(url, EDITOR), 403),
        (anonymous, 401),
    ):
        for body in (add, accounts, networks):
            response = client.post(url + "/_dash-update-component", json=body)
            assert response.status_code == refused, response.text
            assert ADMIN not in response.text
    assert (count_rows(db, "users"), count_rows(db, "audit")) == before
    assert account(db, "eindringling") is None

    # the same request from the admin is a real one: the refusals above are not malformed bodies
    admin = login_session(url, ADMIN)
    response = admin.post(url + "/_dash-update-component", json=add)
    assert response.status_code == 200, response.text
    assert "Konto »eindringling« mit der Rolle »Administrator« angelegt." in response.text
    assert account(db, "eindringling") == ("admin", 1)
    shown = admin.post(url + "/_dash-update-component", json=accounts)
    assert shown.status_code == 200 and ADMIN in shown.text
    shown = admin.post(url + "/_dash-update-component", json=networks)
    assert shown.status_code == 200 and "Standardnetzwerk" in shown.text
