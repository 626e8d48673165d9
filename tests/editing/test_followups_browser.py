"""The commissioner's journey in headless Chromium: record a visit with a next step (a double click saves
once), find it under Wiedervorlage, correct it; a replayed save request records nothing more; viewers see
neither next steps nor the Wiedervorlage."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine

from lpr_geo.register.followups import followups
from tests.a11y.axe import serious_violations
from tests.conftest import ARTIFACTS

from .conftest import EDITOR, VIEWER, browser_login, login_session, watch

pytestmark = pytest.mark.browser

REGION, NAME = "12065100", "Gransee"  # no sample history, no other test touches it
TODAY = dt.date.today()
NEXT_STEP = "Beschluss der Stadtverordneten abwarten"


def _german(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def activities(db: Path) -> list[dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT a.* FROM activities a JOIN participants p ON p.id = a.participant_id WHERE p.key = ? "
            "ORDER BY a.id",
            (REGION,),
        ).fetchall()
    return [dict(row) for row in rows]


def _is_a_save(request) -> bool:
    """A request of the activity form's callback made by a click on "Aktivität speichern"."""
    if "_dash-update-component" not in request.url:
        return False
    body = json.loads(request.post_data or "{}")
    clicks = [
        i.get("value")
        for i in body.get("inputs", [])
        if isinstance(i, dict) and i.get("id") == "aktivitaet-speichern"
    ]
    return body.get("changedPropIds") == ["aktivitaet-speichern.n_clicks"] and bool(clicks and clicks[0])


