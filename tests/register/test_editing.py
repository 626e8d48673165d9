"""Editing the register as the dashboard will: status, activities, contacts, stale forms, roles, audit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from lpr_geo.auth import PermissionDenied, User
from lpr_geo.register import (
    InvalidInput,
    Saved,
    StaleEdit,
    add_activity,
    audit_entries,
    contacts_for,
    current_status,
    delete_contact,
    make_engine,
    participant_versions,
    record_version,
    save_contact,
    set_status,
)
from lpr_geo.register.history import region_activities, region_history
from lpr_geo.register.models import Contact, StatusEvent
from lpr_geo.status import Status

from .conftest import row_counts

ERIKA, OTTO = User("erika", "editor"), User("otto", "editor")
VIEWER, ADMIN = User("vera", "viewer"), User("anna", "admin")
ELSTERWERDA = ("gemeinde", "12062124")
XSS = "<img src=x onerror=alert(1)><script>alert('x')</script> & \"Anführung\""


def _audit(engine) -> list[tuple[str, str, str]]:
    frame = audit_entries(engine, ADMIN, limit=1000)
    return list(zip(frame.changed_by, frame.table_name, frame.field, strict=True))


def test_set_status_creates_the_participant_and_is_audited(register):
    assert participant_versions(register, *ELSTERWERDA).participant == 0
    saved = set_status(register, ERIKA, *ELSTERWERDA, None, "Mitarbeit zugesagt", "07.06.2021", "Rathaus", 0)
    assert saved.version == 1
    state = current_status(register, *ELSTERWERDA)
    assert (state.status, state.effective_date, state.note, state.version) == (
        Status.COMMITTED,
        dt.date(2021, 6, 7),
        "Rathaus",
        1,
    )
    again = set_status(register, OTTO, *ELSTERWERDA, None, Status.MEMBER, dt.date(2022, 1, 1), "", 1)
    assert again == Saved(saved.id, 2)
    assert [e.status for e in region_history(register, *ELSTERWERDA)] == [Status.COMMITTED, Status.MEMBER]
    audit = _audit(register)
    assert ("erika", "participants", "key") in audit
    assert ("erika", "status_events", "status") in audit and ("otto", "status_events", "status") in audit


def test_same_day_status_is_corrected_in_place(register):
    set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-06-07", "", 0)
    set_status(register, OTTO, *ELSTERWERDA, None, "Im Gespräch", "2021-06-07", "Tippfehler", 1)
    with register.connect() as connection:
        assert connection.execute(select(StatusEvent.status, StatusEvent.created_by)).all() == [
            ("in_talks", "erika")
        ]
    assert ("otto", "status_events", "status") in _audit(register)


def test_stale_status_form_names_the_other_editor_and_changes_nothing(register):
    set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-03-01", "", 0)
    loaded = participant_versions(register, *ELSTERWERDA).participant
    set_status(register, OTTO, *ELSTERWERDA, None, "Mitglied", "2022-01-01", "Beitritt", loaded)
    before = row_counts(register)
    with pytest.raises(StaleEdit) as stale:
        set_status(register, ERIKA, *ELSTERWERDA, None, "Kein Interesse", "2022-02-01", "", loaded)
    error = stale.value
    assert "inzwischen von otto geändert" in str(error)
    assert (error.changed_by, error.expected_version, error.current_version) == ("otto", 1, 2)
    assert error.current == {"Status": "Mitglied", "Seit": "01.01.2022", "Notiz": "Beitritt"}
    assert error.submitted == {"Status": "Kein Interesse", "Seit": "01.02.2022", "Notiz": ""}
    assert "Mitglied" in str(error) and "Kein Interesse" in str(error)
    assert row_counts(register) == before
    assert current_status(register, *ELSTERWERDA).status is Status.MEMBER


def test_stale_form_for_a_region_someone_else_just_added(register):
    set_status(register, OTTO, *ELSTERWERDA, None, "Angefragt", "2021-03-01", "", 0)
    with pytest.raises(StaleEdit, match="inzwischen von otto geändert"):
        set_status(register, ERIKA, *ELSTERWERDA, None, "Mitglied", "2021-03-02", "", 0)


@pytest.mark.parametrize(
    "first_contact",
    [
        lambda engine: save_contact(engine, ERIKA, *ELSTERWERDA, name="Anja Heinrich"),
        lambda engine: add_activity(engine, ERIKA, *ELSTERWERDA, "2021-06-07", "Besuch"),
    ],
    ids=["contact person", "activity"],
)
def test_first_contact_then_status_of_a_region_new_to_the_register(register, first_contact):
    """The form was loaded at version 0; the contact made the row since, but there is no status to overwrite."""
    assert participant_versions(register, *ELSTERWERDA).participant == 0
    first_contact(register)
    created = participant_versions(register, *ELSTERWERDA).participant
    saved = set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-06-07", "", 0)
    assert saved.version == created + 1
    assert current_status(register, *ELSTERWERDA).status is Status.REQUESTED


def test_first_contact_then_a_status_saved_meanwhile_is_still_a_conflict(register):
    save_contact(register, ERIKA, *ELSTERWERDA, name="Anja Heinrich")
    set_status(register, OTTO, *ELSTERWERDA, None, "Im Gespräch", "2021-06-07", "", 0)
    before = row_counts(register)
    with pytest.raises(StaleEdit, match="inzwischen von otto geändert"):
        set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-06-08", "", 0)
    assert row_counts(register) == before
    assert current_status(register, *ELSTERWERDA).status is Status.IN_TALKS


def test_activity_is_recorded_without_personal_data_in_the_summary(register):
    saved = add_activity(
        register, ERIKA, *ELSTERWERDA, "2021-06-07", "Besuch", place="Rathaus Elsterwerda",
        attendees="Bürgermeisterin", outcome="Beitritt signalisiert", next_step="Beschluss abwarten",
        next_step_due="2021-09-01",
    )  # fmt: skip
    assert saved.version == 1
    (summary,) = region_activities(register, *ELSTERWERDA)
    assert (summary.kind, summary.place, summary.next_step_due) == (
        "Besuch",
        "Rathaus Elsterwerda",
        dt.date(2021, 9, 1),
    )
    assert not hasattr(summary, "attendees")
    assert ("erika", "activities", "attendees") in _audit(register)


def test_contacts_add_change_stale_delete(register):
    created = save_contact(register, ERIKA, *ELSTERWERDA, name="Anja Heinrich", role="Bürgermeisterin",
                           email="buergermeisterin@elsterwerda.de", phone="+49 3533 / 659-0")  # fmt: skip
    versions = participant_versions(register, *ELSTERWERDA)
    assert versions.contacts == {created.id: 1}
    changed = save_contact(
        register, OTTO, *ELSTERWERDA, name="Anja Heinrich", role="Bürgermeisterin",
        phone="03533 6590", contact_id=created.id, expected_version=1,
    )  # fmt: skip
    assert changed == Saved(created.id, 2) and record_version(register, Contact, created.id) == 2
    before = row_counts(register)
    with pytest.raises(StaleEdit) as stale:
        save_contact(register, ERIKA, *ELSTERWERDA, name="Anja Heinrich", phone="0000 000",
                     contact_id=created.id, expected_version=1)  # fmt: skip
    assert "inzwischen von otto geändert" in str(stale.value)
    assert stale.value.current["Telefon"] == "03533 6590" and stale.value.submitted["Telefon"] == "0000 000"
    assert row_counts(register) == before
    contacts = contacts_for(register, ERIKA, *ELSTERWERDA)
    assert contacts[["name", "phone", "version"]].values.tolist() == [["Anja Heinrich", "03533 6590", 2]]
    with pytest.raises(StaleEdit):
        delete_contact(register, ERIKA, *ELSTERWERDA, created.id, expected_version=1)
    delete_contact(register, ERIKA, *ELSTERWERDA, created.id, expected_version=2)
    assert contacts_for(register, ADMIN, *ELSTERWERDA).empty
    assert ("erika", "contacts", "phone") in _audit(register)


def test_markup_in_text_fields_is_stored_verbatim(register):
    """Escaping is the display's job: the register keeps exactly what was typed, markup included."""
    set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-03-01", XSS, 0)
    add_activity(register, ERIKA, *ELSTERWERDA, "2021-03-01", "Telefonat", place=XSS, attendees=XSS,
                 outcome=XSS, next_step=XSS)  # fmt: skip
    save_contact(register, ERIKA, *ELSTERWERDA, name=XSS, role=XSS, organisation=XSS)
    assert region_history(register, *ELSTERWERDA)[0].note == XSS
    activity = region_activities(register, *ELSTERWERDA)[0]
    assert (activity.place, activity.outcome, activity.next_step) == (XSS, XSS, XSS)
    contact = contacts_for(register, ERIKA, *ELSTERWERDA).iloc[0]
    assert (contact["name"], contact["role"], contact["organisation"]) == (XSS, XSS, XSS)


