"""Register import (checked, then applied) and export on the Verwaltung page, driven as an admin would."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import create_engine

from lpr_geo.register import export_members
from lpr_geo.register.columns import EXPORT_FIELDS, HEADERS
from lpr_geo.register.tabular import read_table
from lpr_geo.spreadsheets import ReadLimits
from lpr_geo.vocabulary import REGION
from tests.a11y.axe import serious_violations
from tests.conftest import ARTIFACTS, show_part

from .conftest import (
    ADMIN,
    EDITOR,
    VIEWER,
    browser_login,
    count_rows,
    login_session,
    open_verwaltung,
    watch,
)

XSS = "<img src=x onerror=alert(1)>"
IMPORTED = ("12073572", "Templin")  # no other test touches it
TODAY = f"{dt.date.today():%d.%m.%Y}"
GOOD_CSV = (
    "Schlüssel;Gemeinde;Status;Seit;Bemerkung;Ansprechpartner;Funktion\n"
    f"{IMPORTED[0]};{IMPORTED[1]};Im Gespräch;{TODAY};{XSS};Frau Import-Test;Bürgermeisterin\n"
)
BAD_CSV = (
    "Schlüssel;Status;Seit;Bemerkung;Ansprechpartner;E-Mail\n"
    f"{IMPORTED[0]};Im Gespräch;31.02.2026;ok;Herr Falsch;keine-adresse\n"
    "12999999;Mitglied;01.01.2022;;;\n"
)
TABLES = ("participants", "status_events", "contacts", "audit")
IMPORT_OUTPUTS = [
    ("register-datei", "data"),
    ("register-datei-info", "children"),
    ("register-bericht", "children"),
    ("register-pruefen", "disabled"),
    ("register-uebernehmen", "disabled"),
    ("register-upload", "contents"),
]


def counts(db) -> dict[str, int]:
    return {table: count_rows(db, table) for table in TABLES}


def open_admin(page, url: str) -> None:
    open_verwaltung(page, url)
    page.wait_for_selector("#register-upload input[type=file]", state="attached")


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files(
        "#register-upload input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def import_body(contents: str | None, step: str, stored: dict | None = None) -> dict:
    """A Dash update of the import callback, as the admin's page sends it."""
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in IMPORT_OUTPUTS) + "..",
        "outputs": [{"id": i, "property": p} for i, p in IMPORT_OUTPUTS],
        "inputs": [
            {"id": "register-upload", "property": "contents", "value": contents},
            {"id": "register-pruefen", "property": "n_clicks", "value": 1},
            {"id": "register-uebernehmen", "property": "n_clicks", "value": 1},
            {"id": "register-beispiel-entfernen", "property": "n_clicks", "value": 1},
        ],
        "changedPropIds": [step],
        "state": [
            {"id": "register-upload", "property": "filename", "value": "liste.csv"},
            {"id": "register-datei", "property": "data", "value": stored},
        ],
    }


