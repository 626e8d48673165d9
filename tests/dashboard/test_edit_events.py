"""The editor panel's events on a real SQLite register, without a server or a browser.

Each test calls what a click makes the callback do (:mod:`dashboard.views.status_editor`,
:mod:`dashboard.views.activity_editor`,
:mod:`dashboard.views.contacts_editor`, :mod:`dashboard.views.editor_view`) and reads the reply.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.browser_input import BadInput, KnownValues
from dashboard.forms import NO_REGION
from dashboard.url_state import ViewState
from dashboard.views.activity_editor import activity_event
from dashboard.views.contacts_editor import NEW_CONTACT, contact_delete_event, contact_form_event
from dashboard.views.editor_view import editor_panel
from dashboard.views.status_editor import save_status
from lpr_geo.auth import User
from lpr_geo.coverage import PARTICIPANT_LEVELS, load_layers
from lpr_geo.register import current_status, make_engine, save_contact, set_status
from lpr_geo.register.database import upgrade
from lpr_geo.register.history import region_activities
from lpr_geo.register.models import DEFAULT_NETWORK
from lpr_geo.register.personal import contacts_for
from lpr_geo.status import Status

ERIKA, OTTO, VERA = User("erika", "editor"), User("otto", "editor"), User("vera", "viewer")
ELSTERWERDA = "12062124"
FOUNDED = dt.date(2020, 2, 20)  # the sample register's network
TODAY = dt.date.today()
FORM = {"name": "Anja Heinrich", "role": "Bürgermeisterin", "organisation": "", "email": "", "phone": ""}


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'register.sqlite'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def known() -> KnownValues:
    layers = load_layers()
    regions = {key: level for level in PARTICIPANT_LEVELS for key in layers.index[level]}
    return KnownValues(
        (DEFAULT_NETWORK,), regions, frozenset(layers.index["kreis"]), TODAY, {DEFAULT_NETWORK: FOUNDED}
    )


def view(region: str | None = ELSTERWERDA) -> dict:
    return ViewState(network=DEFAULT_NETWORK, on=TODAY, region=region).to_store()


def text(component) -> str:
    """All text of a component tree, as a screen reader would read it in order."""
    if component is None or component is no_update:
        return ""
    if isinstance(component, str | int):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text(part) for part in component)
    return text(getattr(component, "children", None))


def find(component, component_id):
    """The component with this id in a tree (``None``: not there)."""
    if isinstance(component, list | tuple):
        return next((f for part in component if (f := find(part, component_id)) is not None), None)
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    return find(children, component_id) if children is not None else None


def contact_ids(engine) -> dict[str, tuple[int, int]]:
    contacts = contacts_for(engine, ERIKA, "gemeinde", ELSTERWERDA)
    return {c.name: (int(c.id), int(c.version)) for c in contacts.itertuples()}


# --- status and activities ------------------------------------------------------------------------------


def test_status_saves_and_the_next_save_goes_against_the_new_version(engine, known):
    reply = save_status(engine, ERIKA, known, view(), "requested", "07.06.2021", "", 0, 3)
    assert text(reply.message) == "Status gespeichert."
    assert (reply.version, reply.saved) == (1, 4)
    reply = save_status(
        engine, ERIKA, known, view(), "in_talks", "2021-07-01", "", reply.version, reply.saved
    )
    assert text(reply.message) == "Status gespeichert." and reply.version == 2
    assert current_status(engine, "gemeinde", ELSTERWERDA).status is Status.IN_TALKS


def test_a_stale_status_form_shows_both_versions_and_then_saves_against_the_stored_one(engine, known):
    set_status(engine, OTTO, "gemeinde", ELSTERWERDA, None, "Mitglied", "2022-01-01", "Beitritt", 0)
    reply = save_status(engine, ERIKA, known, view(), "declined", "01.02.2022", "", 0, 0)
    shown = text(reply.message)
    assert "inzwischen von otto geändert" in shown and "Gespeichert von otto" in shown
    assert "Mitglied" in shown and "Kein Interesse" in shown
    assert (reply.version, reply.saved) == (1, 1)  # the detail panel refreshes to the stored state
    assert current_status(engine, "gemeinde", ELSTERWERDA).status is Status.MEMBER
    again = save_status(engine, ERIKA, known, view(), "declined", "01.02.2022", "", reply.version, 1)
    assert text(again.message) == "Status gespeichert."


def test_first_contact_then_status_is_one_plain_save(engine, known):
    """The form was loaded at version 0; the editor's own first contact person made the region's row."""
    loaded_version = find(editor_panel(engine, ERIKA, known, view()), ids.EDIT_VERSION).data
    assert loaded_version == 0
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, None)
    assert text(reply.message) == "Kontaktperson »Anja Heinrich« gespeichert."
    reply = save_status(engine, ERIKA, known, view(), "requested", "07.06.2021", "", loaded_version, 0)
    assert text(reply.message) == "Status gespeichert."


@pytest.mark.parametrize(
    ("stored", "status", "day", "user", "message"),
    [
        (view(None), "requested", "07.06.2021", ERIKA, NO_REGION),
        (view(), None, "07.06.2021", ERIKA, "Status: bitte einen Status wählen."),
        (
            view(),
            "requested",
            "31.02.2021",
            ERIKA,
            "Gültig ab: »31.02.2021« ist kein gültiges Datum (TT.MM.JJJJ)",
        ),
        (view(), "requested", "07.06.2021", VERA, "Bearbeiter"),
    ],
    ids=["no region", "no status", "wrong date", "viewer"],
)
def test_a_status_that_cannot_be_saved_is_explained_and_nothing_changes(
    engine, known, stored, status, day, user, message
):
    reply = save_status(engine, user, known, stored, status, day, "", 0, 5)
    assert message in text(reply.message)
    assert reply.message.role == "alert"
    assert (reply.version, reply.saved) == (no_update, no_update)
    assert current_status(engine, "gemeinde", ELSTERWERDA).version == 0


def test_forged_versions_are_refused(engine, known):
    with pytest.raises(BadInput, match="Version"):
        save_status(engine, ERIKA, known, view(), "requested", "07.06.2021", "", "1; DROP", 0)
    with pytest.raises(BadInput):
        save_status(engine, ERIKA, known, view(), "requested", "07.06.2021", "", 0, [1])


def _activity_form(**values) -> dict:
    form = {
        "kind": "Besuch",
        "day": "07.06.2021",
        "place": "Rathaus",
        "outcome": "",
        "next_step": "",
        "due": "",
    }
    return {**form, **values}


def _activities(engine) -> list:
    return region_activities(engine, "gemeinde", ELSTERWERDA)


def test_an_activity_is_saved_once_per_form_key_and_the_form_is_cleared(engine, known):
    state = {"loaded": None, "key": "formular-1", "saved": 1}
    form = _activity_form(next_step="Anrufen", due="01.07.2021")
    reply = activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, form, state)
    assert text(reply.message) == "Aktivität gespeichert." and reply.saved == 2
    assert reply[:6] == ("Besuch", f"{TODAY:%d.%m.%Y}", "", "", "", "")  # empty for the next one
    assert reply.key not in (no_update, "formular-1") and reply.loaded is None
    # the double click's second request carries the same key: still one activity
    again = activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, form, state)
    assert text(again.message) == "Aktivität gespeichert."
    assert len(_activities(engine)) == 1
    reply = activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, _activity_form(kind="Brieftaube"),
                           {**state, "key": "formular-2"})  # fmt: skip
    assert text(reply.message).startswith("Art: »Brieftaube« ist unbekannt") and reply.saved is no_update
    reply = activity_event(engine, ERIKA, known, view(None), ids.ACTIVITY_SAVE, form, state)
    assert text(reply.message) == NO_REGION


def test_an_activity_is_loaded_corrected_and_deleted_through_the_form(engine, known):
    state = {"loaded": None, "key": "k", "saved": 0}
    activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, _activity_form(), state)
    (stored,) = _activities(engine)
    button = {"type": ids.ACTIVITY_CORRECT, "index": stored.id}
    loaded = activity_event(engine, ERIKA, known, view(), button, {}, state)
    assert loaded[:6] == ("Besuch", "07.06.2021", "Rathaus", "", "", "")
    assert loaded.loaded == {"id": stored.id, "version": 1} and loaded.delete_hidden is False
    assert text(loaded.mode).startswith("Sie korrigieren: Besuch vom 07.06.2021.")

    correcting = {**state, "loaded": loaded.loaded}
    form = _activity_form(kind="Telefonat", place="")
    reply = activity_event(engine, OTTO, known, view(), ids.ACTIVITY_SAVE, form, correcting)
    assert text(reply.message) == "Aktivität korrigiert." and reply.loaded is None
    assert [(a.kind, a.place, a.version) for a in _activities(engine)] == [("Telefonat", "", 2)]
    # a colleague's form still at version 1: a stale edit, nothing overwritten, the form now at version 2
    reply = activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, _activity_form(kind="Sitzung"),
                           correcting)  # fmt: skip
    assert "inzwischen von otto geändert" in text(reply.message) and reply.loaded["version"] == 2
    assert _activities(engine)[0].kind == "Telefonat"
    reply = activity_event(
        engine, ERIKA, known, view(), ids.ACTIVITY_DELETE, {}, {**state, "loaded": reply.loaded}
    )
    assert text(reply.message) == "Aktivität gelöscht." and _activities(engine) == []
    with pytest.raises(BadInput):
        activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_DELETE, {}, {**state, "loaded": {"id": 1}})
    with pytest.raises(BadInput):  # a forged field that is no text
        activity_event(engine, ERIKA, known, view(), ids.ACTIVITY_SAVE, _activity_form(day=["x"]), state)


def test_a_viewer_saves_no_activity(engine, known):
    state = {"loaded": None, "key": "k", "saved": 0}
    reply = activity_event(engine, VERA, known, view(), ids.ACTIVITY_SAVE, _activity_form(), state)
    assert "»Bearbeiter« nötig" in text(reply.message) and _activities(engine) == []


# --- contact persons ------------------------------------------------------------------------------------


def test_add_then_edit_a_contact_through_the_form(engine, known):
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, None)
    assert reply[:5] == ("", "", "", "", "")  # the form is emptied for the next one
    assert (reply.loaded, reply.mode) == (None, NEW_CONTACT)
    assert "Anja Heinrich" in text(reply.table)
    contact_id, version = contact_ids(engine)["Anja Heinrich"]
    edit = {"type": ids.CONTACT_EDIT, "index": contact_id}
    reply = contact_form_event(engine, ERIKA, known, view(), edit, dict.fromkeys(FORM, ""), None)
    assert reply[:2] == ("Anja Heinrich", "Bürgermeisterin")
    assert reply.loaded == {"id": contact_id, "version": version}
    assert reply.mode == "Sie ändern »Anja Heinrich«. Abbrechen leert das Formular."
    changed = {**FORM, "phone": "03533 6590"}
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, changed, reply.loaded)
    assert text(reply.message) == "Kontaktperson »Anja Heinrich« gespeichert."
    assert contact_ids(engine)["Anja Heinrich"] == (contact_id, version + 1)


def test_cancel_empties_the_form(engine, known):
    reply = contact_form_event(
        engine, ERIKA, known, view(), ids.CONTACT_CANCEL, FORM, {"id": 1, "version": 1}
    )
    assert tuple(reply) == ("", "", "", "", "", None, NEW_CONTACT, None, no_update)


def test_a_stale_contact_form_keeps_the_input_and_saves_against_the_stored_version(engine, known):
    saved = save_contact(engine, OTTO, "gemeinde", ELSTERWERDA, name="Anja Heinrich")
    save_contact(
        engine, OTTO, "gemeinde", ELSTERWERDA, name="Anja Heinrich", phone="0000 000",
        contact_id=saved.id, expected_version=saved.version,
    )  # fmt: skip
    loaded = {"id": saved.id, "version": saved.version}
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, loaded)
    assert "inzwischen von otto geändert" in text(reply.message)
    assert reply.name is no_update  # what was typed stays in the fields
    assert reply.loaded == {"id": saved.id, "version": saved.version + 1}


def test_a_contact_deleted_meanwhile_is_added_anew_by_the_next_save(engine, known):
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, None)
    contact_id, version = contact_ids(engine)["Anja Heinrich"]
    ask = {"type": ids.CONTACT_DELETE, "index": contact_id, "version": version}
    pending = contact_delete_event(engine, OTTO, known, view(), ask, None).pending
    contact_delete_event(engine, OTTO, known, view(), ids.CONTACT_CONFIRM_YES, pending)
    reply = contact_form_event(
        engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, {"id": contact_id, "version": version}
    )
    assert reply.loaded is None
    assert reply.mode == "Die Kontaktperson wurde inzwischen gelöscht; Speichern legt sie neu an."
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, reply.loaded)
    assert text(reply.message) == "Kontaktperson »Anja Heinrich« gespeichert."


def test_contact_input_that_cannot_be_saved_is_explained(engine, known):
    bad = {**FORM, "email": "anja@"}
    reply = contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, bad, None)
    assert text(reply.message) == "E-Mail: »anja@« ist keine gültige E-Mail-Adresse"
    assert reply.name is no_update and contact_ids(engine) == {}
    reply = contact_form_event(engine, VERA, known, view(), ids.CONTACT_SAVE, FORM, None)
    assert "Bearbeiter" in text(reply.message) and reply.table is no_update
    reply = contact_form_event(engine, ERIKA, known, view(None), ids.CONTACT_SAVE, FORM, None)
    assert text(reply.message) == NO_REGION
    with pytest.raises(BadInput, match="Kontakt"):  # a contact without the version it was shown at
        contact_form_event(engine, ERIKA, known, view(), ids.CONTACT_SAVE, FORM, {"id": 1})


def test_delete_asks_first_and_deletes_with_the_version_shown(engine, known):
    saved = save_contact(engine, ERIKA, "gemeinde", ELSTERWERDA, name="Anja Heinrich")
    ask = {"type": ids.CONTACT_DELETE, "index": saved.id, "version": saved.version}
    reply = contact_delete_event(engine, ERIKA, known, view(), ask, None)
    assert reply.pending == {"id": saved.id, "version": saved.version, "name": "Anja Heinrich"}
    assert (reply.hidden, reply.question) == (False, "Kontaktperson »Anja Heinrich« wirklich löschen?")
    assert contact_delete_event(engine, ERIKA, known, view(), ids.CONTACT_CONFIRM_NO, reply.pending) == (
        None, True, "", None, no_update,
    )  # fmt: skip
    done = contact_delete_event(engine, ERIKA, known, view(), ids.CONTACT_CONFIRM_YES, reply.pending)
    assert text(done.message) == "Kontaktperson »Anja Heinrich« gelöscht."
    assert done.hidden is True and text(done.table) == "Keine Kontaktpersonen erfasst."
    with pytest.raises(PreventUpdate):  # "Wirklich löschen" with no question open
        contact_delete_event(engine, ERIKA, known, view(), ids.CONTACT_CONFIRM_YES, None)


def test_delete_of_a_contact_changed_since_it_was_shown_is_refused(engine, known):
    saved = save_contact(engine, ERIKA, "gemeinde", ELSTERWERDA, name="Anja Heinrich")
    pending = {"id": saved.id, "version": saved.version, "name": "Anja Heinrich"}
    save_contact(
        engine, OTTO, "gemeinde", ELSTERWERDA, name="Anja Heinrich", role="Bürgermeisterin",
        contact_id=saved.id, expected_version=saved.version,
    )  # fmt: skip
    reply = contact_delete_event(engine, ERIKA, known, view(), ids.CONTACT_CONFIRM_YES, pending)
    assert "inzwischen von otto geändert" in text(reply.message)
    assert "Anja Heinrich" in text(reply.table)
    gone = {"type": ids.CONTACT_DELETE, "index": saved.id + 1, "version": 1}
    reply = contact_delete_event(engine, ERIKA, known, view(), gone, None)
    assert text(reply.message) == "Diese Kontaktperson gibt es nicht mehr."


def test_the_panel_is_for_editors_only(engine, known):
    save_contact(engine, ERIKA, "gemeinde", ELSTERWERDA, name="Anja Heinrich")
    assert editor_panel(engine, VERA, known, view()) is None
    assert editor_panel(engine, None, known, view()) is None
    assert editor_panel(engine, ERIKA, known, view(None)) is None
    panel = text(editor_panel(engine, ERIKA, known, view()))
    assert "Status setzen" in panel and "Anja Heinrich" in panel
