"""Who a request for access or erasure is about, and where that person's values occur.

A person is looked up by e-mail address or by name, both exactly: the address compared without regard to
case, the name without regard to case and with any run of blanks counting as one ("Erika  MUSTER" finds
"Erika Muster"). Nothing is fuzzy: "E. Muster", "Erika Mustermann" or a misspelt address find nothing,
so that a request can never reach someone else by resemblance. Several contact records with the same
name count as the same person when searching by name; to tell namesakes apart, search by address.

What the person's contact records hold (names, addresses, phone numbers, also those of records deleted
earlier, found through the audit trail) is then searched for in free text: addresses case-insensitively,
phone numbers exactly as stored, names as whole words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, func, or_, select

from lpr_geo.register.errors import InvalidInput, quoted
from lpr_geo.register.models import AuditEntry, Contact, Participant, UserAccount
from lpr_geo.vocabulary import LEVEL_NAMES

from .fields import CONTACT_FIELDS

#: Longest e-mail address or name accepted in a request (the register's columns hold 200 characters).
MAX_QUERY_CHARS = 200
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def normal_name(text: str) -> str:
    """A name as compared: case folded, blanks collapsed (``" Erika  MUSTER"`` -> ``erika muster``)."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class PersonQuery:
    """What identifies the person: an e-mail address, a name, or one contact record (retention review).

    Build it with :meth:`of`, which checks the input.
    """

    email: str | None = None
    name: str | None = None
    contact_id: int | None = None

    @classmethod
    def of(
        cls, email: str | None = None, name: str | None = None, contact_id: int | None = None
    ) -> PersonQuery:
        """Check a request and return its query.

        Raises
        ------
        lpr_geo.register.InvalidInput
            With a German message if not exactly one of the three is given, or it is empty, too long or
            (``email``) not an address.
        """
        given = [value for value in (email, name, contact_id) if value is not None and value != ""]
        if len(given) != 1:
            raise InvalidInput(
                "query", "Bitte genau eines angeben: eine E-Mail-Adresse, einen Namen oder eine Nummer."
            )
        if contact_id is not None:
            if isinstance(contact_id, bool) or not isinstance(contact_id, int) or contact_id < 1:
                raise InvalidInput(
                    "contact_id", f"{quoted(contact_id)} ist keine Nummer eines Ansprechpartners."
                )
            return cls(contact_id=contact_id)
        text = " ".join(str(email if email is not None else name).split())
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidInput("query", f"Höchstens {MAX_QUERY_CHARS} Zeichen, bitte kürzen.")
        if email is not None:
            if not _EMAIL.fullmatch(text):
                raise InvalidInput("email", f"{quoted(text)} ist keine E-Mail-Adresse (name@beispiel.de).")
            return cls(email=text)
        if len(text) < 2:
            raise InvalidInput("name", "Bitte den vollständigen Namen angeben (mindestens 2 Zeichen).")
        return cls(name=text)

    @property
    def kind(self) -> str:
        """How the person was looked up, in words without the value (for the audit trail)."""
        if self.email is not None:
            return "Suche nach E-Mail-Adresse"
        if self.name is not None:
            return "Suche nach Name"
        return f"Ansprechpartner Nr. {self.contact_id}"


@dataclass(frozen=True)
class RegionRef:
    """The region a record belongs to, as shown: level, key and name."""

    level: str
    key: str
    name: str

    def label(self) -> str:
        """``Gemeinde Elsterwerda (12062124)``."""
        return f"{LEVEL_NAMES.get(self.level, self.level)} {self.name} ({self.key})"


@dataclass(frozen=True)
class ContactRow:
    """A contact record as stored, with its region (``None`` if it belongs to none any more)."""

    id: int
    name: str
    role: str
    organisation: str
    email: str
    phone: str
    participant_id: int | None
    region: RegionRef | None