def test_forged_import_and_export_requests_of_viewers_and_editors_are_refused(
    editing_server, register_db, admin
):
    contents = "data:text/csv;base64," + base64.b64encode(GOOD_CSV.encode()).decode()
    forged_token = {"token": "A" * 32, "name": "liste.csv"}
    bodies = [
        import_body(contents, "register-upload.contents"),
        import_body(None, "register-pruefen.n_clicks", forged_token),
        import_body(None, "register-uebernehmen.n_clicks", forged_token),
        {
            "output": "register-download.data",
            "outputs": {"id": "register-download", "property": "data"},
            "inputs": [
                {"id": "register-export-csv", "property": "n_clicks", "value": 1},
                {"id": "register-export-xlsx", "property": "n_clicks", "value": None},
            ],
            "changedPropIds": ["register-export-csv.n_clicks"],
            "state": [],
        },
    ]
    with sqlite3.connect(register_db) as connection:
        contacts = [row[0] for row in connection.execute("SELECT name FROM contacts")]
    before = counts(register_db)
    anonymous = requests.Session()
    anonymous.headers["Origin"] = editing_server
    for client, refused in (
        (login_session(editing_server, VIEWER), 403),
        (login_session(editing_server, EDITOR), 403),
        (anonymous, 401),
    ):
        for body in bodies:
            response = client.post(editing_server + "/_dash-update-component", json=body)
            assert response.status_code == refused, (body["output"], response.text)
            assert "register-bericht" not in response.text and "base64" not in response.text
            assert not [name for name in contacts if name in response.text]
    assert counts(register_db) == before

    # the same export from an admin's session is the real one: the refusals above are not an accident
    client = login_session(editing_server, admin)
    response = client.post(editing_server + "/_dash-update-component", json=bodies[-1])
    assert response.status_code == 200
    download = response.json()["response"]["register-download"]["data"]
    assert download["filename"] == f"mitgliederregister-{dt.date.today().isoformat()}.csv"
    assert download["base64"] and contacts[0] in base64.b64decode(download["content"]).decode("utf-8-sig")


def test_an_upload_over_the_limit_is_refused_on_the_server_too(editing_server, admin):
    client = login_session(editing_server, admin)
    big = base64.b64encode(b"x" * (ReadLimits().max_bytes + 1)).decode()
    response = client.post(
        editing_server + "/_dash-update-component",
        json=import_body(f"data:text/csv;base64,{big}", "register-upload.contents"),
    )
    assert response.status_code == 200
    answer = response.json()["response"]
    assert answer["register-datei"]["data"] is None and answer["register-pruefen"]["disabled"] is True
    assert "erlaubt sind höchstens 10,0 MB" in json.dumps(answer, ensure_ascii=False)


