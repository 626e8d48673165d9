"""Erasure (Art. 17): the person's values are gone from every table; the trail still shows what happened."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lpr_geo.auth import PermissionDenied, User
from lpr_geo.privacy import PSEUDONYM, PersonQuery, erase_person, plan_erasure
from lpr_geo.register import save_contact
from lpr_geo.register.models import Activity, AuditEntry, Contact

from .conftest import (
    EDITOR,
    ERIKA,
    ERIKA_OLD,
    ERIKA_PHONE,
    OTTO_EMAIL,
    OTTO_PHONE,
    PAULA_EMAIL,
    build_people,
    last_audit_id,
    text_values,
)


def holding(engine, *needles: str) -> list[tuple[str, str]]:
    """(table, column) of every stored text that holds one of the values (case and blanks ignored)."""
    wanted = [" ".join(n.split()).casefold() for n in needles]
    return [
        (table, column)
        for table, column, value in text_values(engine)
        if any(w in " ".join(value.split()).casefold() for w in wanted)
    ]


def test_erasure_removes_the_person_everywhere_and_keeps_that_changes_happened(register):
    people = build_people(register)
    with register.connect() as connection:
        trail_before = connection.execute(
            select(AuditEntry.id, AuditEntry.changed_by, AuditEntry.changed_at, AuditEntry.field).where(
                AuditEntry.table_name == "contacts", AuditEntry.record_id == people.erika
            )
        ).all()
        visit_version = connection.scalar(select(Activity.version).where(Activity.id == people.visit))
    paula_trail = holding(register, PAULA_EMAIL)

    erasure = erase_person(register, PersonQuery.of(email=ERIKA.upper()), by="datenschutz")

    plan = erasure.plan
    assert [c.id for c in plan.contacts] == [people.erika]
    assert sorted((p.table, p.record_id, p.field) for p in plan.replaced) == [
        ("activities", people.visit, "next_step"),
        ("activities", people.visit, "outcome"),
        ("status_events", people.note_event, "note"),
    ]
    assert [(p.table, p.record_id, p.field) for p in plan.mentions] == [
        ("activities", people.visit, "attendees")
    ]
    assert str(plan.mentions[0]).startswith(
        f"Aktivität Nr. {people.visit} vom 03.06.2024, Gemeinde Elsterwerda"
    )
    # the address, the old address and the phone number: in no text column of any table
    assert holding(register, ERIKA, ERIKA_OLD, ERIKA_PHONE) == []
    # the name: only where it was left for review (the trail's copy of that text is pseudonymised)
    assert holding(register, "Erika Muster") == [("activities", "attendees")]
    # everyone else's data stays
    assert ("contacts", "email") in holding(register, OTTO_EMAIL) and holding(register, OTTO_PHONE)
    assert ("audit", "new_value") in holding(register, OTTO_EMAIL)
    assert holding(register, PAULA_EMAIL) == paula_trail
    with register.connect() as connection:
        assert connection.scalars(select(Contact.name).order_by(Contact.name)).all() == [
            "Otto Nachbar",
            "Paula Fremd",
        ]
        visit = connection.execute(select(Activity).where(Activity.id == people.visit)).one()
        trail_after = connection.execute(
            select(AuditEntry)
            .where(AuditEntry.table_name == "contacts", AuditEntry.record_id == people.erika)
            .order_by(AuditEntry.id)
        ).all()
        event = connection.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert visit.version == visit_version + 1
    assert visit.outcome == f"Rückruf unter {PSEUDONYM} vereinbart"
    assert visit.attendees == "Erika Muster, Otto Nachbar"
    # who changed which field when: all still there, the values pseudonymised
    kept = {(e.id, e.changed_by, e.changed_at, e.field) for e in trail_after}
    assert set(trail_before) <= kept
    personal = [e for e in trail_after if e.field != "participant_id"]
    assert {e.old_value for e in personal} <= {None, PSEUDONYM} and {e.new_value for e in personal} <= {
        None,
        PSEUDONYM,
    }
    deleted = [e for e in trail_after if e.changed_by == "datenschutz"]
    assert {e.field for e in deleted} == {"participant_id", "name", "role", "organisation", "email", "phone"}
    assert (event.table_name, event.field, event.changed_by) == ("privacy", "erasure", "datenschutz")
    assert event.new_value == (
        "Löschung nach Art. 17 DSGVO (Suche nach E-Mail-Adresse): 1 Ansprechpartner gelöscht, 3 Textstellen "
        f"bereinigt, {plan.audit_entries} Protokolleinträge pseudonymisiert, 0 Anmeldeversuche gelöscht; "
        "1 Textstelle mit dem Namen zur Prüfung"
    )


def test_a_name_in_free_text_is_replaced_only_when_asked_after_review(register):
    people = build_people(register)
    erase_person(register, PersonQuery.of(email=ERIKA), by="datenschutz")
    again = plan_erasure(register, PersonQuery.of(name="Erika Muster"), by="datenschutz")
    assert again.empty and [(p.table, p.record_id) for p in again.mentions] == [("activities", people.visit)]

    erase_person(register, PersonQuery.of(name="Erika Muster"), replace_names=True, by="datenschutz")

    assert holding(register, "Erika Muster") == []
    with register.connect() as connection:
        attendees = connection.scalar(select(Activity.attendees).where(Activity.id == people.visit))
    assert attendees == f"{PSEUDONYM}, Otto Nachbar"


def test_a_value_another_contact_still_holds_stays(register):
    shared = "buergerbuero@calau.example.org"
    save_contact(register, EDITOR, "gemeinde", "12066052", name="Anna Amt", email=shared, phone="03541 1111")
    save_contact(register, EDITOR, "gemeinde", "12066052", name="Bert Amt", email=shared, phone="03541 2222")

    plan = erase_person(register, PersonQuery.of(name="Anna Amt"), by="datenschutz").plan

    assert [c.name for c in plan.contacts] == ["Anna Amt"]
    assert holding(register, "03541 1111") == [] and holding(register, "Anna Amt") == []
    with register.connect() as connection:
        assert connection.execute(select(Contact.name, Contact.email)).all() == [("Bert Amt", shared)]


def test_nothing_stored_means_nothing_changed(register):
    build_people(register)
    before = last_audit_id(register)
    erasure = erase_person(register, PersonQuery.of(email="niemand@example.org"), by="datenschutz")
    assert erasure.plan.empty and last_audit_id(register) == before


def test_only_admins_may_erase(register):
    people = build_people(register)
    before = last_audit_id(register)
    for actor in (None, User("redakteur", "editor"), User("chefin", "admin", active=False)):
        with pytest.raises(PermissionDenied):
            erase_person(register, PersonQuery.of(email=ERIKA), actor=actor)
    assert last_audit_id(register) == before
    done = erase_person(register, PersonQuery.of(contact_id=people.erika), actor=User("chefin", "admin"))
    assert [c.id for c in done.plan.contacts] == [people.erika]
