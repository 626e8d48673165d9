"""The Änderungsprotokoll on the Verwaltung page: only admins get it, filtered by user, area, date and text."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import create_engine

from lpr_geo.auth import User, add_user
from lpr_geo.register import set_status

from .conftest import EDITOR, PASSWORD, VIEWER, login_session, open_verwaltung, shown_page

REGION = "12070296"  # Perleberg: no other test touches it
XSS = "<img src=x onerror=alert(1)>"
MARKER = f"protokolltest-{uuid.uuid4().hex[:8]}"
GRID_ROWS = "#protokoll-tabelle .ag-center-cols-container .ag-row"
AUDIT_OUTPUTS = [
    ("protokoll-tabelle", "rowData"),
    ("protokoll-seite", "data"),
    ("protokoll-anzahl", "children"),
    ("protokoll-weitere", "hidden"),
    ("protokoll-meldung", "children"),
    ("protokoll-benutzer-liste", "children"),
]


@pytest.fixture(scope="module")
def edited(editing_server, editing_data_dir) -> str:
    """An editor's status change whose note carries the marker (and an XSS payload), then a new account.

    The account makes the newest entry a timestamp (its creation time): AG Grid once took the type of a
    whole column from its first value and blanked every other value that was no timestamp.
    """
    engine = create_engine(f"sqlite:///{editing_data_dir / 'register.sqlite'}")
    try:
        set_status(
            engine,
            User(EDITOR, "editor"),
            "gemeinde",
            REGION,
            None,
            "Angefragt",
            dt.date.today(),
            f"{MARKER} {XSS}",
        )
        add_user(engine, f"protokoll-konto-{uuid.uuid4().hex[:6]}", "viewer", PASSWORD)
    finally:
        engine.dispose()
    return f"{MARKER} {XSS}"


def audit_body(user: str | None = None, text: str | None = None) -> dict:
    """A Dash update of the audit grid, as the admin's page sends it."""

    def committed(text):  # what the filter fields' commit stores hold after Enter
        return {"text": text, "at": 1} if text else None

    inputs = [
        ("protokoll-benutzer-eingabe", "data", committed(user)),
        ("protokoll-bereich-eingabe", "data", None),
        ("protokoll-von-eingabe", "data", None),
        ("protokoll-bis-eingabe", "data", None),
        ("protokoll-text-eingabe", "data", committed(text)),
        ("protokoll-aktualisieren", "n_clicks", None),
        ("protokoll-weitere", "n_clicks", None),
    ]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in AUDIT_OUTPUTS) + "..",
        "outputs": [{"id": i, "property": p} for i, p in AUDIT_OUTPUTS],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": ["protokoll-text-eingabe.data"],
        "state": [{"id": "protokoll-seite", "property": "data", "value": None}],
    }


def test_only_an_admin_gets_the_verwaltung_page_and_the_audit_trail(editing_server, admin, edited):
    body = audit_body(text=MARKER)
    for name in (VIEWER, EDITOR):
        client = login_session(editing_server, name)
        page = client.get(editing_server + "/verwaltung", allow_redirects=False)
        assert page.status_code == 403 and "Administrator" in page.text, name
        assert "verwaltung" not in shown_page(client, editing_server, "/")  # no link to it
        shown = shown_page(client, editing_server, "/verwaltung")  # the page's request, forged
        assert "Änderungsprotokoll" not in shown and "Administrator" in shown
        forged = client.post(editing_server + "/_dash-update-component", json=body)
        assert forged.status_code == 403, name
        assert MARKER not in forged.text and "rowData" not in forged.text
    anonymous = requests.Session()
    anonymous.headers["Origin"] = editing_server
    assert anonymous.post(editing_server + "/_dash-update-component", json=body).status_code == 401
    redirected = anonymous.get(editing_server + "/verwaltung", allow_redirects=False)
    assert redirected.status_code == 303 and redirected.headers["Location"].endswith("/anmelden")

    client = login_session(editing_server, admin)
    assert client.get(editing_server + "/verwaltung").status_code == 200
    assert "/verwaltung" in shown_page(client, editing_server, "/")  # the header links to it
    map_page = shown_page(client, editing_server, "/")
    assert "Änderungsprotokoll" not in map_page and "protokoll-tabelle" not in map_page  # not on the map page
    assert "Änderungsprotokoll" in shown_page(client, editing_server, "/verwaltung")
    seen = client.post(editing_server + "/_dash-update-component", json=body)
    assert seen.status_code == 200, seen.text
    rows = seen.json()["response"]["protokoll-tabelle"]["rowData"]
    assert [(r["benutzer"], r["bereich"], r["region"], r["feld"], r["neu"]) for r in rows] == [
        (EDITOR, "Status", "Perleberg", "Notiz", edited)
    ]


def _cells(page, column: str) -> list[str]:
    return page.locator(f"#protokoll-tabelle .ag-center-cols-container [col-id={column}]").all_inner_texts()


def _shows(page, count_text: str, rows: int | None = None) -> None:
    """Wait for the count line and (the grid renders a moment later) for that many rows."""
    page.wait_for_selector(f"#protokoll-anzahl:has-text('{count_text}')")
    if rows is not None:
        expect(page.locator(GRID_ROWS)).to_have_count(rows, timeout=30_000)