@pytest.mark.browser
def test_an_import_with_problems_is_explained_in_german_and_writes_nothing(
    editing_server, editing_context, register_db, admin
):
    page = editing_context.new_page()
    dialogs, _ = watch(page)
    open_admin(page, editing_server)
    before = counts(register_db)
    with page.expect_file_chooser() as chooser:  # keyboard: the button in the drop zone opens the chooser
        page.get_by_role("button", name="Datei auswählen").press("Enter")
    chooser.value.set_files(
        files=[{"name": f"{XSS}.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}]
    )
    page.wait_for_selector(f"#register-datei-info:has-text('Hochgeladen: »{XSS}.csv«')")  # the name as text
    page.get_by_role("button", name="Prüfen").click()
    report = page.locator("#register-bericht")
    report.locator("text=die Datei kann so nicht übernommen werden").wait_for()
    assert "2 Datenzeilen, 3 Probleme" in report.inner_text()
    problems = [
        row.locator("td").all_inner_texts()
        for row in page.locator("#register-bericht .import-problems tbody tr").all()
    ]
    assert problems == [
        ["2", "Seit", "ungültiges Datum »31.02.2026« (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)"],
        ["2", "E-Mail", "»keine-adresse« ist keine gültige E-Mail-Adresse"],
        ["3", "Schlüssel", "unbekannter Schlüssel »12999999« (Gemeinde)"],
    ]
    assert page.get_by_role("button", name="Übernehmen", exact=True).is_disabled()
    assert page.get_by_role(
        "button", name="Prüfen"
    ).is_disabled()  # the file is gone: fix it and upload again
    assert page.locator("#register-datei-info").inner_text() == (
        f"»{XSS}.csv« kann so nicht übernommen werden; bitte korrigieren und neu hochladen."
    )
    assert counts(register_db) == before
    assert page.locator("#verwaltung-daten img").count() == 0
    assert dialogs == []
    assert serious_violations(page, "#verwaltung-protokoll", "#verwaltung-daten") == []


@pytest.mark.browser
def test_a_checked_import_is_applied_and_a_viewer_sees_it_on_the_map(
    editing_server, editing_context, browser, register_db, admin, sample_restored_afterwards
):
    page = editing_context.new_page()
    dialogs, _ = watch(page)
    open_admin(page, editing_server)
    before = counts(register_db)
    upload(page, "mitglieder.csv", GOOD_CSV.encode("utf-8"))
    page.get_by_role("button", name="Prüfen").click()
    page.wait_for_selector("#register-bericht:has-text('Prüfung ohne Probleme: 1 Datenzeile.')")
    assert page.locator("#register-bericht .import-counts").inner_text().split("\n") == [
        "Änderungen beim Übernehmen",
        "Regionen neu\t1",
        "Statuseinträge neu\t1",
        "Statuseinträge geändert\t0",
        "Ansprechpartner neu\t1",
        "Ansprechpartner geändert\t0",
    ]
    assert counts(register_db) == before  # a dry run
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".admin-area").screenshot(path=str(ARTIFACTS / "admin-area.png"))

    # the register still holds the sample: the import asks to remove it in the same step
    page.get_by_role("button", name="Übernehmen", exact=True).click()
    page.wait_for_selector("#register-bericht:has-text('Das Register enthält noch das Beispielregister')")
    assert (
        counts(register_db) == before
        and not page.get_by_role("button", name="Übernehmen", exact=True).is_disabled()
    )
    page.get_by_role("button", name="Beispielregister entfernen und übernehmen").click()
    page.wait_for_selector("#register-bericht:has-text('Übernommen: 1 Datenzeile.')")
    # the sample's regions and any tried out on it by the tests before (the shared server's register)
    removed = f"Das Beispielregister ({REGION.count(before['participants'])}) wurde entfernt."
    page.wait_for_selector(f"#register-bericht:has-text('{removed}')")
    page.wait_for_selector("#register-beispiel", state="hidden")  # the question is answered
    assert page.get_by_role("button", name="Übernehmen", exact=True).is_disabled()
    assert page.get_by_role("button", name="Prüfen").is_disabled()
    after = counts(register_db)
    assert (after["participants"], after["status_events"], after["contacts"]) == (1, 1, 1)
    with sqlite3.connect(register_db) as connection:
        stored = connection.execute(
            "SELECT e.status, e.note, e.created_by FROM status_events e JOIN participants p ON p.id = e.participant_id "
            "WHERE p.key = ?",
            (IMPORTED[0],),
        ).fetchall()
    assert stored == [("in_talks", XSS, ADMIN)]
    assert dialogs == []

    viewer = browser.new_context(locale="de-DE", bypass_csp=True)
    try:
        reader = viewer.new_page()
        reader.set_default_timeout(60_000)
        viewer_dialogs, bodies = watch(reader)
        browser_login(reader, editing_server, VIEWER)
        reader.goto(f"{editing_server}/?region={IMPORTED[0]}")
        reader.wait_for_selector("#detail p:has-text('Status: Im Gespräch')")
        reader.wait_for_selector(f"#detail li:has-text('{XSS}')")  # the imported note, as text
        show_part(reader, "kartentabelle")
        reader.wait_for_load_state("networkidle")
        rows = [
            row
            for body in bodies
            for row in json.loads(body).get("response", {}).get("karten-tabelle", {}).get("rowData") or []
        ]
        assert {"name": IMPORTED[1], "status": "Im Gespräch"}.items() <= next(
            row for row in rows if row.get("name") == IMPORTED[1]
        ).items()
        assert reader.locator("#detail img").count() == 0
        assert reader.locator("#verwaltung").count() == 0
        assert not [body for body in bodies if "Frau Import-Test" in body]  # contacts stay with editors
        assert viewer_dialogs == []
    finally:
        viewer.close()


@pytest.mark.browser
def test_register_exports_download_and_hold_the_register_rows(
    editing_server, editing_context, register_db, admin, tmp_path
):
    page = editing_context.new_page()
    open_admin(page, editing_server)
    engine = create_engine(f"sqlite:///{register_db}")
    try:
        for button, suffix in (("Register als CSV", ".csv"), ("als XLSX", ".xlsx")):
            with page.expect_download() as info:
                page.get_by_role("button", name=button, exact=True).click()
            download = info.value
            assert download.suggested_filename == f"mitgliederregister-{dt.date.today().isoformat()}{suffix}"
            path = tmp_path / download.suggested_filename
            download.save_as(path)
            expected = tmp_path / f"erwartet{suffix}"
            export_members(engine, expected)
            table = read_table(path)
            assert table.header == [HEADERS[f] for f in EXPORT_FIELDS]
            assert len(table.rows) > 50 and table.rows == read_table(expected).rows
        workbook = load_workbook(path, read_only=True)
        assert workbook.worksheets[0].title == "Mitglieder"
        workbook.close()
    finally:
        engine.dispose()


@pytest.mark.browser
def test_a_file_over_the_size_limit_is_refused_in_the_browser(editing_server, editing_context, admin):
    page = editing_context.new_page()
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.post_data or ""))
    open_admin(page, editing_server)
    upload(page, "zu-gross.csv", b"x" * (ReadLimits().max_bytes + 1))
    page.wait_for_selector("#register-upload-abgelehnt:has-text('»zu-gross.csv« ist')")
    message = page.locator("#register-upload-abgelehnt").inner_text()
    assert "erlaubt sind höchstens" in message and "nicht hochgeladen" in message
    assert page.locator("#register-datei-info").inner_text() == "Noch keine Datei hochgeladen."

    upload(page, "klein.csv", GOOD_CSV.encode("utf-8"))  # a file within the limit clears the message
    page.wait_for_selector("#register-datei-info:has-text('Hochgeladen: »klein.csv«')")
    assert page.locator("#register-upload-abgelehnt").inner_text() == ""
    # the big file would have gone to the server before the small one: only the small one did
    sent = [body for body in posts if "register-upload.contents" in body]
    small, big = (base64.b64encode(data).decode() for data in (GOOD_CSV.encode("utf-8"), b"x" * 48))
    assert any(small in body for body in sent) and not any(big in body for body in sent)


