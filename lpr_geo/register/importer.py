"""``members import``: a member file into the register, all rows or none.

Every row is checked first; a single problem anywhere means nothing is written and the report lists
every problem with row, field and reason. Importing the same file again changes nothing: a status event
for the same region, network and day is updated only if the file says something different, contacts are
matched by region and name. Everything the database would refuse (text longer than its column, NUL
characters) or a user would not mean (dates before the Land existed or in the future, one person with two
different e-mail addresses) is a problem of its row, so no file can make the import fail halfway.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lpr_geo.settings import DEFAULT_IMPORT_MAX_MB
from lpr_geo.status import Status

from .columns import HEADERS, field_of
from .database import register_session
from .errors import RegisterError
from .models import DEFAULT_NETWORK, Contact, Network, Participant, StatusEvent
from .regions import (
    LEVEL_LABELS,
    NameMatch,
    Region,
    Regions,
    describe,
    level_of_key,
    normalise_name,
    parse_level,
    regions,
)
from .tabular import Cell, read_table

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTACT_FIELDS = ("contact", "role", "organisation", "email", "phone")
_CONTACT_COLUMNS = {
    "contact": "name",
    "role": "role",
    "organisation": "organisation",
    "email": "email",
    "phone": "phone",
}
#: Longest text per field: the length of its database column (PostgreSQL refuses longer text).
_MAX_LENGTH = {f: Contact.__table__.c[column].type.length for f, column in _CONTACT_COLUMNS.items()}
#: The Land Brandenburg was re-founded on this day; an earlier status date is a typing error.
EARLIEST_DATE = dt.date(1990, 10, 3)
#: After this many problems the rest of a file is not checked: it is the wrong file or has the wrong
#: columns, and looking up 100,000 unknown names would take minutes.
MAX_PROBLEMS = 500
_LOCAL = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Problem:
    """One problem (or note) in a file: row number (1 = header), field and German reason."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Zeile {self.row}" + (f", Feld »{self.field}«" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did (or, on a dry run or with problems, would have done)."""

    path: Path
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("participants_added", "events_added", "events_changed", "contacts_added", "contacts_changed"), 0
        )
    )

    @property
    def ok(self) -> bool:
        """True if the file had no problems."""
        return not self.problems

    @property
    def changed(self) -> bool:
        """True if the import changed (or would change) the register."""
        return any(self.counts.values())

    def text(self) -> str:
        """Return the report in German, one line per problem or note."""
        lines = [f"{self.path.name}: {self.rows} Datenzeilen"]
        lines += [f"  Hinweis: {n}" for n in self.notes]
        if self.problems:
            lines.append(f"{len(self.problems)} Problem(e), es wurde nichts importiert:")
            lines += [f"  {self.path.name}, {p}" for p in self.problems]
            return "\n".join(lines)
        c = self.counts
        verb = "würden" if self.dry_run else "wurden"
        lines.append(
            f"{c['participants_added']} Regionen neu, {c['events_added']} Statuseinträge neu, "
            f"{c['events_changed']} geändert, {c['contacts_added']} Ansprechpartner neu, "
            f"{c['contacts_changed']} geändert ({verb} übernommen"
            + ("; Probelauf, nichts gespeichert)" if self.dry_run else ")")
        )
        return "\n".join(lines)


@dataclass
class _Row:
    number: int
    region: Region
    network: str
    status: Status | None
    since: dt.date | None
    note: str
    contact: dict[str, str]


def parse_date(value: Cell, today: dt.date | None = None) -> dt.date:
    """Parse a status date from a cell: a date value, ``TT.MM.JJJJ`` or ``JJJJ-MM-TT``.

    The date must lie between :data:`EARLIEST_DATE` and ``today`` (Brandenburg's today by default),
    like a date entered in the editor.

    Raises
    ------
    ValueError
        With a German message if the text is no valid date or the date is impossible.
    """
    if isinstance(value, dt.date):
        day = value
    else:
        text = value.strip()
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"ungültiges Datum »{text}« (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)")
    shown = f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    if day < EARLIEST_DATE:
        raise ValueError(
            f"das Datum {shown} liegt vor dem {EARLIEST_DATE:%d.%m.%Y} (Gründung des Landes Brandenburg); "
            "Tippfehler?"
        )
    if day > (today or dt.datetime.now(_LOCAL).date()):
        raise ValueError(f"das Datum {shown} liegt in der Zukunft")
    return day


class _Reader:
    """Checks rows of one file against the boundaries and the register's networks."""

    def __init__(
        self,
        report: ImportReport,
        headers: dict[str, str],
        index: Regions,
        networks: set[str],
        default_network: str,
    ):
        self.report = report
        self.headers = headers
        self.index = index
        self.networks = networks
        self.default_network = default_network
        self.today = dt.datetime.now(_LOCAL).date()
        self._matches: dict[tuple[str, str, str | None], NameMatch] = {}

    def match(self, level: str, name: str, kreis_key: str | None = None) -> NameMatch:
        """:meth:`Regions.match`, remembered: long files repeat the same names many times."""
        ident = (level, name, kreis_key)
        if ident not in self._matches:
            self._matches[ident] = self.index.match(level, name, kreis_key)
        return self._matches[ident]

    def problem(self, row: int, field_id: str, message: str) -> None:
        """Record a problem, naming the field by the header the file uses for it."""
        self.report.problems.append(Problem(row, self.headers.get(field_id, HEADERS[field_id]), message))

    def kreis(self, n: int, text: str) -> Region | None:
        if text.isdigit():
            region = self.index.get("kreis", text)
            if region is None:
                self.problem(n, "kreis", f"unbekannter Kreisschlüssel »{text}«")
            return region
        found = self.match("kreis", text)
        if found.region is None:
            self.problem(n, "kreis", found.problem)
        elif found.note:
            self.report.notes.append(Problem(n, self.headers.get("kreis", "Kreis"), found.note))
        return found.region

    def region(self, n: int, cells: dict[str, Cell]) -> Region | None:
        level = None
        if cells.get("level"):
            level = parse_level(str(cells["level"]))
            if level is None:
                self.problem(
                    n, "level", f"unbekannte Ebene »{cells['level']}«; erlaubt: Kreis, Amt, Gemeinde"
                )
                return None
        kreis = self.kreis(n, str(cells["kreis"])) if cells.get("kreis") else None
        if cells.get("kreis") and kreis is None:
            return None
        key = str(cells.get("key") or "")
        if key:
            return self._by_key(n, key, level, kreis, cells)
        if level is None:
            level = next((lv for lv in ("gemeinde", "amt") if cells.get(lv)), None)
            if level is None and cells.get("name"):
                self.problem(
                    n, "level", "Ebene fehlt: bitte Kreis, Amt oder Gemeinde angeben (oder den Schlüssel)"
                )
                return None
            if level is None and kreis is not None:
                return kreis
        name = str(cells.get("name") or cells.get(level or "") or "")
        if level == "kreis" and not cells.get("name"):
            if kreis is None:
                self.problem(n, "kreis", "Kreis fehlt")
            return kreis
        if not name:
            self.problem(n, "key", "weder Schlüssel noch Name der Region angegeben")
            return None
        found = self.match(level, name, kreis.key if kreis and level != "kreis" else None)
        if found.region is None:
            self.problem(n, level if cells.get(level) else "name", found.problem)
        elif found.note:
            self.report.notes.append(Problem(n, self.headers.get(level, LEVEL_LABELS[level]), found.note))
        return found.region

    def _by_key(self, n: int, key: str, level: str | None, kreis: Region | None, cells: dict[str, Cell]):
        key_level = level_of_key(key) if key.isdigit() else None
        if key_level is None:
            self.problem(
                n, "key", f"»{key}« ist kein Schlüssel (5 Ziffern Kreis, 9 Ziffern Amt, 8 Ziffern AGS)"
            )
            return None
        if level is not None and level != key_level:
            self.problem(n, "level", f"Ebene {LEVEL_LABELS[level]} passt nicht zum Schlüssel »{key}«")
            return None
        region = self.index.get(key_level, key)
        if region is None:
            self.problem(n, "key", f"unbekannter Schlüssel »{key}« ({LEVEL_LABELS[key_level]})")
            return None
        if kreis is not None and kreis.key != region.kreis_key:
            self.problem(n, "kreis", f"{describe(region)} liegt nicht im Kreis {kreis.name}")
            return None
        name = str(cells.get("name") or cells.get(key_level) or "")
        if key_level == "kreis" and not cells.get("name"):
            name = ""  # the Kreis column was already checked against the key
        if name and normalise_name(name) != normalise_name(region.name):
            self.problem(n, "name", f"»{name}« passt nicht zum Schlüssel {key} ({region.name})")
            return None
        return region

    def row(self, n: int, cells: dict[str, Cell]) -> _Row | None:
        before = len(self.report.problems)
        region = self.region(n, cells)
        network = str(cells.get("network") or self.default_network)
        if network not in self.networks:
            known = ", ".join(f"»{x}«" for x in sorted(self.networks))
            self.problem(n, "network", f"unbekanntes Netzwerk »{network}«; vorhanden: {known}")
        status = since = None
        if cells.get("status"):
            try:
                status = Status.from_label(str(cells["status"]))
            except ValueError as error:
                self.problem(n, "status", str(error))
            if status is Status.NOT_CONTACTED:
                self.problem(n, "status", "»Nicht kontaktiert« ist kein Eintrag; die Zeile bitte weglassen")
        if cells.get("since"):
            try:
                since = parse_date(cells["since"], self.today)
            except ValueError as error:
                self.problem(n, "since", str(error))
        elif cells.get("status"):
            self.problem(n, "since", "Datum fehlt (ab wann gilt der Status?)")
        if not cells.get("status") and (cells.get("since") or cells.get("note")):
            self.problem(n, "status", "Status fehlt (Seit/Bemerkung ohne Status)")
        note = str(cells.get("note") or "")
        contact = {f: str(cells.get(f) or "") for f in _CONTACT_FIELDS}
        for field_id, text in (("note", note), *contact.items()):
            if "\x00" in text:
                self.problem(
                    n, field_id, "enthält ein Steuerzeichen, das nicht gespeichert werden kann (NUL)"
                )
            limit = _MAX_LENGTH.get(field_id)
            if limit is not None and len(text) > limit:
                self.problem(n, field_id, f"zu lang ({len(text)} Zeichen, höchstens {limit})")
        if any(contact[f] for f in _CONTACT_FIELDS[1:]) and not contact["contact"]:
            self.problem(n, "contact", "Name des Ansprechpartners fehlt")
        if contact["email"] and not _EMAIL.match(contact["email"]):
            self.problem(n, "email", f"ungültige E-Mail-Adresse »{contact['email']}«")
        if not cells.get("status") and not contact["contact"]:
            self.problem(n, "status", "weder Status noch Ansprechpartner angegeben")
        if len(self.report.problems) > before or region is None:
            return None
        return _Row(n, region, network, status, since, note, contact)


def _check_columns(report: ImportReport, header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, text in enumerate(header):
        if not text:
            continue
        field_id = field_of(text)
        if field_id is None:
            report.notes.append(Problem(1, text, "unbekannte Spalte, wird nicht gelesen"))
        elif field_id in seen:
            report.problems.append(Problem(1, text, f"doppelte Spalte (wie »{seen[field_id]}«)"))
        else:
            positions[i] = field_id
            seen[field_id] = text
    fields = set(positions.values())
    if "status" not in fields:
        report.problems.append(Problem(1, "Status", "Spalte fehlt"))
    if "since" not in fields:
        report.problems.append(Problem(1, "Seit", "Spalte fehlt"))
    if not fields & {"key", "name", "gemeinde", "amt", "kreis"}:
        report.problems.append(
            Problem(
                1, "Schlüssel", "Spalte fehlt: nötig ist Schlüssel/AGS oder der Name (Gemeinde, Amt, Kreis)"
            )
        )
    return positions, seen


def _check_duplicates(reader: _Reader, rows: list[_Row]) -> None:
    """Rows that say different things about the same status event or the same person are problems."""
    events: dict[tuple[str, str, str, dt.date], _Row] = {}
    people: dict[tuple[str, str, str], dict[str, _Row]] = {}
    for row in rows:
        if row.status is not None and row.since is not None:
            ident = (row.region.level, row.region.key, row.network, row.since)
            first = events.setdefault(ident, row)
            if (first.status, first.note) != (row.status, row.note):
                reader.report.problems.append(
                    Problem(
                        row.number,
                        "Status",
                        f"widerspricht Zeile {first.number} (gleiche Region, gleicher Tag)",
                    )
                )
        if row.contact["contact"]:
            said = people.setdefault((row.region.level, row.region.key, row.contact["contact"]), {})
            for field_id in _CONTACT_FIELDS[1:]:
                if not row.contact[field_id]:
                    continue  # a blank cell contradicts nothing
                first = said.setdefault(field_id, row)
                if first.contact[field_id] != row.contact[field_id]:
                    reader.problem(
                        row.number,
                        field_id,
                        f"widerspricht Zeile {first.number} (gleiche Person, »{first.contact[field_id]}«)",
                    )


def _apply(session: Session, report: ImportReport, rows: list[_Row], user: str) -> None:
    # Everything the rows may touch is loaded up front and written in one flush at the end: a query and
    # a flush per row made 100,000 rows take minutes.
    networks = {n.name: n for n in session.scalars(select(Network))}
    participants = {(p.level, p.key): p for p in session.scalars(select(Participant))}
    wanted = {participants[k].id for k in {(r.region.level, r.region.key) for r in rows} if k in participants}
    events: dict[tuple[int, int, dt.date], StatusEvent] = {}
    contacts: dict[tuple[int, str], Contact] = {}
    for chunk in _chunks(sorted(wanted), 500):
        for event in session.scalars(select(StatusEvent).where(StatusEvent.participant_id.in_(chunk))):
            events[(event.participant_id, event.network_id, event.effective_date)] = event
        for contact in session.scalars(select(Contact).where(Contact.participant_id.in_(chunk))):
            contacts[(contact.participant_id, contact.name)] = contact
    counts = report.counts
    new = [r.region for r in rows if (r.region.level, r.region.key) not in participants]
    for region in {(r.level, r.key): r for r in new}.values():
        participants[(region.level, region.key)] = Participant(
            level=region.level, key=region.key, name=region.name, kreis_key=region.kreis_key
        )
        session.add(participants[(region.level, region.key)])
        counts["participants_added"] += 1
    session.flush()  # the new participants get their ids
    for row in rows:
        participant = participants[(row.region.level, row.region.key)]
        if row.status is not None and row.since is not None:
            network = networks[row.network]
            ident = (participant.id, network.id, row.since)
            event = events.get(ident)
            if event is None:
                events[ident] = StatusEvent(
                    participant_id=participant.id,
                    network_id=network.id,
                    status=row.status.value,
                    effective_date=row.since,
                    note=row.note,
                    created_by=user,
                )
                session.add(events[ident])
                counts["events_added"] += 1
            elif event.status != row.status.value or (row.note and event.note != row.note):
                event.status = row.status.value
                event.note = row.note or event.note
                counts["events_changed"] += 1
        if row.contact["contact"]:
            _upsert_contact(session, contacts, participant, row.contact, counts)
    session.flush()


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_contact(
    session: Session,
    contacts: dict[tuple[int, str], Contact],
    participant: Participant,
    values: dict,
    counts: dict,
) -> None:
    contact = contacts.get((participant.id, values["contact"]))
    if contact is None:
        contacts[(participant.id, values["contact"])] = Contact(
            participant_id=participant.id,
            name=values["contact"],
            role=values["role"],
            organisation=values["organisation"],
            email=values["email"],
            phone=values["phone"],
        )
        session.add(contacts[(participant.id, values["contact"])])
        counts["contacts_added"] += 1
        return
    # Blank cells keep what the register knows: a short office list must not erase details.
    changed = False
    for attr in ("role", "organisation", "email", "phone"):
        if values[attr] and getattr(contact, attr) != values[attr]:
            setattr(contact, attr, values[attr])
            changed = True
    counts["contacts_changed"] += changed


def import_members(
    engine: Engine,
    path: Path,
    *,
    network: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
    max_mb: float = DEFAULT_IMPORT_MAX_MB,
) -> ImportReport:
    """Import a member file (CSV or XLSX) into the register in one transaction.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of an up-to-date register.
    path : Path
        The file. Headers are German (Gemeinde, Kreis, Amt, AGS/Schlüssel, Ebene, Status, Seit,
        Ansprechpartner, Funktion, E-Mail, Telefon, Bemerkung, optionally Netzwerk, Organisation, Name).
    network : str, optional
        Network for rows without a Netzwerk cell (default: AG 4).
    dry_run : bool
        Check and count, but write nothing.
    user : str, optional
        Who imports (audit trail); the operating-system user by default.
    max_mb : float
        Size limit in MB (MiB), :attr:`lpr_geo.settings.Settings.import_max_mb`: a bigger file is
        refused before it is read.

    Returns
    -------
    ImportReport
        ``ok`` is False if any row had a problem; then nothing was written.

    Raises
    ------
    FileTooLarge
        If the file is over the size limit (nothing was read).
    RegisterError
        If the file cannot be read at all (unknown format, missing or empty file, damaged XLSX, binary
        data in a CSV file).
    """
    path = Path(path)
    report = ImportReport(path=path, dry_run=dry_run)
    table = read_table(path, max_mb=max_mb)
    report.notes += [Problem(1, "", note) for note in table.notes]
    if not table.header and not table.rows:
        raise RegisterError(f"{path.name}: die Datei ist leer")
    positions, headers = _check_columns(report, table.header)
    report.rows = len(table.rows)
    try:
        with register_session(engine, user) as session:
            known = set(session.scalars(select(Network.name)))
            reader = _Reader(report, headers, regions(), known, network or DEFAULT_NETWORK)
            if network and network not in known:
                reader.problem(1, "network", f"unbekanntes Netzwerk »{network}« (Option --network)")
            rows = []
            if not report.problems:
                for n, raw in table.rows:
                    if len(report.problems) >= MAX_PROBLEMS:
                        report.problems.append(
                            Problem(
                                n, "", f"mehr als {MAX_PROBLEMS} Probleme; ab hier wurde nicht weiter geprüft"
                            )
                        )
                        break
                    cells = {positions[i]: c for i, c in enumerate(raw) if i in positions and c != ""}
                    parsed = reader.row(n, cells)
                    if parsed is not None:
                        rows.append(parsed)
                _check_duplicates(reader, rows)
            if not report.problems:
                _apply(session, report, rows, session.info["user"])
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    """Leaves the import transaction without committing."""
