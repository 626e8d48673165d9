"""Access (Art. 15 DSGVO): everything the register stores about one person, as a report.

The report holds, for the person found (see :mod:`.person` for how exactly):

- their contact records;
- activities, status notes and network descriptions whose free text names them (name, e-mail address or
  phone number), with the fields that do;
- audit entries of their contact records (also of records deleted since), entries whose old or new value
  names them, and for a dashboard account of theirs every entry they made (time, table, record and field:
  the values they entered are register content that may concern others, so they are left out);
- for such an account the account itself, its login attempts and its sessions (times only).

Nothing about anyone else: values of other contact records that appear in the same texts are replaced by
"[andere Person]" (Art. 15 (4) DSGVO), and who changed a record is named only where it is the person
(the staff acting for the office need not be named; EuGH C-579/21). Every report is recorded in the
audit trail as "Auskunft erteilt" with its number of entries, never its content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, and_, or_, select

from lpr_geo.register.models import (
    Activity,
    AuditEntry,
    LoginAttempt,
    LoginSession,
    Network,
    Participant,
    StatusEvent,
)
from lpr_geo.vocabulary import (
    AUDIT_TABLE_LABELS,
    ENTRY,
    ROLE_LABELS,
    STATUS_LABELS,
    audit_field_label,
)

from .fields import FREE_TEXT, OTHER_PERSON
from .person import Person, PersonQuery, RegionRef, find_person
from .trail import ACCESS, PRIVACY_TABLE, acting, record_event

if TYPE_CHECKING:
    from lpr_geo.auth import User

#: Sections of a report, in order, with their German titles.
SECTIONS: dict[str, str] = {
    "ansprechpartner": "Kontaktdaten",
    "aktivitaeten": "Aktivitäten, die die Person nennen",
    "statuseintraege": "Statusbemerkungen, die die Person nennen",
    "netzwerke": "Netzwerkbeschreibungen, die die Person nennen",
    "aenderungsprotokoll": "Änderungsprotokoll",
    "benutzerkonten": "Benutzerkonto im Dashboard",
    "anmeldeversuche": "Anmeldeversuche",
    "anmeldesitzungen": "Anmeldesitzungen",
}
_ACTIVITY_FIELDS = {
    "place": "ort",
    "attendees": "teilnehmende",
    "outcome": "ergebnis",
    "next_step": "naechster_schritt",
}
#: Why an audit entry is in the report.
REASON_CONTACT = "Kontaktdaten der Person"
REASON_MENTION = "nennt die Person"
REASON_ACCOUNT = "Benutzerkonto der Person"
REASON_CHANGED = "Änderung durch die Person (Inhalt nicht enthalten)"


@dataclass(frozen=True)
class Disclosure:
    """An access report: what is stored about one person, section by section (see :data:`SECTIONS`).

    Attributes
    ----------
    query : PersonQuery
        The request.
    created_at : datetime.datetime
        When the report was made (UTC).
    sections : dict of str to list of dict
        Records per section; keys and values as written to the JSON file.
    """

    query: PersonQuery
    created_at: dt.datetime
    sections: dict[str, list[dict]]

    @property
    def counts(self) -> dict[str, int]:
        """Entries per section."""
        return {name: len(records) for name, records in self.sections.items()}

    @property
    def items(self) -> int:
        """Entries in all."""
        return sum(self.counts.values())

    def as_json(self) -> dict:
        """The machine-readable report (what :func:`lpr_geo.privacy.report.write_report` writes as JSON)."""
        search = {"email": self.query.email} if self.query.email else {"name": self.query.name}
        return {
            "auskunft": "Auskunft nach Art. 15 DSGVO – Register des Netzwerks Kriminalprävention vor Ort",
            "erstellt_am": self.created_at.isoformat(),
            "suche": search
            if self.query.contact_id is None
            else {"ansprechpartner_nr": self.query.contact_id},
            "abgleich": (
                "genau: E-Mail-Adresse ohne Unterschied von Groß- und Kleinschreibung; Name ohne Unterschied "
                "von Groß- und Kleinschreibung und mehrfachen Leerzeichen, als ganzes Wort; keine "
                "Ähnlichkeitssuche"
            ),
            "anzahl": self.counts,
            **self.sections,
        }

    def json_bytes(self) -> bytes:
        """The JSON file's content (UTF-8, indented)."""
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2).encode("utf-8")


def _moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).isoformat()


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Redactor:
    """Replaces other persons' values in a text, leaving the person's own ones alone."""

    def __init__(self, person: Person) -> None:
        self.own = person.identifiers.any_pattern()
        self.others = person.others.any_pattern()

    def __call__(self, text: str | None) -> str | None:
        if not text or self.others is None:
            return text
        own = [m.span() for m in self.own.finditer(text)] if self.own is not None else []
        pieces, last = [], 0
        for match in self.others.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in own):
                continue
            pieces += [text[last : match.start()], OTHER_PERSON]
            last = match.end()
        return "".join(pieces) + text[last:]


