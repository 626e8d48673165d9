"""Contact persons in the editor panel, driven in headless Chromium; forged requests sent with requests."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine

from dashboard.views.editor_view import EDITING_OUTPUTS
from lpr_geo.auth import User
from lpr_geo.boundaries import load_layer
from lpr_geo.register import delete_contact, save_contact
from tests.conftest import ARTIFACTS, wait_for_images

from .conftest import EDITOR, VIEWER, browser_login, login_session, watch

pytestmark = pytest.mark.browser

LEVEL, REGION = "gemeinde", "12062140"  # Finsterwalde: a sample participant with one sample contact
XSS = "<img src=x onerror=alert(1)>"
COLLEAGUE = User("kollege", "editor")


def contacts(db: Path) -> dict[str, dict]:
    """The region's contacts in the server's register, by name."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT c.* FROM contacts c JOIN participants p ON p.id = c.participant_id WHERE p.key = ?",
            (REGION,),
        ).fetchall()
    return {row["name"]: dict(row) for row in rows}


def audit_rows(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM audit").fetchone()[0]


@contextmanager
def register_engine(db: Path):
    engine = create_engine(f"sqlite:///{db}")
    try:
        yield engine
    finally:
        engine.dispose()


def open_panel(page, url: str) -> None:
    page.goto(f"{url}/?region={REGION}")
    page.wait_for_selector("#kontakt-speichern")
    page.wait_for_load_state("networkidle")


def fill_contact(page, **values: str) -> None:
    labels = {"name": "Name", "role": "Funktion", "organisation": "Organisation", "email": "E-Mail"}
    labels["phone"] = "Telefon"
    form = page.get_by_role("form", name="Kontaktperson hinzufügen / ändern")
    for field, value in values.items():
        form.get_by_label(labels[field], exact=True).fill(value)


def save(page) -> None:
    page.get_by_role("button", name="Kontaktperson speichern").click()


def row(page, name: str):
    return page.locator("#kontaktpersonen tbody tr").filter(has=page.get_by_text(name, exact=True))


def test_an_editor_adds_changes_and_deletes_a_contact_person(editing_server, editing_context, register_db):
    page = editing_context.new_page()
    problems, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    open_panel(page, editing_server)
    before = contacts(register_db)
    name = "Erika Musterfrau"
    assert name not in before

    fill_contact(
        page,
        name=name,
        role="Ordnungsamt",
        organisation="Stadt Finsterwalde",
        email="erika.musterfrau@finsterwalde.example.org",
        phone="03531 123-45",
    )
    save(page)
    page.wait_for_selector(f"#kontakt-meldung:has-text('Kontaktperson »{name}« gespeichert.')")
    row(page, name).wait_for()
    assert page.locator("#kontakt-name").input_value() == ""  # the form is empty again
    added = contacts(register_db)
    assert len(added) == len(before) + 1
    assert added[name]["role"] == "Ordnungsamt" and added[name]["phone"] == "03531 123-45"

    page.get_by_role("button", name=f"Bearbeiten: {name}").click()
    page.wait_for_selector(f"#kontakt-modus:has-text('Sie ändern »{name}«')")
    assert page.locator("#kontakt-email").input_value() == "erika.musterfrau@finsterwalde.example.org"
    fill_contact(page, role="Bürgermeisterin")
    page.locator(".detail-card").screenshot(path=str(ARTIFACTS / "contacts-panel.png"))
    save(page)
    page.wait_for_selector(f"#kontakt-meldung:has-text('Kontaktperson »{name}« gespeichert.')")
    row(page, name).filter(has_text="Bürgermeisterin").wait_for()
    changed = contacts(register_db)
    assert len(changed) == len(before) + 1
    assert changed[name]["role"] == "Bürgermeisterin"
    assert changed[name]["version"] == added[name]["version"] + 1

    # "Löschen" only asks; "Nicht löschen" keeps the contact, "Wirklich löschen" deletes it
    page.get_by_role("button", name=f"Löschen: {name}").click()
    page.wait_for_selector(f"#kontakt-loeschen-frage:has-text('Kontaktperson »{name}« wirklich löschen?')")
    page.get_by_role("button", name="Nicht löschen").click()
    page.wait_for_selector("#kontakt-loeschen-frage", state="hidden")
    assert name in contacts(register_db)
    page.get_by_role("button", name=f"Löschen: {name}").click()
    page.get_by_role("button", name="Wirklich löschen").click()
    page.wait_for_selector(f"#kontakt-loeschen-meldung:has-text('Kontaktperson »{name}« gelöscht.')")
    row(page, name).wait_for(state="detached")
    assert contacts(register_db).keys() == before.keys()
    assert problems == []


def test_a_bad_email_address_gets_a_german_message_and_writes_nothing(
    editing_server, editing_context, register_db
):
    page = editing_context.new_page()
    problems, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    open_panel(page, editing_server)
    before = contacts(register_db), audit_rows(register_db)

    fill_contact(page, name="Max Ohnepost", email="max.ohnepost(at)example.org")
    save(page)
    alert = page.locator("#kontakt-meldung [role=alert]")
    alert.wait_for()
    assert alert.inner_text() == "E-Mail: »max.ohnepost(at)example.org« ist keine gültige E-Mail-Adresse"
    assert page.locator("#kontakt-name").input_value() == "Max Ohnepost"  # the input stays for correcting
    assert (contacts(register_db), audit_rows(register_db)) == before
    assert problems == []


def test_a_stale_contact_form_says_who_changed_it_and_keeps_the_first_save(
    editing_server, editing_context, register_db
):
    name = "Konrad Konflikt"
    with register_engine(register_db) as engine:
        first = save_contact(engine, COLLEAGUE, LEVEL, REGION, name=name, role="Sachbearbeiter")
    try:
        page = editing_context.new_page()
        problems, _ = watch(page)
        browser_login(page, editing_server, EDITOR)
        open_panel(page, editing_server)
        page.get_by_role("button", name=f"Bearbeiten: {name}").click()
        page.wait_for_selector(f"#kontakt-modus:has-text('Sie ändern »{name}«')")

        with register_engine(register_db) as engine:  # the colleague saves first, while the form is open
            save_contact(
                engine,
                COLLEAGUE,
                LEVEL,
                REGION,
                name=name,
                role="Vom Kollegen",
                contact_id=first.id,
                expected_version=first.version,
            )
        fill_contact(page, role="Von mir")
        save(page)
        message = page.locator("#kontakt-meldung")
        message.locator("text=inzwischen von kollege geändert").wait_for()
        comparison = message.locator("table").inner_text()
        assert "Vom Kollegen" in comparison and "Von mir" in comparison
        assert contacts(register_db)[name]["role"] == "Vom Kollegen"
        row(page, name).filter(has_text="Vom Kollegen").wait_for()  # the table shows the stored state

        # deleting what the table showed before the colleague's next change is refused as well
        with register_engine(register_db) as engine:
            current = contacts(register_db)[name]["version"]
            save_contact(
                engine,
                COLLEAGUE,
                LEVEL,
                REGION,
                name=name,
                role="Noch einmal geändert",
                contact_id=first.id,
                expected_version=current,
            )
        page.get_by_role("button", name=f"Löschen: {name}").click()
        page.get_by_role("button", name="Wirklich löschen").click()
        page.locator("#kontakt-loeschen-meldung").locator("text=inzwischen von kollege geändert").wait_for()
        assert contacts(register_db)[name]["role"] == "Noch einmal geändert"
        assert problems == []
    finally:
        with register_engine(register_db) as engine:
            delete_contact(engine, COLLEAGUE, LEVEL, REGION, first.id)


def _dependencies(url: str) -> list[dict]:
    return requests.get(url + "/_dash-dependencies", timeout=30).json()


def _contact_callback(url: str, output: str) -> str:
    (found,) = [c["output"] for c in _dependencies(url) if f"{output}." in c["output"]]
    return found


def test_every_contact_callback_output_needs_the_editor_role(editing_server):
    contact_ids = {"kontaktpersonen", "kontakt-"}
    checked = 0
    for callback in _dependencies(editing_server):
        ids = [str(dep["id"]) for dep in callback["inputs"] + callback["state"]]
        if not any(prefix in ident for ident in ids for prefix in contact_ids):
            continue
        outputs = callback["output"].strip(".").split("...")
        for output in outputs:
            component = output.rsplit(".", 1)[0]
            assert component in EDITING_OUTPUTS, output
        checked += 1
    assert checked == 2  # the form (load, save, cancel) and the deletion


def test_a_viewers_forged_contact_save_is_refused_and_changes_nothing(editing_server, register_db):
    name = "Fritz Gefälscht"
    fields = ["kontakt-name", "kontakt-funktion", "kontakt-organisation", "kontakt-email", "kontakt-telefon"]
    view = {
        "network": None,
        "on": dt.date.today().isoformat(),
        "level": LEVEL,
        "kreis": None,
        "region": REGION,
        "selected": [],
        "stops": [],
    }
    body = {
        "output": _contact_callback(editing_server, "kontakt-name"),
        "outputs": [{"id": field, "property": "value"} for field in fields]
        + [
            {"id": "kontakt-geladen", "property": "data"},
            {"id": "kontakt-modus", "property": "children"},
            {"id": "kontakt-meldung", "property": "children"},
            {"id": "kontakt-liste", "property": "children"},
        ],
        "inputs": [
            [],
            {"id": "kontakt-speichern", "property": "n_clicks", "value": 1},
            {"id": "kontakt-abbrechen", "property": "n_clicks", "value": None},
        ],
        "changedPropIds": ["kontakt-speichern.n_clicks"],
        "state": [
            {"id": field, "property": "value", "value": value}
            for field, value in zip(fields, [name, "", "", "", ""], strict=True)
        ]
        + [
            {"id": "kontakt-geladen", "property": "data", "value": None},
            {"id": "ansicht", "property": "data", "value": view},
        ],
    }
    before = contacts(register_db), audit_rows(register_db)

    viewer = login_session(editing_server, VIEWER)
    refused = viewer.post(editing_server + "/_dash-update-component", json=body)
    assert refused.status_code == 403
    anonymous = requests.Session()
    anonymous.headers["Origin"] = editing_server
    refused = anonymous.post(editing_server + "/_dash-update-component", json=body)
    assert refused.status_code in (401, 403)  # 401 once anonymous requests are told to log in
    # the deletion's callback as well, with the sample contact's real id
    sample = next(iter(before[0].values()))
    delete_body = {
        "output": _contact_callback(editing_server, "kontakt-loeschen-vorgemerkt"),
        "outputs": [],
        "inputs": [
            [
                {
                    "id": {"type": "kontakt-loeschen", "index": sample["id"], "version": sample["version"]},
                    "property": "n_clicks",
                    "value": 1,
                }
            ],
            {"id": "kontakt-loeschen-ja", "property": "n_clicks", "value": 1},
            {"id": "kontakt-loeschen-nein", "property": "n_clicks", "value": None},
        ],
        "changedPropIds": ["kontakt-loeschen-ja.n_clicks"],
        "state": [
            {
                "id": "kontakt-loeschen-vorgemerkt",
                "property": "data",
                "value": {"id": sample["id"], "version": sample["version"], "name": sample["name"]},
            },
            {"id": "ansicht", "property": "data", "value": view},
        ],
    }
    assert viewer.post(editing_server + "/_dash-update-component", json=delete_body).status_code == 403
    assert (contacts(register_db), audit_rows(register_db)) == before

    # the same request with an editor's session is a real save: the refusals above were not a bad body
    editor = login_session(editing_server, EDITOR)
    saved = editor.post(editing_server + "/_dash-update-component", json=body)
    assert saved.status_code == 200, saved.text
    assert (
        f"Kontaktperson »{name}« gespeichert."
        in saved.json()["response"]["kontakt-meldung"]["children"]["props"]["children"]
    )
    added = contacts(register_db)[name]
    with register_engine(register_db) as engine:
        delete_contact(engine, COLLEAGUE, LEVEL, REGION, added["id"])


def test_a_contact_named_like_markup_is_shown_as_text_and_never_sent_to_a_viewer(
    editing_server, editing_context, browser, register_db
):
    page = editing_context.new_page()
    problems, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    open_panel(page, editing_server)
    fill_contact(page, name=XSS, role=XSS, organisation=XSS)
    save(page)
    page.wait_for_selector("#kontakt-meldung .form-success")
    assert page.locator("#kontakt-meldung").inner_text() == f"Kontaktperson »{XSS}« gespeichert."
    added = contacts(register_db)[XSS]
    try:
        assert row(page, XSS).locator("strong").inner_text() == XSS
        page.get_by_role("button", name=f"Bearbeiten: {XSS}").click()
        page.wait_for_selector("#kontakt-modus:has-text('Sie ändern')")
        assert page.locator("#kontakt-modus").inner_text().startswith(f"Sie ändern »{XSS}«")
        assert page.locator("#kontakt-name").input_value() == XSS
        page.get_by_role("button", name=f"Löschen: {XSS}").click()
        page.wait_for_selector("#kontakt-loeschen-frage:has-text('wirklich löschen?')")
        assert page.locator("#bearbeiten img, #detail img").count() == 0
        wait_for_images(page)  # an onerror handler would have run by now
        assert problems == []

        names = list(contacts(register_db))
        viewer = browser.new_context(locale="de-DE", bypass_csp=True)
        try:
            viewer_page = viewer.new_page()
            viewer_page.set_default_timeout(60_000)
            viewer_problems, bodies = watch(viewer_page)
            browser_login(viewer_page, editing_server, VIEWER)
            viewer_page.goto(f"{editing_server}/?region={REGION}")
            viewer_page.wait_for_selector("#detail h3:has-text('Finsterwalde')")
            viewer_page.wait_for_load_state("networkidle")
            assert viewer_page.locator("#kontakt-speichern, #kontaktpersonen").count() == 0
            assert bodies
            for body in bodies:
                assert "kontaktpersonen" not in body and "kontakt-liste" not in body
                for contact in names:
                    assert contact not in body and json.dumps(contact)[1:-1] not in body
            assert viewer_problems == []
        finally:
            viewer.close()
    finally:
        with register_engine(register_db) as engine:
            delete_contact(engine, COLLEAGUE, LEVEL, REGION, added["id"])


def test_first_a_contact_then_the_status_of_a_region_new_to_the_register(
    editing_server, editing_context, register_db
):
    """The commissioner's first visit: the contact person creates the region's row, the status still saves."""
    with sqlite3.connect(register_db) as connection:
        known = {key for (key,) in connection.execute("SELECT key FROM participants")}
    key = min(set(load_layer("gemeinde", "land")["key"]) - known)
    page = editing_context.new_page()
    problems, _ = watch(page)
    browser_login(page, editing_server, EDITOR)
    page.goto(f"{editing_server}/?region={key}")
    page.wait_for_selector("#kontakt-speichern")
    page.wait_for_load_state("networkidle")
    fill_contact(page, name="Erste Ansprechpartnerin", role="Bürgermeisterin")
    save(page)
    page.wait_for_selector("#kontakt-meldung:has-text('gespeichert')")
    page.get_by_label("Angefragt", exact=True).check()
    page.get_by_role("button", name="Status speichern").click()
    page.wait_for_selector("#status-meldung:has-text('Status gespeichert.')")
    with sqlite3.connect(register_db) as connection:
        statuses = connection.execute(
            "SELECT e.status FROM status_events e JOIN participants p ON p.id = e.participant_id WHERE p.key = ?",
            (key,),
        ).fetchall()
    assert statuses == [("requested",)]
    assert problems == []
