"""Erasure (Art. 17 DSGVO): a person's data out of the register, in one transaction.

For the person found (see :mod:`.person`) the erasure

- deletes their contact records;
- replaces their e-mail address and phone number with "[gelöscht]" wherever they occur in free text
  (activities, status notes, network descriptions);
- pseudonymises the audit trail: the entries of their contact records keep table, record, field, who and
  when, but every personal value becomes "[gelöscht]"; in every other entry their address, phone number
  and name are replaced the same way. The trail still shows that a change happened, by whom and when;
- deletes login attempts made under their address or name;
- records itself in the audit trail, with numbers only.

Names in free text are **not** rewritten by default but listed for review, with the record and field: a
name can belong to someone else (two mayors called Thomas Müller), and only a person reading the text can
tell; an address or a phone number identifies one person, so it goes without asking. Once the listed
places are checked, the erasure can be repeated with ``replace_names``, which replaces the name there too
(the way to revise activities other than correcting each in the dashboard). The audit trail is
history nobody edits, so a name is replaced there in any case.

A value another remaining contact record holds (a shared office address) stays: it is that record's too.
An editor's dashboard account is never erased here (its name stays in the trail as who changed what;
deactivate it with ``lpr-geo users deactivate``).

On SQLite the database file is then rebuilt as well (:mod:`.storage`): the erased values must not be
readable from the file's bytes. PostgreSQL keeps old row versions until it vacuums; see
``docs/datenschutz.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, bindparam, delete, insert, or_, select, update

from lpr_geo.register.database import serialised
from lpr_geo.register.errors import ConflictError
from lpr_geo.register.models import (
    Activity,
    AuditEntry,
    Contact,
    LoginAttempt,
    Network,
    Participant,
    StatusEvent,
)
from lpr_geo.vocabulary import (
    AUDIT_ENTRY,
    CONTACT_PERSON,
    LOGIN_ATTEMPT,
    TEXT_PASSAGE,
    audit_field_label,
    date,
)

from .fields import CONTACT_FIELDS, FREE_TEXT, PSEUDONYM
from .person import ContactRow, Person, PersonQuery, RegionRef, find_person
from .storage import clean_files
from .trail import ERASURE, PRIVACY_TABLE, acting, record_event

if TYPE_CHECKING:
    from lpr_geo.auth import User

_MODELS = {"activities": Activity, "status_events": StatusEvent, "networks": Network}


@dataclass(frozen=True)
class TextPlace:
    """A field of a record that holds the person's values: where it is, in words and by number."""

    table: str
    record_id: int
    field: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}, Feld »{audit_field_label(self.table, self.field)}«"


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure removes, and the name mentions it leaves for review.

    Attributes
    ----------
    query : PersonQuery
        The request.
    contacts : tuple of ContactRow
        Contact records that are deleted.
    replaced : tuple of TextPlace
        Free-text fields where the address or phone number (with ``replace_names`` also the name) is
        replaced.
    audit_entries : int
        Audit entries whose values are pseudonymised.
    login_attempts : int
        Login attempts under the address or name that are deleted.
    mentions : tuple of TextPlace
        Free-text fields that still name the person after the replacement: left as they are, for review.
    accounts : tuple of str
        Dashboard accounts with the searched name or address: kept.
    """

    query: PersonQuery
    contacts: tuple[ContactRow, ...]
    replaced: tuple[TextPlace, ...]
    audit_entries: int
    login_attempts: int
    mentions: tuple[TextPlace, ...]
    accounts: tuple[str, ...] = ()
    #: whether names in free text are replaced as well (after review)
    replace_names: bool = False

    @property
    def empty(self) -> bool:
        """Whether there is nothing to erase (name mentions for review may still exist)."""
        return not (self.contacts or self.replaced or self.audit_entries or self.login_attempts)

    def sections(self) -> list[tuple[str, list[str]]]:
        """The plan in German: (heading, items) for the command line and the confirmation."""
        sections = [
            (f"Kontaktdaten löschen: {CONTACT_PERSON.count(len(self.contacts))}", self._contact_lines()),
            (
                f"{'Name, ' if self.replace_names else ''}E-Mail-Adresse und Telefonnummer durch "
                f"»{PSEUDONYM}« ersetzen: "
                f"{TEXT_PASSAGE.count(len(self.replaced))}",
                [str(place) for place in self.replaced],
            ),
            (f"Werte im Änderungsprotokoll pseudonymisieren: {AUDIT_ENTRY.count(self.audit_entries)}", []),
            (
                "Anmeldeversuche unter der Adresse oder dem Namen löschen: "
                f"{LOGIN_ATTEMPT.count(self.login_attempts)}",
                [],
            ),
        ]
        counts = (len(self.contacts), len(self.replaced), self.audit_entries, self.login_attempts)
        sections = [section for section, count in zip(sections, counts, strict=True) if count]
        return sections + self.review_sections()

    def _contact_lines(self) -> list[str]:
        return [f"Nr. {c.id}: {c.name}, {_region(c.region)}" for c in self.contacts]

    def review_sections(self) -> list[tuple[str, list[str]]]:
        """What stays for a person to check: name mentions, accounts."""
        sections = []
        if self.mentions:
            sections.append(
                (
                    f"Zur Prüfung (wird nicht geändert): {TEXT_PASSAGE.count(len(self.mentions))} mit dem "
                    "Namen; ist dort diese Person gemeint, die Löschung wiederholen und die Namen ersetzen "
                    "lassen (»Endgültig löschen und Namen ersetzen«, Befehl: --replace-names)",
                    [str(place) for place in self.mentions],
                )
            )
        for name in self.accounts:
            sections.append(
                (
                    f"Das Benutzerkonto »{name}« bleibt bestehen (Änderungen bleiben ihm im Protokoll "
                    f"zugeordnet); abschalten mit »lpr-geo users deactivate {name}«",
                    [],
                )
            )
        return sections


@dataclass(frozen=True)
class Erasure:
    """A finished erasure: what was done, and database files that may still hold an erased value (SQLite)."""

    plan: ErasurePlan
    remnants: tuple[str, ...] = ()
    backend: str = "sqlite"


@dataclass
class _Changes:
    """The statements an erasure will run, prepared from one reading of the register."""

    contacts: list[ContactRow] = field(default_factory=list)
    #: (table, id) -> (version read, {field: new text})
    texts: dict[tuple[str, int], tuple[int, dict[str, str]]] = field(default_factory=dict)
    #: audit entry id -> (old value, new value)
    audit: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    attempts: list[int] = field(default_factory=list)


def _region(region: RegionRef | None) -> str:
    return region.label() if region is not None else "keiner Region zugeordnet"


def _text_rows(connection: Connection, table: str, condition):
    """Rows of a free-text table that may hold the person's values, with words for where they are."""
    model = _MODELS[table]
    columns = [model.id, model.version, *(getattr(model, f) for f in FREE_TEXT[table])]
    if table == "networks":
        for row in connection.execute(select(*columns, Network.name.label("label")).where(condition)):
            yield row, f"Netzwerk Nr. {row.id} »{row.label}«"
        return
    day = Activity.date if table == "activities" else StatusEvent.effective_date
    query = (
        select(
            *columns, day.label("day"), Participant.level, Participant.key, Participant.name.label("label")
        )
        .join(Participant, Participant.id == model.participant_id)
        .where(condition)
        .order_by(model.id)
    )
    kind = "Aktivität" if table == "activities" else "Statuseintrag"
    for row in connection.execute(query):
        yield (
            row,
            f"{kind} Nr. {row.id} vom {date(row.day)}, {RegionRef(row.level, row.key, row.label).label()}",
        )


