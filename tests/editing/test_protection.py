"""Server-side checks of Dash callbacks: forged and cross-site save requests change nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import requests

from .conftest import EDITOR, VIEWER, count_rows, login_session

REGION = "12062124"  # Elsterwerda
SAVE_STATUS_OUTPUT = "..status-meldung.children...status-version.data...bearbeiten-gespeichert.data.."


def _network(db) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT name FROM networks ORDER BY is_sample DESC, id LIMIT 1").fetchone()[
            0
        ]


def save_status_body(network: str, note: str) -> dict:
    view = {
        "network": network,
        "on": dt.date.today().isoformat(),
        "level": "gemeinde",
        "kreis": None,
        "region": REGION,
        "selected": [],
        "stops": [],
    }
    return {
        "output": SAVE_STATUS_OUTPUT,
        "outputs": [
            {"id": "status-meldung", "property": "children"},
            {"id": "status-version", "property": "data"},
            {"id": "bearbeiten-gespeichert", "property": "data"},
        ],
        "inputs": [
            {"id": "status-speichern", "property": "n_clicks", "value": 1},
            {"id": "status-speichern-beispiel-entfernen", "property": "submit_n_clicks", "value": None},
        ],
        "changedPropIds": ["status-speichern.n_clicks"],
        "state": [
            {"id": "status-wert", "property": "value", "value": "declined"},
            {"id": "status-datum", "property": "value", "value": f"{dt.date.today():%d.%m.%Y}"},
            {"id": "status-notiz", "property": "value", "value": note},
            {"id": "status-version", "property": "data", "value": None},
            {"id": "ansicht", "property": "data", "value": view},
            {"id": "bearbeiten-gespeichert", "property": "data", "value": 0},
        ],
    }


def test_a_viewers_forged_save_is_refused_and_changes_nothing(editing_server, register_db):
    body = save_status_body(_network(register_db), "gefälscht")
    before = count_rows(register_db, "status_events"), count_rows(register_db, "audit")

    # a viewer lacks the role (403), an anonymous visitor the login (401)
    for client, refused in ((login_session(editing_server, VIEWER), 403), (requests.Session(), 401)):
        client.headers["Origin"] = editing_server
        response = client.post(editing_server + "/_dash-update-component", json=body)
        assert response.status_code == refused
    assert (count_rows(register_db, "status_events"), count_rows(register_db, "audit")) == before


def test_a_cross_site_save_is_refused_even_with_an_editors_session(editing_server, register_db):
    editor = login_session(editing_server, EDITOR)
    body = save_status_body(_network(register_db), "von fremder Seite")
    before = count_rows(register_db, "status_events")
    for headers in (
        {"Origin": "http://angreifer.example"},
        {"Origin": "null"},
        {"Origin": "", "Sec-Fetch-Site": "cross-site"},
        {"Origin": ""},  # neither header: not sent by the app's pages
    ):
        response = editor.post(editing_server + "/_dash-update-component", json=body, headers=headers)
        assert response.status_code == 403, headers
    assert count_rows(register_db, "status_events") == before

    # the same request from the app's own origin is the editor's real save: the checks above could fail
    with sqlite3.connect(register_db) as connection:
        version = connection.execute("SELECT version FROM participants WHERE key = ?", (REGION,)).fetchone()[
            0
        ]
    body["state"][3]["value"] = version
    response = editor.post(editing_server + "/_dash-update-component", json=body)
    assert response.status_code == 200, response.text
    assert "Status gespeichert." in response.text
    with sqlite3.connect(register_db) as connection:
        notes = [row[0] for row in connection.execute("SELECT note FROM status_events").fetchall()]
    assert "von fremder Seite" in notes


def test_viewer_callback_responses_hold_no_editor_panel_and_no_contacts(editing_server, register_db):
    with sqlite3.connect(register_db) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM contacts").fetchall()]
    assert names
    body = {
        "output": "bearbeiten.children",
        "outputs": {"id": "bearbeiten", "property": "children"},
        "inputs": [
            {
                "id": "ansicht",
                "property": "data",
                "value": save_status_body(_network(register_db), "")["state"][4]["value"],
            }
        ],
        "changedPropIds": ["ansicht.data"],
        "state": [],
    }
    viewer = login_session(editing_server, VIEWER)
    editor = login_session(editing_server, EDITOR)
    seen = viewer.post(editing_server + "/_dash-update-component", json=body)
    assert seen.status_code in (200, 204)
    assert "Kontaktpersonen" not in seen.text and "status-speichern" not in seen.text
    assert not [name for name in names if name in seen.text]
    edited = editor.post(editing_server + "/_dash-update-component", json=body)
    assert "Kontaktpersonen" in edited.text and "status-speichern" in edited.text


def test_viewer_responses_hold_no_next_steps_and_no_wiedervorlage(editing_server, register_db):
    """The detail lists activities for everyone; next steps and the Wiedervorlage only for editors."""
    view = save_status_body(_network(register_db), "")["state"][4]["value"]
    detail = {
        "output": "..detail.children...detail-zur-route.hidden..",
        "outputs": [
            {"id": "detail", "property": "children"},
            {"id": "detail-zur-route", "property": "hidden"},
        ],
        "inputs": [
            {"id": "ansicht", "property": "data", "value": {**view, "region": "12062124"}},
            {"id": "bearbeiten-gespeichert", "property": "data", "value": 0},
        ],
        "changedPropIds": ["ansicht.data"],
        "state": [],
    }
    card = {
        "output": "wiedervorlage.children",
        "outputs": {"id": "wiedervorlage", "property": "children"},
        "inputs": [{"id": "bearbeiten-gespeichert", "property": "data", "value": 0}],
        "changedPropIds": ["bearbeiten-gespeichert.data"],
        "state": [],
    }
    next_step = "Ansprechperson für die AG 4 benennen lassen"  # the sample's open next step of Elsterwerda
    viewer, editor = login_session(editing_server, VIEWER), login_session(editing_server, EDITOR)
    for client, shown in ((viewer, False), (requests.Session(), False), (editor, True)):
        client.headers["Origin"] = editing_server
        seen = client.post(editing_server + "/_dash-update-component", json=detail)
        assert seen.status_code == 200, seen.text
        text = json.dumps(seen.json(), ensure_ascii=False)
        assert "Bereitschaft zur Mitarbeit signalisiert" in text  # the history is public
        assert (next_step in text, "überfällig" in text, "aktivitaet-korrigieren" in text) == (shown,) * 3
        listed = json.dumps(
            client.post(editing_server + "/_dash-update-component", json=card).json(), ensure_ascii=False
        )
        assert (next_step in listed, "Wiedervorlage" in listed) == (shown, shown)