def _region(level: str | None, key: str | None, name: str | None) -> str | None:
    return RegionRef(level, key, name).label() if level is not None else None


def _mentioning(person: Person, model, fields: tuple[str, ...]):
    """Condition: one of ``fields`` of ``model`` may name the person (SQL prefilter)."""
    conditions = [person.identifiers.prefilter(getattr(model, f)) for f in fields]
    return or_(*[c for c in conditions if c is not None])


def _named_in(pattern: re.Pattern, row, fields: dict[str, str]) -> list[str]:
    return [
        label for name, label in fields.items() if getattr(row, name) and pattern.search(getattr(row, name))
    ]


def _activities(connection: Connection, person: Person, shown: _Redactor, pattern: re.Pattern) -> list[dict]:
    query = (
        select(Activity.__table__, Participant.level, Participant.key, Participant.name.label("region_name"))
        .join(Participant, Participant.id == Activity.participant_id)
        .where(_mentioning(person, Activity, FREE_TEXT["activities"]))
        .order_by(Activity.date, Activity.id)
    )
    labels = {name: audit_field_label("activities", name) for name in FREE_TEXT["activities"]}
    records = []
    for row in connection.execute(query):
        named = _named_in(pattern, row, labels)
        if named:
            records.append(
                {
                    "nr": row.id,
                    "region": _region(row.level, row.key, row.region_name),
                    "datum": _day(row.date),
                    "art": row.kind,
                    **{_ACTIVITY_FIELDS[name]: shown(getattr(row, name)) for name in FREE_TEXT["activities"]},
                    "faellig_am": _day(row.next_step_due),
                    "nennt_die_person_in": named,
                }
            )
    return records


def _status_notes(
    connection: Connection, person: Person, shown: _Redactor, pattern: re.Pattern
) -> list[dict]:
    query = (
        select(
            StatusEvent.__table__,
            Participant.level,
            Participant.key,
            Participant.name.label("region_name"),
            Network.name.label("network_name"),
        )
        .join(Participant, Participant.id == StatusEvent.participant_id)
        .join(Network, Network.id == StatusEvent.network_id)
        .where(_mentioning(person, StatusEvent, FREE_TEXT["status_events"]))
        .order_by(StatusEvent.effective_date, StatusEvent.id)
    )
    return [
        {
            "nr": row.id,
            "region": _region(row.level, row.key, row.region_name),
            "netzwerk": row.network_name,
            "status": STATUS_LABELS.get(row.status, row.status),
            "gueltig_ab": _day(row.effective_date),
            "notiz": shown(row.note),
        }
        for row in connection.execute(query)
        if row.note and pattern.search(row.note)
    ]


def _network_texts(
    connection: Connection, person: Person, shown: _Redactor, pattern: re.Pattern
) -> list[dict]:
    query = (
        select(Network.id, Network.name, Network.description)
        .where(_mentioning(person, Network, FREE_TEXT["networks"]))
        .order_by(Network.id)
    )
    return [
        {"nr": row.id, "name": row.name, "beschreibung": shown(row.description)}
        for row in connection.execute(query)
        if row.description and pattern.search(row.description)
    ]


def _audit(
    connection: Connection, person: Person, shown: _Redactor, pattern: re.Pattern | None
) -> list[dict]:
    reasons: dict[int, str] = dict.fromkeys(person.trail_entry_ids, REASON_CONTACT)
    account_ids = [account[0] for account in person.accounts]
    account_names = [account[1] for account in person.accounts]
    conditions = [AuditEntry.id.in_(reasons)] if reasons else []
    for column in (AuditEntry.old_value, AuditEntry.new_value):
        prefilter = person.identifiers.prefilter(column)
        if prefilter is not None:
            conditions.append(and_(AuditEntry.table_name != PRIVACY_TABLE, prefilter))
    if account_ids:
        conditions.append(and_(AuditEntry.table_name == "users", AuditEntry.record_id.in_(account_ids)))
        conditions.append(AuditEntry.changed_by.in_(account_names))
    if not conditions:
        return []
    records = []
    query = select(AuditEntry.__table__).where(or_(*conditions)).order_by(AuditEntry.id)
    for entry in connection.execute(query):
        values = (entry.old_value, entry.new_value)
        if entry.id in reasons:
            reason = reasons[entry.id]
        elif entry.table_name == "users" and entry.record_id in account_ids:
            reason = REASON_ACCOUNT
        elif (
            pattern is not None
            and entry.table_name != PRIVACY_TABLE
            and any(v and pattern.search(v) for v in values)
        ):
            reason = REASON_MENTION
        elif entry.changed_by in account_names:
            reason = REASON_CHANGED
        else:  # the prefilter is coarser than the pattern
            continue
        record = {
            "nr": entry.id,
            "zeitpunkt": _moment(entry.changed_at),
            "bereich": AUDIT_TABLE_LABELS.get(entry.table_name, entry.table_name),
            "datensatz": entry.record_id,
            "feld": audit_field_label(entry.table_name, entry.field),
            "grund": reason,
        }
        if reason != REASON_CHANGED:
            record |= {"alter_wert": shown(entry.old_value), "neuer_wert": shown(entry.new_value)}
        records.append(record)
    return records