def _assert_values_shown(page, sent: dict[str, dict]) -> None:
    """Every rendered row shows the old and new value the server sent (whatever they look like)."""
    rows = page.locator(GRID_ROWS).all()[:15]
    assert rows
    for row in rows:
        entry = sent[row.get_attribute("row-id")]
        # AG Grid fills a row's cells a moment after the row itself: wait for them, a blank one fails
        expect(row.locator("[col-id=alt]")).to_have_text(entry["alt"], timeout=10_000)
        expect(row.locator("[col-id=neu]")).to_have_text(entry["neu"], timeout=10_000)


def _record_rows(page) -> dict[str, dict]:
    sent: dict[str, dict] = {}

    def record(response) -> None:
        if "_dash-update-component" in response.url and response.ok:
            rows = json.loads(response.text()).get("response", {}).get("protokoll-tabelle", {}).get("rowData")
            if isinstance(rows, list):
                sent.update({row["id"]: row for row in rows})

    page.on("response", record)
    return sent


def _filter(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")


@pytest.mark.browser
def test_an_admin_filters_the_audit_trail_by_user_and_text(editing_server, editing_context, admin, edited):
    page = editing_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: dialogs.append(str(error)))
    sent = _record_rows(page)
    open_verwaltung(page, editing_server, admin)
    page.wait_for_selector(GRID_ROWS, state="attached")
    # the sample register alone has far more than a page: 200 now, 200 more on request
    page.wait_for_selector("#protokoll-anzahl:has-text('Die neuesten 200 Einträge')")
    _assert_values_shown(page, sent)  # timestamps, flags, hidden passwords alike
    page.get_by_role("button", name="Weitere laden").click()
    page.wait_for_selector("#protokoll-anzahl:has-text('Die neuesten 400 Einträge')")
    assert page.locator(f"#protokoll-benutzer-liste option[value='{EDITOR}']").count() == 1
    # accounts: timestamps, flags and hidden passwords in one column, all shown as sent
    _filter(page, "Bereich", "Benutzerkonto")
    page.wait_for_function(
        "[...document.querySelectorAll('#protokoll-tabelle .ag-center-cols-container [col-id=bereich]')]"
        ".every(cell => cell.textContent === 'Benutzerkonto')"
    )
    _assert_values_shown(page, sent)
    assert "(verborgen)" in _cells(page, "neu")
    _filter(page, "Bereich", "")

    _filter(page, "Text enthält", MARKER)
    _shows(page, "1 Eintrag.", 1)
    assert _cells(page, "neu") == [edited]  # the payload as text
    assert _cells(page, "benutzer") == [EDITOR]
    assert _cells(page, "bereich") == ["Status"] and _cells(page, "feld") == ["Notiz"]
    assert _cells(page, "region") == ["Perleberg"]  # the region, not only a record number
    shown = page.locator("#protokoll-tabelle [col-id=zeitpunkt]").last.inner_text()
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", shown)
    local = dt.datetime.strptime(shown, "%d.%m.%Y, %H:%M Uhr").replace(tzinfo=ZoneInfo("Europe/Berlin"))
    assert abs(dt.datetime.now(dt.UTC) - local) < dt.timedelta(minutes=30)  # Berlin time, not UTC

    _filter(page, "Benutzer", admin)  # the admin did not write it
    _shows(page, "Keine Einträge für diese Auswahl.", 0)
    _filter(page, "Benutzer", EDITOR)
    _shows(page, "1 Eintrag.", 1)
    _filter(page, "Bereich", "Kontaktperson")
    _shows(page, "Keine Einträge für diese Auswahl.", 0)
    _filter(page, "Bereich", "Status")
    _shows(page, "1 Eintrag.", 1)

    _filter(page, "Text enthält", "")
    page.wait_for_function("!document.querySelector('#protokoll-anzahl').textContent.startsWith('1 Eintrag')")
    expect(page.locator(GRID_ROWS)).not_to_have_count(1, timeout=30_000)
    assert set(_cells(page, "benutzer")) == {EDITOR}
    assert set(_cells(page, "bereich")) == {"Status"}
    _assert_values_shown(page, sent)

    today = f"{dt.date.today():%d.%m.%Y}"
    _filter(page, "Von (TT.MM.JJJJ)", "31.02.2026")
    page.wait_for_selector("#protokoll-meldung:has-text('Von: »31.02.2026« ist kein gültiges Datum')")
    _filter(page, "Von (TT.MM.JJJJ)", "")  # empty: no filter, no message
    page.wait_for_function("document.querySelector('#protokoll-meldung').textContent === ''")
    _filter(page, "Von (TT.MM.JJJJ)", today)
    _filter(page, "Bis (TT.MM.JJJJ)", "01.01.2021")
    page.wait_for_selector("#protokoll-meldung:has-text('Bis: das Datum liegt vor dem Von-Datum.')")
    _filter(page, "Bis (TT.MM.JJJJ)", today)
    _filter(page, "Text enthält", MARKER)
    _shows(page, "1 Eintrag.", 1)
    assert page.locator("#protokoll-meldung").inner_text() == ""
    assert page.locator("#verwaltung-protokoll img").count() == 0
    assert dialogs == []
