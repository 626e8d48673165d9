"""A register holding one test person (Erika Muster) among others, built through the editing functions.

Erika is a contact of Elsterwerda; her address changed once (the old one is only in the audit trail); an
earlier contact record of hers in Finsterwalde was deleted, and on SQLite its id went to someone else
(Paula Fremd) afterwards. Activities and a status note name her, by name, address and phone number; others
name only Otto Nachbar, a contact of the same town. The register suite's SQLite and PostgreSQL fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, String, Text, func, select

from lpr_geo.auth import User
from lpr_geo.register import delete_contact, save_contact, set_status
from lpr_geo.register.activity_edits import add_activity
from lpr_geo.register.models import AuditEntry, Base, StatusEvent
from tests.register.conftest import backend, make_register, pg_databases, register  # noqa: F401

EDITOR = User("redakteur", "editor")
ELSTERWERDA = ("gemeinde", "12062124")
FINSTERWALDE = ("gemeinde", "12062140")
ERIKA = "Erika.Muster@elsterwerda.example.org"
ERIKA_OLD = "e.muster@alt.example.org"
ERIKA_PHONE = "03533 660-123"
OTTO_EMAIL = "otto.nachbar@elsterwerda.example.org"
OTTO_PHONE = "03533 660-999"
PAULA_EMAIL = "paula.fremd@finsterwalde.example.org"
#: values of people other than Erika: no access report of hers may hold any of them
OTHERS = ("Otto Nachbar", OTTO_EMAIL, OTTO_PHONE, "Paula Fremd", PAULA_EMAIL)


@dataclass(frozen=True)
class People:
    """Numbers of what :func:`build_people` created."""

    erika: int
    otto: int
    paula: int
    erika_earlier: tuple[int, int]  # audit ids from and to: the life of her deleted Finsterwalde record
    visit: int  # activity naming Erika (name, phone, address)
    call: int  # activity naming Otto only
    note_event: int  # status event whose note holds her address


def last_audit_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))


def build_people(engine: Engine) -> People:
    set_status(engine, EDITOR, *ELSTERWERDA, None, "in_talks", "2024-05-01")
    first = save_contact(
        engine,
        EDITOR,
        *ELSTERWERDA,
        name="Erika Muster",
        role="Bürgermeisterin",
        organisation="Stadt Elsterwerda",
        email=ERIKA_OLD,
        phone=ERIKA_PHONE,
    )
    erika = save_contact(
        engine,
        EDITOR,
        *ELSTERWERDA,
        name="Erika Muster",
        role="Bürgermeisterin",
        organisation="Stadt Elsterwerda",
        email=ERIKA,
        phone=ERIKA_PHONE,
        contact_id=first.id,
        expected_version=first.version,
    )
    otto = save_contact(
        engine,
        EDITOR,
        *ELSTERWERDA,
        name="Otto Nachbar",
        role="Ordnungsamtsleiter",
        email=OTTO_EMAIL,
        phone=OTTO_PHONE,
    )
    set_status(engine, EDITOR, *FINSTERWALDE, None, "requested", "2023-03-01")
    before = last_audit_id(engine)
    earlier = save_contact(
        engine, EDITOR, *FINSTERWALDE, name="Erika  Muster", role="Hauptamtsleiterin", email=ERIKA
    )
    delete_contact(engine, EDITOR, *FINSTERWALDE, earlier.id)
    after = last_audit_id(engine)
    # the last id is free again: SQLite gives it to the next record
    paula = save_contact(engine, EDITOR, *FINSTERWALDE, name="Paula Fremd", email=PAULA_EMAIL)
    visit = add_activity(
        engine,
        EDITOR,
        *ELSTERWERDA,
        "2024-06-03",
        "Besuch",
        place="Rathaus Elsterwerda",
        attendees="Erika Muster, Otto Nachbar",
        outcome=f"Rückruf unter {ERIKA_PHONE} vereinbart",
        next_step=f"Unterlagen an {ERIKA.upper()} senden",
    )
    call = add_activity(
        engine,
        EDITOR,
        *ELSTERWERDA,
        "2024-07-01",
        "Telefonat",
        attendees="Otto Nachbar",
        outcome=f"Erreichbar unter {OTTO_EMAIL}",
    )
    set_status(
        engine,
        EDITOR,
        *ELSTERWERDA,
        None,
        "committed",
        "2024-07-02",
        note=f"Zusage per Mail von {ERIKA.lower()}",
    )
    with engine.connect() as connection:
        note = connection.scalar(select(StatusEvent.id).where(StatusEvent.note != ""))
    return People(erika.id, otto.id, paula.id, (before + 1, after), visit.id, call.id, note)


def text_values(engine: Engine) -> list[tuple[str, str, str]]:
    """Every non-empty value of every text column of the register: (table, column, value)."""
    found = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    for value in connection.scalars(select(column).where(column.is_not(None))):
                        if value:
                            found.append((table.name, column.name, value))
    return found