def test_the_upload_waits_owner_only_in_the_data_directory_and_applies_once(
    editing_server, editing_data_dir, register_db, admin, sample_restored_afterwards
):
    client = login_session(editing_server, admin)
    contents = "data:text/csv;base64," + base64.b64encode(GOOD_CSV.replace("Frau", "Herr").encode()).decode()

    def step(name: str, stored: dict | None = None, data: str | None = None) -> dict:
        body = import_body(data, name, stored)
        response = client.post(editing_server + "/_dash-update-component", json=body)
        assert response.status_code == 200, response.text
        return response.json()["response"]

    stored = step("register-upload.contents", data=contents)["register-datei"]["data"]
    folder = editing_data_dir / "import-staging" / stored["token"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o600"}
    assert "Prüfung ohne Probleme" in json.dumps(
        step("register-pruefen.n_clicks", stored), ensure_ascii=False
    )
    assert sorted(p.name for p in folder.iterdir()) == ["checked.json", "upload.json"]  # read once
    before = counts(register_db)
    refused = json.dumps(step("register-uebernehmen.n_clicks", stored), ensure_ascii=False)
    assert "noch das Beispielregister" in refused and counts(register_db) == before  # asked, not used up
    assert "Übernommen" in json.dumps(
        step("register-beispiel-entfernen.n_clicks", stored), ensure_ascii=False
    )
    again = json.dumps(step("register-beispiel-entfernen.n_clicks", stored), ensure_ascii=False)
    assert "nicht mehr vorhanden" in again and not folder.exists()
    assert before["contacts"] > 1 and counts(register_db)["contacts"] == 1  # applied once, sample gone
    for forged in (None, "x", {"token": "../" * 11}, {"token": stored["token"] + "A"}):
        answer = json.dumps(step("register-pruefen.n_clicks", forged), ensure_ascii=False)
        assert "nicht mehr vorhanden" in answer