def due_now(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        return len(followups(engine))
    finally:
        engine.dispose()


def test_record_find_under_wiedervorlage_and_correct(editing_server, editing_context, register_db):
    page = editing_context.new_page()
    problems, _ = watch(page)
    saves: list[str] = []
    page.on("request", lambda request: _is_a_save(request) and saves.append(request.post_data))
    browser_login(page, editing_server, EDITOR)
    before = due_now(register_db)
    badge = page.locator("#wiedervorlage-anzahl")
    assert badge.inner_text() == str(before)

    page.goto(f"{editing_server}/?region={REGION}")
    page.wait_for_selector("#aktivitaet-speichern")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#detail h4:has-text('Aktivitäten (0 Aktivitäten)')")

    # a visit three days ago; its next step was due yesterday
    page.get_by_label("Besuch", exact=True).check()
    page.get_by_label("Datum (TT.MM.JJJJ)").fill(_german(TODAY - dt.timedelta(days=3)))
    page.get_by_label("Ort").fill("Rathaus Gransee")
    page.get_by_label("Ergebnis").fill("Interesse bekundet")
    page.get_by_label("Nächster Schritt").fill(NEXT_STEP)
    page.get_by_label("Fällig am (TT.MM.JJJJ)").fill(_german(TODAY - dt.timedelta(days=1)))
    page.get_by_role("button", name="Aktivität speichern").dblclick()
    page.wait_for_selector("#aktivitaet-meldung:has-text('Aktivität gespeichert.')")
    page.wait_for_load_state("networkidle")
    assert saves  # (Dash may send both clicks as one request: the replays below send two at once)
    assert len(activities(register_db)) == 1
    # saving cleared the form for the next activity
    assert page.get_by_label("Nächster Schritt").input_value() == ""
    assert page.get_by_label("Ort").input_value() == ""

    # the detail lists it, with the overdue flag; the header's count and the Wiedervorlage have it
    page.wait_for_selector("#detail h4:has-text('Aktivitäten (1 Aktivität)')")
    page.wait_for_selector(
        f"#aktivitaeten li:has-text('{NEXT_STEP}') .flag-overdue:has-text('überfällig seit 1 Tag')"
    )
    page.wait_for_function(f"document.querySelector('#wiedervorlage-anzahl').innerText === '{before + 1}'")
    row = page.locator("#wiedervorlage tr", has_text=NAME)
    row.wait_for()
    assert "überfällig seit 1 Tag" in row.inner_text() and NEXT_STEP in row.inner_text()
    assert _german(TODAY - dt.timedelta(days=1)) in row.inner_text()
    page.get_by_role("navigation", name="Bereiche").get_by_role("link", name="Wiedervorlage").click()
    # each region of the Wiedervorlage opens in the detail
    page.locator("#wiedervorlage").get_by_role("link", name="Elsterwerda").click()
    page.wait_for_selector("#detail h3:has-text('Elsterwerda')")
    page.locator("#wiedervorlage").get_by_role("link", name=NAME).click()
    page.wait_for_selector(f"#detail h3:has-text('{NAME}')")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wiedervorlage.png"), full_page=True)
    # (the editor panel's radio groups have findings of Dash's RadioItems of their own, not checked here)
    assert serious_violations(page, "#seiten-links", "#detail", "#wiedervorlage") == []

    # the same save request sent twice more at once (a retry racing a second click) records nothing
    replies = page.evaluate(
        """body => Promise.all([1, 2].map(() => fetch('_dash-update-component', {
            method: 'POST', headers: {'Content-Type': 'application/json'}, body
        }).then(r => r.text())))""",
        saves[0],
    )
    assert all("Aktivität gespeichert." in reply for reply in replies), replies
    assert len(activities(register_db)) == 1

    # correct it: the next step is now due in a week, so it leaves today's Wiedervorlage
    page.get_by_role(
        "button", name=f"Korrigieren: Besuch vom {_german(TODAY - dt.timedelta(days=3))}"
    ).click()
    page.wait_for_selector("#aktivitaet-modus:has-text('Sie korrigieren: Besuch vom')")
    assert page.get_by_label("Nächster Schritt").input_value() == NEXT_STEP
    page.get_by_label("Fällig am (TT.MM.JJJJ)").fill(_german(TODAY + dt.timedelta(days=7)))
    page.get_by_role("button", name="Aktivität speichern").click()
    page.wait_for_selector("#aktivitaet-meldung:has-text('Aktivität korrigiert.')")
    page.wait_for_function(f"document.querySelector('#wiedervorlage-anzahl').innerText === '{before}'")
    page.locator("#wiedervorlage tr", has_text=NAME).wait_for(state="detached")
    page.wait_for_selector(f"#aktivitaeten li:has-text('fällig am {_german(TODAY + dt.timedelta(days=7))}')")
    assert page.locator("#aktivitaeten .flag-overdue").count() == 0
    (stored,) = activities(register_db)
    assert (stored["version"], stored["next_step_due"]) == (2, (TODAY + dt.timedelta(days=7)).isoformat())
    page.screenshot(path=str(ARTIFACTS / "aktivitaet-korrigiert.png"), full_page=True)

    # recorded by mistake after all: load it once more and delete it
    page.get_by_role(
        "button", name=f"Korrigieren: Besuch vom {_german(TODAY - dt.timedelta(days=3))}"
    ).click()
    page.get_by_role("button", name="Aktivität löschen").click()
    page.wait_for_selector("#aktivitaet-meldung:has-text('Aktivität gelöscht.')")
    page.wait_for_selector("#detail h4:has-text('Aktivitäten (0 Aktivitäten)')")
    assert activities(register_db) == [] and page.get_by_role("button", name="Aktivität löschen").is_hidden()
    assert problems == []


def test_viewers_see_the_history_but_no_next_steps_and_no_wiedervorlage(editing_server, browser, register_db):
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        problems, bodies = watch(page)
        browser_login(page, editing_server, VIEWER)
        page.goto(f"{editing_server}/?region=12062124")  # Elsterwerda: a sample visit with a next step
        page.wait_for_selector("#detail h4:has-text('Aktivitäten')")
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("#aktivitaeten li:has-text('Bereitschaft zur Mitarbeit signalisiert')")
        assert page.locator("#wiedervorlage-anzahl, #wiedervorlage *, #aktivitaeten button").count() == 0
        assert page.get_by_role("link", name="Wiedervorlage").count() == 0
        text = json.dumps(bodies, ensure_ascii=False)
        assert "Ansprechperson für die AG 4 benennen lassen" not in text and "überfällig" not in text
        assert problems == []
    finally:
        context.close()


def test_a_viewers_forged_badge_or_activity_request_is_refused(editing_server, register_db):
    body = {
        "output": "wiedervorlage-anzahl.children",
        "outputs": {"id": "wiedervorlage-anzahl", "property": "children"},
        "inputs": [{"id": "bearbeiten-gespeichert", "property": "data", "value": 1}],
        "changedPropIds": ["bearbeiten-gespeichert.data"],
        "state": [],
    }
    viewer = login_session(editing_server, VIEWER)
    assert viewer.post(editing_server + "/_dash-update-component", json=body).status_code == 403
    anonymous = requests.Session()
    anonymous.headers["Origin"] = editing_server
    assert anonymous.post(editing_server + "/_dash-update-component", json=body).status_code == 401
    editor = login_session(editing_server, EDITOR)
    answer = editor.post(editing_server + "/_dash-update-component", json=body)
    assert answer.status_code == 200 and str(due_now(register_db)) in answer.text