_FUTURE = (dt.date.today() + dt.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, None, "Mitglied", _FUTURE, "", 0), "effective_date",
         "liegt in der Zukunft"),
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, None, "Mitglied", "19.02.2020"), "effective_date",
         "liegt vor der Gründung von »AG 4 Vernetzungsgremium Kriminalprävention vor Ort« (20.02.2020)"),
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, None, "Mitglied", "gestern", "", 0), "effective_date",
         "»gestern« ist kein gültiges Datum"),
        (lambda e: set_status(e, ERIKA, "gemeinde", "12999999", None, "Mitglied", "2021-01-01"), "key",
         "Kein(e) Gemeinde mit dem Schlüssel »12999999«"),
        (lambda e: set_status(e, ERIKA, "land", "12", None, "Mitglied", "2021-01-01"), "level",
         "Unbekannte Ebene »land«"),
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, None, "Nicht kontaktiert", "2021-01-01"), "status",
         "kein Ereignis"),
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, None, "Superstar", "2021-01-01"), "status",
         "unbekannter Status"),
        (lambda e: set_status(e, ERIKA, *ELSTERWERDA, "Kegelclub", "Mitglied", "2021-01-01"), "network",
         "Netzwerk »Kegelclub« gibt es nicht"),
        (lambda e: add_activity(e, ERIKA, *ELSTERWERDA, "2021-01-01", "Brief"), "kind",
         "»Brief« ist unbekannt"),
        (lambda e: add_activity(e, ERIKA, *ELSTERWERDA, _FUTURE, "Besuch"), "date", "liegt in der Zukunft"),
        (lambda e: add_activity(e, ERIKA, *ELSTERWERDA, "2021-05-01", "Besuch", next_step_due="2021-04-01"),
         "next_step_due", "liegt vor dem Datum"),
        (lambda e: add_activity(e, ERIKA, *ELSTERWERDA, "2021-05-01", "Besuch", place="x" * 201), "place",
         "Ort: zu lang (201 Zeichen, höchstens 200)"),
        (lambda e: save_contact(e, ERIKA, *ELSTERWERDA, name="  "), "name", "Name: bitte den Namen angeben"),
        (lambda e: save_contact(e, ERIKA, *ELSTERWERDA, name="A", email="a@b"), "email",
         "keine gültige E-Mail-Adresse"),
        (lambda e: save_contact(e, ERIKA, *ELSTERWERDA, name="A", phone="ruf mich an"), "phone",
         "keine Telefonnummer"),
        (lambda e: save_contact(e, ERIKA, *ELSTERWERDA, name="A", contact_id=999), "contact_id",
         "Kontaktperson Nr. 999 gibt es"),
    ],
)  # fmt: skip
def test_invalid_input_is_explained_in_german_and_changes_nothing(register, call, field, message):
    before = row_counts(register)
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        call(register)
    assert error.value.field == field
    assert row_counts(register) == before