def _replace(pattern: re.Pattern | None, text: str | None) -> str | None:
    return pattern.sub(PSEUDONYM, text) if pattern is not None and text else text


def _prepare(
    connection: Connection, query: PersonQuery, replace_names: bool = False
) -> tuple[ErasurePlan, _Changes, Person]:
    person = find_person(connection, query)
    erasable = person.erasable
    values = erasable.value_pattern()  # addresses and phone numbers: replaced everywhere
    names = erasable.name_pattern()  # names: replaced in the trail; in free text only after review
    mentioned = person.identifiers.name_pattern()  # every name: listed for review in free text
    in_text = person.identifiers.any_pattern() if replace_names else values
    changes = _Changes(contacts=list(person.contacts))
    replaced: list[TextPlace] = []
    mentions: list[TextPlace] = []
    for table, fields in FREE_TEXT.items():
        model = _MODELS[table]
        conditions = [person.identifiers.prefilter(getattr(model, f)) for f in fields]
        conditions = [c for c in conditions if c is not None]
        if not conditions:
            continue
        for row, where in _text_rows(connection, table, or_(*conditions)):
            for name in fields:
                text = getattr(row, name)
                new = _replace(in_text, text)
                if new != text:
                    changes.texts.setdefault((table, row.id), (row.version, {}))[1][name] = new
                    replaced.append(TextPlace(table, row.id, name, where))
                if new and mentioned is not None and mentioned.search(new):
                    mentions.append(TextPlace(table, row.id, name, where))

    trail = person.trail_entry_ids
    conditions = [AuditEntry.id.in_(trail)] if trail else []
    conditions += [
        c
        for c in (erasable.prefilter(AuditEntry.old_value), erasable.prefilter(AuditEntry.new_value))
        if c is not None
    ]
    if conditions:
        entries = connection.execute(
            select(AuditEntry.id, AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value).where(
                AuditEntry.table_name != PRIVACY_TABLE, or_(*conditions)
            )
        )
        for entry in entries:
            if entry.id in trail and entry.field in CONTACT_FIELDS:
                new_values = tuple(PSEUDONYM if v else v for v in (entry.old_value, entry.new_value))
            else:
                new_values = tuple(
                    _replace(names, _replace(values, v)) for v in (entry.old_value, entry.new_value)
                )
            if new_values != (entry.old_value, entry.new_value):
                changes.audit[entry.id] = new_values

    typed = {e.casefold() for e in erasable.emails} | {n.casefold() for n in erasable.names}
    if typed:
        changes.attempts = list(
            connection.scalars(select(LoginAttempt.id).where(LoginAttempt.name.in_(typed)))
        )
    plan = ErasurePlan(
        query,
        tuple(person.contacts),
        tuple(replaced),
        len(changes.audit),
        len(changes.attempts),
        tuple(mentions),
        tuple(account[1] for account in person.accounts),
        replace_names,
    )
    return plan, changes, person


