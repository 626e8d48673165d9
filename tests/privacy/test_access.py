"""Access (Art. 15): the report holds everything stored about the person and nothing about anyone else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from lpr_geo.auth import PermissionDenied, User, add_user, authenticate, open_session
from lpr_geo.privacy import PersonQuery, disclose, person_overview, summary_html
from lpr_geo.privacy.access import REASON_ACCOUNT, REASON_CHANGED
from lpr_geo.register import InvalidInput, save_contact
from lpr_geo.register.activity_edits import add_activity
from lpr_geo.register.models import AuditEntry

from .conftest import (
    EDITOR,
    ELSTERWERDA,
    ERIKA,
    ERIKA_OLD,
    ERIKA_PHONE,
    OTHERS,
    OTTO_EMAIL,
    build_people,
    last_audit_id,
)

ERIKA_VALUES = (ERIKA, ERIKA_OLD, ERIKA_PHONE, "erika muster")


def _names_erika(value: str | None) -> bool:
    text = " ".join((value or "").split()).casefold()
    return any(v.casefold() in text for v in ERIKA_VALUES)


def test_the_report_holds_every_item_of_the_person_and_nothing_of_others(register):
    people = build_people(register)
    with register.connect() as connection:
        trail = connection.execute(select(AuditEntry)).all()
    earlier = range(people.erika_earlier[0], people.erika_earlier[1] + 1)
    expected = {
        entry.id
        for entry in trail
        if (entry.table_name == "contacts" and (entry.record_id == people.erika or entry.id in earlier))
        or _names_erika(entry.old_value)
        or _names_erika(entry.new_value)
    }

    report = disclose(register, PersonQuery.of(email=ERIKA), by="datenschutz")

    sections = report.sections
    assert [(c["nr"], c["email"], c["telefon"]) for c in sections["ansprechpartner"]] == [
        (people.erika, ERIKA, ERIKA_PHONE)
    ]
    assert sections["ansprechpartner"][0]["region"] == "Gemeinde Elsterwerda (12062124)"
    assert [a["nr"] for a in sections["aktivitaeten"]] == [people.visit]  # not the call about Otto
    visit = sections["aktivitaeten"][0]
    assert visit["nennt_die_person_in"] == ["Teilnehmende", "Ergebnis", "Nächster Schritt"]
    assert visit["teilnehmende"] == "Erika Muster, [andere Person]"
    assert [e["nr"] for e in sections["statuseintraege"]] == [people.note_event]
    assert {entry["nr"] for entry in sections["aenderungsprotokoll"]} == expected
    assert len(expected) > 20  # her current and deleted records, the activity and the note
    text = report.json_bytes().decode()
    assert ERIKA_OLD in text and "Hauptamtsleiterin" in text  # the changed address, the deleted record
    assert [other for other in OTHERS if other in text] == []
    assert "redakteur" not in text  # who changed her data is staff acting for the office
    with register.connect() as connection:
        event = connection.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (event.table_name, event.field, event.changed_by) == ("privacy", "access", "datenschutz")
    assert event.new_value == f"Auskunft erteilt (Suche nach E-Mail-Adresse): {report.items} Einträge"


def test_search_by_name_is_exact_but_ignores_case_and_blanks(register):
    people = build_people(register)
    by_name = person_overview(register, PersonQuery.of(name="  erika   MUSTER "), by="datenschutz")
    assert [c["nr"] for c in by_name.sections["ansprechpartner"]] == [people.erika]
    assert by_name.counts["aktivitaeten"] == 1 and by_name.counts["aenderungsprotokoll"] > 20
    for near_miss in ("Erika Mustermann", "E. Muster", "Erika M"):
        report = person_overview(register, PersonQuery.of(name=near_miss), by="datenschutz")
        assert report.items == 0, near_miss
    # a name is a contact's whole name, but in free text any whole-word mention counts
    surname = person_overview(register, PersonQuery.of(name="muster"), by="datenschutz")
    assert surname.counts["ansprechpartner"] == 0 and surname.counts["aktivitaeten"] == 1
    nobody = person_overview(register, PersonQuery.of(email="erika.muster@elsterwerda.example"), by="x")
    assert nobody.items == 0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"email": ERIKA, "name": "Erika Muster"}, "Bitte genau eines angeben"),
        ({}, "Bitte genau eines angeben"),
        ({"email": "keine-adresse"}, "»keine-adresse« ist keine E-Mail-Adresse"),
        ({"name": " E "}, "mindestens 2 Zeichen"),
        ({"name": "x" * 201}, "Höchstens 200 Zeichen"),
    ],
)
def test_a_request_names_one_person_clearly(given, message):
    with pytest.raises(InvalidInput, match=message):
        PersonQuery.of(**given)


def test_an_editor_account_gets_its_logins_and_its_changes_without_their_content(register):
    build_people(register)
    add_user(register, "emuster", "editor", "richtig-geheim-42", by="einrichtung")
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    authenticate(register, "emuster", "falsch", address="10.1.2.3", now=now)
    authenticate(
        register, "emuster", "richtig-geheim-42", address="10.1.2.3", now=now + dt.timedelta(minutes=1)
    )
    open_session(register, "emuster", now=now + dt.timedelta(minutes=1))
    her_changes_from = last_audit_id(register) + 1
    add_activity(
        register,
        User("emuster", "editor"),
        *ELSTERWERDA,
        "2025-01-10",
        "Telefonat",
        attendees="Otto Nachbar",
        outcome=f"Otto erreichbar unter {OTTO_EMAIL}",
    )
    her_changes = set(range(her_changes_from, last_audit_id(register) + 1))

    report = disclose(register, PersonQuery.of(name="emuster"), by="datenschutz")

    assert [(a["name"], a["rolle"], a["aktiv"]) for a in report.sections["benutzerkonten"]] == [
        ("emuster", "Bearbeiter", True)
    ]
    assert report.sections["anmeldeversuche"] == [
        {"zeitpunkt": now.isoformat(), "erfolgreich": False},
        {"zeitpunkt": (now + dt.timedelta(minutes=1)).isoformat(), "erfolgreich": True},
    ]
    assert [sorted(s) for s in report.sections["anmeldesitzungen"]] == [
        ["angemeldet_am", "letzte_anfrage_am"]
    ]
    entries = report.sections["aenderungsprotokoll"]
    changes = [e for e in entries if e["grund"] == REASON_CHANGED]
    assert {e["nr"] for e in changes} == her_changes and len(her_changes) >= 5
    assert all("alter_wert" not in e and "neuer_wert" not in e for e in changes)
    account = {e["feld"]: e["neuer_wert"] for e in entries if e["grund"] == REASON_ACCOUNT}
    assert account["Name"] == "emuster" and account["Passwort"] == "(verborgen)"
    text = report.json_bytes().decode()
    for absent in ("10.1.2.3", OTTO_EMAIL, "Otto Nachbar", "richtig-geheim", "argon2"):
        assert absent not in text


def test_the_html_summary_is_german_escaped_and_loads_nothing(register):
    save_contact(
        register,
        EDITOR,
        *ELSTERWERDA,
        name="Erika Muster",
        organisation="<script>alert(1)</script>",
        email=ERIKA,
    )
    page = summary_html(disclose(register, PersonQuery.of(email=ERIKA), by="datenschutz"))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
    assert (
        "Auskunft nach Art. 15 DSGVO" in page and "Kontaktdaten (1)" in page and "Anmeldeversuche (0)" in page
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert not re.search(r"(src|href)=|https?://|@import|url\(", page.replace(ERIKA, ""))


def test_only_admins_may_look(register):
    build_people(register)
    before = last_audit_id(register)
    for actor in (None, User("redakteur", "editor"), User("chefin", "admin", active=False)):
        with pytest.raises(PermissionDenied):
            disclose(register, PersonQuery.of(email=ERIKA), actor=actor)
        with pytest.raises(PermissionDenied):
            person_overview(register, PersonQuery.of(email=ERIKA), actor=actor)
    assert last_audit_id(register) == before
    admin = disclose(register, PersonQuery.of(email=ERIKA), actor=User("chefin", "admin"))
    assert admin.counts["ansprechpartner"] == 1