def test_duplicate_contact_name_in_a_region(register):
    save_contact(register, ERIKA, *ELSTERWERDA, name="Anja Heinrich")
    before = row_counts(register)
    with pytest.raises(InvalidInput, match="»Anja Heinrich« gibt es bei »Elsterwerda«"):
        save_contact(register, OTTO, *ELSTERWERDA, name="Anja Heinrich")
    assert row_counts(register) == before


@pytest.mark.parametrize("who", [VIEWER, None, User("ex", "editor", active=False)])
def test_viewers_change_and_read_nothing_personal(register, who):
    save_contact(register, ERIKA, *ELSTERWERDA, name="Anja Heinrich", email="a@elsterwerda.de")
    before = row_counts(register)
    for call in (
        lambda: set_status(register, who, *ELSTERWERDA, None, "Mitglied", "2021-01-01", "", 1),
        lambda: add_activity(register, who, *ELSTERWERDA, "2021-01-01", "Besuch"),
        lambda: save_contact(register, who, *ELSTERWERDA, name="Neu"),
        lambda: delete_contact(register, who, *ELSTERWERDA, 1),
        lambda: contacts_for(register, who, *ELSTERWERDA),
        lambda: audit_entries(register, who),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert row_counts(register) == before
    with pytest.raises(PermissionDenied, match="»Administrator« nötig"):
        audit_entries(register, ERIKA)


def test_audit_entries_filters_and_pages(register):
    set_status(register, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-03-01", "erster Anruf", 0)
    save_contact(register, OTTO, *ELSTERWERDA, name="Anja Heinrich", phone="03533 6590")
    everything = audit_entries(register, ADMIN)
    assert list(everything.columns) == [
        "id", "changed_at", "changed_by", "table_name", "record_id", "field", "old_value", "new_value"
    ]  # fmt: skip
    assert everything.id.is_monotonic_decreasing
    assert set(audit_entries(register, ADMIN, user="otto").table_name) == {"contacts"}
    assert set(audit_entries(register, ADMIN, table="status_events").changed_by) == {"erika"}
    assert audit_entries(register, ADMIN, text="ERSTER anruf").new_value.tolist() == ["erster Anruf"]
    today = dt.datetime.now(dt.UTC).date()
    assert len(audit_entries(register, ADMIN, since=today, until=today)) == len(everything)
    assert audit_entries(register, ADMIN, until=today - dt.timedelta(days=1)).empty
    page = audit_entries(register, ADMIN, limit=2, offset=1)
    assert page.id.tolist() == everything.id.tolist()[1:3]


@pytest.mark.postgres
def test_two_editors_saving_the_same_record_at_once(make_register):
    """Two workers (two engines), same loaded version, released together: exactly one wins."""
    engine = make_register("postgres")
    set_status(engine, ERIKA, *ELSTERWERDA, None, "Angefragt", "2021-03-01", "", 0)
    contact = save_contact(engine, ERIKA, *ELSTERWERDA, name="Anja Heinrich")
    workers = [engine, make_engine(engine.url.render_as_string(hide_password=False))]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(user: User, worker, status: str, phone: str) -> None:
        start.wait(timeout=10)
        for kind, call in (
            ("status", lambda: set_status(worker, user, *ELSTERWERDA, None, status, "2022-01-01",
                                          note=user.name, expected_version=1)),
            ("contact", lambda: save_contact(worker, user, *ELSTERWERDA, name="Anja Heinrich", phone=phone,
                                             contact_id=contact.id, expected_version=1)),
        ):  # fmt: skip
            try:
                outcomes[f"{kind}-{user.name}"] = call()
            except StaleEdit as error:
                outcomes[f"{kind}-{user.name}"] = error

    threads = [
        threading.Thread(target=save, args=(ERIKA, workers[0], "Mitglied", "0331 111")),
        threading.Thread(target=save, args=(OTTO, workers[1], "Kein Interesse", "0331 222")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    workers[1].dispose()
    for kind in ("status", "contact"):
        results = [outcomes[f"{kind}-erika"], outcomes[f"{kind}-otto"]]
        conflicts = [r for r in results if isinstance(r, StaleEdit)]
        assert len(conflicts) == 1, results
        winner = "erika" if isinstance(outcomes[f"{kind}-otto"], StaleEdit) else "otto"
        assert f"inzwischen von {winner} geändert" in str(conflicts[0])
        if kind == "status":
            state = current_status(engine, *ELSTERWERDA)
            assert (state.note, state.version) == (winner, 2)
        else:
            stored = contacts_for(engine, ADMIN, *ELSTERWERDA).iloc[0]
            assert (stored.phone, stored.version) == ({"erika": "0331 111", "otto": "0331 222"}[winner], 2)