def plan_erasure(
    engine: Engine,
    query: PersonQuery,
    *,
    replace_names: bool = False,
    actor: User | None = None,
    by: str | None = None,
) -> ErasurePlan:
    """What :func:`erase_person` would do now (read only), to show before asking for confirmation.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    query : PersonQuery
        Whom the request is about.
    replace_names : bool
        As for :func:`erase_person`.
    actor : lpr_geo.auth.User, optional
        The dashboard user asking; must be an admin.
    by : str, optional
        Instead of ``actor``: the command-line caller.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If ``actor`` is not an admin (or neither is given).
    """
    acting(actor, by)
    with engine.connect() as connection:
        return _prepare(connection, query, replace_names)[0]


def _trail_rows(changes: _Changes, who: str, now: dt.datetime) -> list[dict]:
    """The erasure's own audit rows: that each record and field changed, without the values."""
    rows = []
    for contact in changes.contacts:
        rows.append(("contacts", contact.id, "participant_id", _number(contact.participant_id), None))
        rows += [("contacts", contact.id, f, PSEUDONYM, None) for f in CONTACT_FIELDS if getattr(contact, f)]
    for (table, record_id), (_, fields) in changes.texts.items():
        rows += [(table, record_id, name, PSEUDONYM, PSEUDONYM) for name in fields]
    keys = ("table_name", "record_id", "field", "old_value", "new_value")
    return [{"changed_at": now, "changed_by": who, **dict(zip(keys, row, strict=True))} for row in rows]