def _login_records(connection: Connection, person: Person) -> tuple[list[dict], list[dict], list[dict]]:
    accounts = [
        {
            "name": name,
            "rolle": ROLE_LABELS.get(role, role),
            "aktiv": bool(active),
            "angelegt_am": _moment(created),
        }
        for _, name, role, active, created in person.accounts
    ]
    typed = {account[1].casefold() for account in person.accounts}
    typed |= {value.casefold() for value in (person.query.email, person.query.name) if value}
    attempts = [
        {"zeitpunkt": _moment(moment), "erfolgreich": bool(succeeded)}
        for moment, succeeded in connection.execute(
            select(LoginAttempt.attempted_at, LoginAttempt.succeeded)
            .where(LoginAttempt.name.in_(typed))
            .order_by(LoginAttempt.attempted_at)
        )
    ]
    sessions = []
    if person.accounts:
        sessions = [
            {"angemeldet_am": _moment(created), "letzte_anfrage_am": _moment(seen)}
            for created, seen in connection.execute(
                select(LoginSession.created_at, LoginSession.last_seen_at)
                .where(LoginSession.user_id.in_([account[0] for account in person.accounts]))
                .order_by(LoginSession.created_at)
            )
        ]
    return accounts, attempts, sessions


def collect(connection: Connection, query: PersonQuery, now: dt.datetime | None = None) -> Disclosure:
    """Gather the report for a request (read only; no role check, nothing recorded)."""
    person = find_person(connection, query)
    shown = _Redactor(person)
    pattern = person.identifiers.any_pattern()
    contacts = [
        {
            "nr": c.id,
            "region": c.region.label() if c.region is not None else None,
            "name": c.name,
            "funktion": c.role,
            "organisation": c.organisation,
            "email": c.email,
            "telefon": c.phone,
        }
        for c in person.contacts
    ]
    accounts, attempts, sessions = _login_records(connection, person)
    texts: list[list[dict]] = [[], [], []]
    if pattern is not None:
        texts = [
            find(connection, person, shown, pattern) for find in (_activities, _status_notes, _network_texts)
        ]
    audit = _audit(connection, person, shown, pattern)
    sections = dict(zip(SECTIONS, [contacts, *texts, audit, accounts, attempts, sessions], strict=True))
    return Disclosure(query, now or dt.datetime.now(dt.UTC), sections)


def person_overview(
    engine: Engine, query: PersonQuery, *, actor: User | None = None, by: str | None = None
) -> Disclosure:
    """What is stored about a person, for looking before acting (admins only; nothing is recorded).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    query : PersonQuery
        Whom to look for.
    actor : lpr_geo.auth.User, optional
        The dashboard user asking; must be an admin.
    by : str, optional
        Instead of ``actor``: the command-line caller.

    Returns
    -------
    Disclosure
        Its :attr:`~Disclosure.counts` say how much is stored.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If ``actor`` is not an admin (or neither is given).
    """
    acting(actor, by)
    with engine.connect() as connection:
        return collect(connection, query)


def disclose(
    engine: Engine,
    query: PersonQuery,
    *,
    actor: User | None = None,
    by: str | None = None,
    deliver: Callable[[Disclosure], None] | None = None,
    now: dt.datetime | None = None,
) -> Disclosure:
    """Make the access report for a person and record in the audit trail that it was given.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    query : PersonQuery
        Whom the request is about.
    actor : lpr_geo.auth.User, optional
        The dashboard user giving it; must be an admin, recorded by name.
    by : str, optional
        Instead of ``actor``: the command-line caller's name for the trail.
    deliver : callable, optional
        Called with the report before the event is recorded (e.g. writing the files): if it fails, the
        trail records nothing.
    now : datetime.datetime, optional
        Time of the report (UTC); tests inject a clock here.

    Returns
    -------
    Disclosure
        Write it with :func:`lpr_geo.privacy.report.write_report`, or send :meth:`Disclosure.json_bytes`
        and :func:`lpr_geo.privacy.report.summary_html`.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If ``actor`` is not an admin (or neither is given); nothing is read.
    """
    who = acting(actor, by)
    with engine.begin() as connection:
        report = collect(connection, query, now)
        if deliver is not None:
            deliver(report)
        record_event(
            connection,
            who,
            ACCESS,
            f"Auskunft erteilt ({query.kind}): {ENTRY.count(report.items)}",
            report.created_at,
        )
    return report