def load_contacts(connection: Connection) -> list[ContactRow]:
    """Every contact record with its region (a register holds a few thousand at most)."""
    query = (
        select(
            Contact.id,
            Contact.name,
            Contact.role,
            Contact.organisation,
            Contact.email,
            Contact.phone,
            Contact.participant_id,
            Participant.level,
            Participant.key,
            Participant.name,
        )
        .outerjoin(Participant, Participant.id == Contact.participant_id)
        .order_by(Contact.id)
    )
    return [
        ContactRow(
            *(value or "" for value in row[:6]),
            row[6],
            RegionRef(row[7], row[8], row[9]) if row[7] is not None else None,
        )
        for row in connection.execute(query)
    ]


@dataclass(frozen=True)
class Identifiers:
    """Values that identify a person in text: e-mail addresses, phone numbers, names."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    def _patterns(self) -> list[str]:
        # whole values only: "a@b.de" is not in "a@b.de.vu" or "xa@b.de", "0331 12" not in "0331 123"
        patterns = [
            rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.[\w-])"
            for email in sorted(self.emails, key=len, reverse=True)
        ]
        patterns += [
            rf"(?<!\d){re.escape(phone)}(?!\d)" for phone in sorted(self.phones, key=len, reverse=True)
        ]
        return patterns

    def value_pattern(self) -> re.Pattern | None:
        """Whole addresses (any case) and phone numbers (as stored); ``None`` if there are none."""
        patterns = self._patterns()
        return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def name_pattern(self) -> re.Pattern | None:
        """Names as whole words, any case, any blanks between the parts; ``None`` if there are none."""
        names = sorted(self.names, key=len, reverse=True)
        if not names:
            return None
        parts = [r"\s+".join(re.escape(word) for word in name.split()) for name in names]
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)

    def any_pattern(self) -> re.Pattern | None:
        """Any of the values or names (see :meth:`value_pattern` and :meth:`name_pattern`)."""
        names = self.name_pattern()
        patterns = self._patterns() + ([names.pattern] if names is not None else [])
        return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def prefilter(self, column) -> ColumnElement[bool] | None:
        """A SQL condition every text holding one of the values or names meets (checked in Python after).

        ``lower()`` and ``LIKE`` ignore the case of ASCII letters only in SQLite, so every other character
        of the search word becomes the one-character wildcard ``_``; a name is searched by its longest word.
        """
        words = list(self.emails) + list(self.phones)
        words += [max(name.split(), key=len) for name in self.names if name.split()]
        conditions = [func.lower(column).like(f"%{_like_word(word)}%", escape="\\") for word in words]
        return or_(*conditions) if conditions else None

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.names)

    def without(self, other: Identifiers) -> Identifiers:
        """These values minus those ``other`` holds (compared as the searches compare them)."""
        return Identifiers(
            frozenset(e for e in self.emails if e.casefold() not in {o.casefold() for o in other.emails}),
            self.phones - other.phones,
            frozenset(n for n in self.names if normal_name(n) not in {normal_name(o) for o in other.names}),
        )


def _like_word(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "".join(ch if ch.isascii() else "_" for ch in escaped)


def identifiers_of(contacts: list[ContactRow] | list[dict[str, str]]) -> Identifiers:
    """The addresses, phone numbers and names of contact records (or their last values in the trail)."""
    values = [c if isinstance(c, dict) else {f: getattr(c, f) for f in CONTACT_FIELDS} for c in contacts]
    return Identifiers(
        frozenset(v["email"].strip() for v in values if v.get("email", "").strip()),
        frozenset(v["phone"].strip() for v in values if v.get("phone", "").strip()),
        frozenset(" ".join(v["name"].split()) for v in values if v.get("name", "").strip()),
    )


@dataclass(frozen=True)
class TrailRecord:
    """One life of a contact record in the audit trail: from its creation to its deletion, or to now.

    SQLite may give a new record the id of the last one deleted, so the trail of one record id can hold
    several persons one after another; a deletion ends one life.
    """

    record_id: int
    entry_ids: tuple[int, ...]
    #: the record's values at its deletion, or ``None`` while it exists
    final: dict[str, str] | None


def trail_records(connection: Connection) -> list[TrailRecord]:
    """The lives of every contact record the audit trail knows."""
    rows = connection.execute(
        select(
            AuditEntry.id,
            AuditEntry.record_id,
            AuditEntry.changed_at,
            AuditEntry.field,
            AuditEntry.old_value,
            AuditEntry.new_value,
        )
        .where(AuditEntry.table_name == "contacts")
        .order_by(AuditEntry.id)
    ).all()
    # one flush writes all its rows of a record with the same time: one change of the record
    changes: dict[int, dict[object, list]] = defaultdict(dict)
    for row in rows:
        changes[row.record_id].setdefault(row.changed_at, []).append(row)
    lives: list[TrailRecord] = []
    for record_id, flushes in changes.items():
        entry_ids: list[int] = []
        for flush in flushes.values():
            entry_ids += [row.id for row in flush]
            # a deletion writes every field with its old value and no new one; a name is never emptied
            if any(row.field == "name" and row.new_value is None for row in flush):
                final = {row.field: row.old_value or "" for row in flush if row.field in CONTACT_FIELDS}
                lives.append(TrailRecord(record_id, tuple(entry_ids), final))
                entry_ids = []
        if entry_ids:
            lives.append(TrailRecord(record_id, tuple(entry_ids), None))
    return lives


@dataclass(frozen=True)
class Person:
    """Everything that identifies one person in the register, found for a :class:`PersonQuery`.

    Attributes
    ----------
    query : PersonQuery
        The request.
    contacts : list of ContactRow
        The person's contact records as stored now.
    trail : list of TrailRecord
        The lives of the person's contact records in the audit trail (current and deleted ones).
    identifiers : Identifiers
        Addresses, phone numbers and names to search for in free text and in the audit trail.
    remaining : Identifiers
        The values of every other contact record (a shared office address may be among them).
    accounts : list of tuple
        Dashboard accounts whose name is the searched name or address: (id, name, role, active, created).
    """

    query: PersonQuery
    contacts: list[ContactRow]
    trail: list[TrailRecord]
    identifiers: Identifiers
    remaining: Identifiers
    accounts: list = field(default_factory=list)

    @property
    def others(self) -> Identifiers:
        """Other persons' values (those of other contact records the person does not share)."""
        return self.remaining.without(self.identifiers)

    @property
    def erasable(self) -> Identifiers:
        """The person's values no other contact record holds: these may be erased everywhere."""
        return self.identifiers.without(self.remaining)

    @property
    def trail_entry_ids(self) -> set[int]:
        """Audit entries of the person's contact records."""
        return {entry for life in self.trail for entry in life.entry_ids}