def _number(value: int | None) -> str | None:
    return None if value is None else str(value)


def _apply(connection: Connection, changes: _Changes, who: str, now: dt.datetime) -> None:
    if changes.contacts:
        connection.execute(delete(Contact).where(Contact.id.in_([c.id for c in changes.contacts])))
    for (table, record_id), (version, fields) in changes.texts.items():
        model = _MODELS[table]
        done = connection.execute(
            update(model)
            .where(model.id == record_id, model.version == version)
            .values(**fields, version=model.version + 1)
        )
        if done.rowcount != 1:
            raise ConflictError(
                "Ein betroffener Datensatz wurde gerade von jemand anderem geändert; nichts wurde gelöscht. "
                "Bitte die Löschung wiederholen."
            )
    if changes.audit:
        connection.execute(
            update(AuditEntry)
            .where(AuditEntry.id == bindparam("entry_id"))
            .values(old_value=bindparam("old"), new_value=bindparam("new")),
            [{"entry_id": i, "old": old, "new": new} for i, (old, new) in changes.audit.items()],
        )
    if changes.attempts:
        connection.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(changes.attempts)))
    rows = _trail_rows(changes, who, now)
    if rows:
        connection.execute(insert(AuditEntry), rows)


def _summary(plan: ErasurePlan) -> str:
    text = (
        f"Löschung nach Art. 17 DSGVO ({plan.query.kind}): "
        f"{CONTACT_PERSON.count(len(plan.contacts))} gelöscht, "
        f"{TEXT_PASSAGE.count(len(plan.replaced))} bereinigt, "
        f"{AUDIT_ENTRY.count(plan.audit_entries)} pseudonymisiert, "
        f"{LOGIN_ATTEMPT.count(plan.login_attempts)} gelöscht"
    )
    if plan.replace_names:
        text += " (Namen in Freitexten eingeschlossen)"
    if plan.mentions:
        text += f"; {TEXT_PASSAGE.count(len(plan.mentions))} mit dem Namen zur Prüfung"
    return text


def erase_person(
    engine: Engine,
    query: PersonQuery,
    *,
    replace_names: bool = False,
    actor: User | None = None,
    by: str | None = None,
    now: dt.datetime | None = None,
) -> Erasure:
    """Erase a person's data from the register in one transaction, then from the database files.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    query : PersonQuery
        Whom the request is about (by address, by name, or one contact record after a retention review).
    replace_names : bool
        Replace the person's name in free text as well. Only after the places a plan listed for review
        were checked: a name may also be someone else's.
    actor : lpr_geo.auth.User, optional
        The dashboard user erasing; must be an admin, recorded by name.
    by : str, optional
        Instead of ``actor``: the command-line caller's name for the trail.
    now : datetime.datetime, optional
        Time recorded in the trail (UTC); tests inject a clock here.

    Returns
    -------
    Erasure
        What was erased, the name mentions left for review and (SQLite) files that still hold a value.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If ``actor`` is not an admin (or neither is given); nothing is changed.
    lpr_geo.register.ConflictError
        If a record to be changed was changed by someone else meanwhile; nothing is changed.
    """
    who = acting(actor, by)
    now = now or dt.datetime.now(dt.UTC)
    with serialised(engine, "privacy-erasure") as connection:
        plan, changes, _ = _prepare(connection, query, replace_names)
        if not plan.empty:
            _apply(connection, changes, who, now)
            record_event(connection, who, ERASURE, _summary(plan), now)
    # also when there was nothing left to erase: a repeat after a busy database finishes the files
    return Erasure(plan, tuple(clean_files(engine)), engine.dialect.name)
