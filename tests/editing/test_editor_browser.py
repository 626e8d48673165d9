"""The editor panel driven in headless Chromium: save, escape, conflicts, and what anonymous viewers get."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from sqlalchemy import create_engine

# User via the editing module: importing lpr_geo.auth first runs into a circular import in lpr_geo
from lpr_geo.auth import User
from lpr_geo.register import set_status
from tests.conftest import show_part

from .conftest import EDITOR, browser_login, watch

pytestmark = pytest.mark.browser

REGION = "12062024"
XSS = "<img src=x onerror=alert(1)>"


def _map_table_status(bodies: list[str], name: str) -> str | None:
    for body in bodies:
        rows = json.loads(body).get("response", {}).get("karten-tabelle", {}).get("rowData") or []
        for row in rows:
            if row.get("name") == name:
                return row.get("status")
    return None


def open_region(page, url: str) -> None:
    page.goto(f"{url}/?region={REGION}")
    page.wait_for_selector("#detail h3")
    page.wait_for_load_state("networkidle")  # the editor panel's callback has answered too


def test_editor_saves_status_and_activity_and_an_anonymous_viewer_sees_them_escaped(
    editing_server, editing_context, browser, register_db
):
    page = editing_context.new_page()
    dialogs, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    open_region(page, editing_server)
    page.wait_for_selector("#status-speichern")
    assert page.locator("#kontaktpersonen").count() == 1

    page.get_by_label("Im Gespräch", exact=True).check()
    page.get_by_label("Notiz").fill(XSS)
    page.get_by_role("button", name="Status speichern").click()
    page.wait_for_selector("#status-meldung:has-text('Status gespeichert.')")
    page.wait_for_selector(f"#detail li:has-text('{XSS}')")

    page.get_by_label("Telefonat", exact=True).check()
    page.get_by_label("Ort").fill(XSS)
    page.get_by_label("Ergebnis").fill(XSS)
    page.get_by_label("Nächster Schritt").fill(XSS)
    page.get_by_label("Fällig am (TT.MM.JJJJ)").fill(f"{dt.date.today() + dt.timedelta(days=7):%d.%m.%Y}")
    page.get_by_role("button", name="Aktivität speichern").click()
    page.wait_for_selector("#aktivitaet-meldung:has-text('Aktivität gespeichert.')")
    page.wait_for_selector(f"#detail p:has-text('Telefonat in {XSS}')")
    assert page.locator("#detail img, #bearbeiten img").count() == 0

    viewer = browser.new_context(locale="de-DE", bypass_csp=True)
    try:
        anonymous = viewer.new_page()
        anonymous.set_default_timeout(60_000)
        viewer_dialogs, bodies = watch(anonymous)
        open_region(anonymous, editing_server)
        show_part(anonymous, "kartentabelle")
        anonymous.wait_for_selector("#detail p:has-text('Status: Im Gespräch')")
        anonymous.wait_for_selector(f"#detail li:has-text('{XSS}')")
        anonymous.wait_for_selector(f"#detail p:has-text('Ergebnis: {XSS}')")
        assert anonymous.locator("#detail img").count() == 0
        assert anonymous.locator("#status-speichern, #kontaktpersonen").count() == 0
        assert bodies and not any("kontaktpersonen" in body or "status-speichern" in body for body in bodies)
        assert _map_table_status(bodies, "Bad Liebenwerda") == "Im Gespräch"  # the map's table view
        assert viewer_dialogs == []
    finally:
        viewer.close()
    assert dialogs == []


def test_a_stale_status_form_says_who_changed_it_and_overwrites_nothing(
    editing_server, editing_context, register_db
):
    page = editing_context.new_page()
    browser_login(page, editing_server, EDITOR)
    open_region(page, editing_server)
    page.wait_for_selector("#status-speichern")

    engine = create_engine(f"sqlite:///{register_db}")
    try:  # a colleague saves first, while the form is open
        set_status(
            engine,
            User("kollege", "editor"),
            "gemeinde",
            REGION,
            None,
            "Angefragt",
            dt.date.today(),
            "vom Kollegen",
        )
    finally:
        engine.dispose()

    page.get_by_label("Mitglied", exact=True).check()
    page.get_by_label("Notiz").fill("meine Notiz")
    page.get_by_role("button", name="Status speichern").click()
    message = page.locator("#status-meldung")
    message.locator("text=inzwischen von kollege geändert").wait_for()
    assert "Angefragt" in message.inner_text() and "Mitglied" in message.inner_text()
    page.wait_for_selector("#detail li:has-text('vom Kollegen')")
    assert page.locator("#detail li:has-text('meine Notiz')").count() == 0

    page.get_by_role("button", name="Status speichern").click()  # after checking: save again, now current
    page.wait_for_selector("#status-meldung:has-text('Status gespeichert.')")
    page.wait_for_selector("#detail li:has-text('meine Notiz')")


def test_logging_out_from_the_header_returns_to_anonymous_reading(editing_server, editing_context):
    page = editing_context.new_page()
    dialogs, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_selector("#anmeldung a:has-text('Anmelden')")
    open_region(page, editing_server)
    assert page.locator("#status-speichern").count() == 0
    assert dialogs == []


def test_the_first_real_status_removes_the_sample_after_asking(
    editing_server, editing_context, register_db, sample_restored_afterwards
):
    page = editing_context.new_page()
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    browser_login(page, editing_server, EDITOR)
    open_region(page, editing_server)
    page.wait_for_selector(".sample-notice:has-text('Beispielregister')")
    page.get_by_label("Angefragt", exact=True).check()
    page.get_by_role("button", name="Beispielregister entfernen, dann speichern").click()
    page.wait_for_selector("#status-meldung:has-text('Beispielregister entfernt, Status gespeichert.')")
    assert len(asked) == 1 and asked[0].startswith("Das Register enthält noch das Beispielregister")
    with sqlite3.connect(register_db) as connection:
        keys = connection.execute("SELECT key FROM participants").fetchall()
        samples = connection.execute("SELECT count(*) FROM networks WHERE is_sample").fetchone()[0]
    assert keys == [(REGION,)] and samples == 0  # the sample went in the same step
    page.reload()
    page.wait_for_selector("#status-speichern")
    assert page.locator(".sample-notice").count() == 0
