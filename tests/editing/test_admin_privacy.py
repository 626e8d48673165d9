"""The Datenschutz card in the Verwaltung: search, access report, erasure with confirmation, retention review.

Driven as an admin would, in a real browser against the editing server; then the register file's bytes
and the server's log are read. Viewers, editors and anonymous visitors get none of it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import zipfile

import pytest
import requests

from lpr_geo.auth import User
from lpr_geo.register import make_engine, save_contact, set_status
from lpr_geo.register.activity_edits import add_activity
from tests.a11y.axe import serious_violations
from tests.conftest import ARTIFACTS

from .conftest import EDITOR, VIEWER, login_session, open_verwaltung

GRETA = "Greta.Geheim@calau.example.org"
GRETA_PHONE = "03541 777777"
HANS = "hans.anders@calau.example.org"
CALAU, RUHLAND = ("gemeinde", "12066052"), ("gemeinde", "12066272")  # no other test touches them
SEARCH_OUTPUTS = [
    ("datenschutz-person", "data"),
    ("datenschutz-ergebnis", "children"),
    ("datenschutz-auskunft", "disabled"),
    ("datenschutz-loeschen", "disabled"),
]


@pytest.fixture(scope="module")
def people(editing_data_dir, editing_server) -> dict[str, int]:
    """Greta (to be searched and erased) and Hans at Calau; Rita at Ruhland, due under the retention period."""
    engine = make_engine(f"sqlite:///{editing_data_dir / 'register.sqlite'}")
    editor = User("einrichtung", "editor")
    try:
        greta = save_contact(engine, editor, *CALAU, name="Greta Geheim", email=GRETA, phone=GRETA_PHONE)
        save_contact(engine, editor, *CALAU, name="Hans Anders", email=HANS)
        add_activity(
            engine, editor, *CALAU, "2026-01-12", "E-Mail", attendees="Greta Geheim", outcome=f"an {GRETA}"
        )
        five_years_ago = dt.date.today().replace(year=dt.date.today().year - 5, day=1)
        set_status(engine, editor, *RUHLAND, None, "requested", five_years_ago)
        rita = save_contact(engine, editor, *RUHLAND, name="Rita Rückblick", email="rita@ruhland.example.org")
    finally:
        engine.dispose()
    return {"greta": greta.id, "rita": rita.id}


def contact_names(register_db) -> set[str]:
    with sqlite3.connect(register_db) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM contacts")}


def search_body(email: str) -> dict:
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in SEARCH_OUTPUTS) + "..",
        "outputs": [{"id": i, "property": p} for i, p in SEARCH_OUTPUTS],
        "inputs": [
            {"id": "datenschutz-suchen", "property": "n_clicks", "value": 1},
            {"id": "datenschutz-suchtext", "property": "n_submit", "value": None},
        ],
        "changedPropIds": ["datenschutz-suchen.n_clicks"],
        "state": [{"id": "datenschutz-suchtext", "property": "value", "value": email}],
    }


def test_viewers_editors_and_visitors_get_no_privacy_data(editing_server, register_db, admin, people):
    body = search_body(GRETA)
    export = {
        "output": "..datenschutz-download.data...datenschutz-meldung.children..",
        "outputs": [
            {"id": "datenschutz-download", "property": "data"},
            {"id": "datenschutz-meldung", "property": "children"},
        ],
        "inputs": [{"id": "datenschutz-auskunft", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["datenschutz-auskunft.n_clicks"],
        "state": [{"id": "datenschutz-person", "property": "data", "value": {"by": "email", "value": GRETA}}],
    }
    anonymous = requests.Session()
    anonymous.headers["Origin"] = editing_server
    for client, refused in (
        (login_session(editing_server, VIEWER), 403),
        (login_session(editing_server, EDITOR), 403),
        (anonymous, 401),
    ):
        assert "datenschutz" not in client.get(editing_server + "/_dash-layout").text
        for forged in (body, export):
            response = client.post(editing_server + "/_dash-update-component", json=forged)
            assert response.status_code == refused, response.text
            assert GRETA_PHONE not in response.text and "Greta" not in response.text
    assert "Greta Geheim" in contact_names(register_db)

    # the admin's same request answers: the refusals above are not an accident
    client = login_session(editing_server, admin)
    answer = client.post(editing_server + "/_dash-update-component", json=body)
    assert answer.status_code == 200
    assert "Gespeichert zu E-Mail-Adresse" in answer.text
    assert answer.json()["response"]["datenschutz-loeschen"] == {"disabled": False}
    # a name the sample register gives contacts in several regions: maybe different people
    namesakes = client.post(editing_server + "/_dash-update-component", json=search_body("anna  beispiel"))
    assert "Gespeichert zu Name »anna beispiel«" in namesakes.text
    assert "Den Namen tragen Ansprechpartner in 4 Regionen" in namesakes.text


def problems_of(page) -> list[str]:
    """Dialogs (an XSS would open one), console and page errors. Response bodies are not read: a download
    makes them unavailable."""
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def open_privacy(page, url: str, admin: str):
    open_verwaltung(page, url, admin)
    card = page.locator("#verwaltung-datenschutz")
    card.scroll_into_view_if_needed()
    page.wait_for_selector("#datenschutz-fristen table")  # the review list has come
    return card


def database_bytes(register_db) -> dict[str, bytes]:
    paths = [
        register_db,
        register_db.with_name(register_db.name + "-wal"),
        register_db.with_name(register_db.name + "-shm"),
    ]
    return {path.name: path.read_bytes() for path in paths if path.exists()}


@pytest.mark.browser
def test_admin_searches_downloads_the_report_and_erases_after_confirming(
    editing_server, editing_context, register_db, admin, people
):
    page = editing_context.new_page()
    problems = problems_of(page)
    card = open_privacy(page, editing_server, admin)

    card.get_by_label("E-Mail-Adresse oder Name").fill(GRETA.upper())
    card.get_by_role("button", name="Suchen").click()
    result = page.locator("#datenschutz-ergebnis")
    result.locator("text=Gespeichert zu E-Mail-Adresse").wait_for()
    rows = result.locator("tr").all_inner_texts()
    assert "Kontaktdaten\t1" in rows and "Aktivitäten, die die Person nennen\t1" in rows

    with page.expect_download() as download:
        card.get_by_role("button", name="Auskunft herunterladen").click()
    assert download.value.suggested_filename == f"auskunft-{dt.date.today().isoformat()}.zip"
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert sorted(archive.namelist()) == ["auskunft.html", "auskunft.json"]
    report = json.loads(archive.read("auskunft.json"))
    assert [c["email"] for c in report["ansprechpartner"]] == [GRETA]
    assert (
        HANS not in archive.read("auskunft.json").decode()
        and "Hans Anders" not in archive.read("auskunft.html").decode()
    )
    page.locator("#datenschutz-meldung:has-text('Auskunft erstellt')").wait_for()

    card.get_by_role("button", name="Löschen…").click()
    question = page.locator("#datenschutz-frage")
    question.wait_for(state="visible")
    assert "wirklich endgültig löschen?" in question.inner_text()
    assert "Kontaktdaten löschen: 1 Ansprechpartner" in question.inner_text()
    assert "Nr. " in question.inner_text() and "Gemeinde Calau (12066052)" in question.inner_text()
    question.get_by_role("button", name="Abbrechen").click()
    page.locator("#datenschutz-meldung:has-text('Nichts gelöscht.')").wait_for()
    assert question.is_hidden() and "Greta Geheim" in contact_names(register_db)

    card.get_by_role("button", name="Löschen…").click()
    question.wait_for(state="visible")
    names = question.get_by_role("button", name="Endgültig löschen und Namen ersetzen")
    assert names.is_visible()  # the activity names her: replacing the name is offered, not done
    question.get_by_role("button", name="Endgültig löschen", exact=True).click()
    page.locator("#datenschutz-meldung:has-text('Gelöscht: 1 Ansprechpartner')").wait_for()
    assert (
        "Zur Prüfung (wird nicht geändert): 1 Textstelle mit dem Namen"
        in page.locator("#datenschutz-meldung").inner_text()
    )
    assert card.get_by_role("button", name="Löschen…").is_disabled()
    names = contact_names(register_db)
    assert "Greta Geheim" not in names and "Hans Anders" in names
    files = database_bytes(register_db)
    for value in (GRETA, GRETA_PHONE):
        assert [name for name, data in files.items() if value.lower().encode() in data.lower()] == [], value
    log = (ARTIFACTS / "editing-server.log").read_text(encoding="utf-8", errors="replace")
    assert GRETA.lower() not in log.lower() and GRETA_PHONE not in log
    assert serious_violations(page, "#verwaltung-datenschutz") == []
    assert problems == []


@pytest.mark.browser
def test_the_retention_review_erases_a_due_contact_only_after_confirming(
    editing_server, editing_context, register_db, admin, people
):
    page = editing_context.new_page()
    problems = problems_of(page)
    open_privacy(page, editing_server, admin)
    row = page.locator("#datenschutz-fristen tr", has_text="Rita Rückblick")
    assert (
        "Gemeinde Ruhland (12066272)" in row.inner_text() and "letzter Statuseintrag am" in row.inner_text()
    )
    assert "Aufbewahrungsfrist 3 Jahre" in page.locator("#datenschutz-fristen").inner_text()

    row.get_by_role("button", name="Nach Prüfung löschen: Rita Rückblick").click()
    question = page.locator("#datenschutz-frage")
    question.wait_for(state="visible")
    assert f"Ansprechpartner Nr. {people['rita']}: wirklich endgültig löschen?" in question.inner_text()
    assert "Rita Rückblick" in contact_names(register_db)
    question.get_by_role("button", name="Endgültig löschen", exact=True).click()
    page.locator("#datenschutz-meldung:has-text('Gelöscht: 1 Ansprechpartner')").wait_for()
    row.wait_for(state="detached")
    assert "Rita Rückblick" not in contact_names(register_db)
    assert problems == []