def _matches(values: dict[str, str], query: PersonQuery) -> bool:
    if query.email is not None:
        return values.get("email", "").strip().casefold() == query.email.casefold()
    if query.name is not None:
        return normal_name(values.get("name", "")) == normal_name(query.name)
    return False


def find_person(connection: Connection, query: PersonQuery) -> Person:
    """Look a person up: contact records, their lives in the audit trail, accounts, identifying values."""
    contacts = load_contacts(connection)
    mine = [
        c
        for c in contacts
        if c.id == query.contact_id or _matches({f: getattr(c, f) for f in CONTACT_FIELDS}, query)
    ]
    mine_ids = {c.id for c in mine}
    lives = trail_records(connection)
    trail = [
        life
        for life in lives
        if (life.final is None and life.record_id in mine_ids)
        or (life.final is not None and query.contact_id is None and _matches(life.final, query))
    ]
    found = identifiers_of(mine + [life.final for life in trail if life.final is not None])
    asked = Identifiers(
        frozenset([query.email]) if query.email else frozenset(),
        frozenset(),
        frozenset([query.name]) if query.name else frozenset(),
    )
    identifiers = Identifiers(
        found.emails | asked.emails, found.phones | asked.phones, found.names | asked.names
    )
    remaining = identifiers_of([c for c in contacts if c.id not in mine_ids])
    accounts = []
    if query.contact_id is None:
        wanted = normal_name(query.email or query.name or "")
        accounts = [
            tuple(row)
            for row in connection.execute(
                select(
                    UserAccount.id,
                    UserAccount.name,
                    UserAccount.role,
                    UserAccount.active,
                    UserAccount.created_at,
                ).order_by(UserAccount.name)
            )
            if normal_name(row.name) == wanted
        ]
    return Person(query, mine, trail, identifiers, remaining, accounts)
