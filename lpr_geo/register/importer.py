"""``members import``: a member file into the register, all rows or none.

Every row is checked first; a single problem anywhere means nothing is written and the report lists
every problem with row, field and reason. Importing the same file again changes nothing: a status event
for the same region, network and day is updated only if the file says something different, contacts are
matched by region and name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lpr_geo.status import Status

from .columns import HEADERS, field_of
from .database import register_session
from .errors import RegisterError
from .models import DEFAULT_NETWORK, Contact, Network, Participant, StatusEvent
from .regions import (
    LEVEL_LABELS,
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


def parse_date(value: Cell) -> dt.date:
    """Parse a date from a cell: a date value, ``TT.MM.JJJJ`` or ``JJJJ-MM-TT``.

    Raises
    ------
    ValueError
        With a German message if the text is no valid date.
    """
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"ungültiges Datum »{text}« (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)")


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

    def problem(self, row: int, field_id: str, message: str) -> None:
        """Record a problem, naming the field by the header the file uses for it."""
        self.report.problems.append(Problem(row, self.headers.get(field_id, HEADERS[field_id]), message))

    def kreis(self, n: int, text: str) -> Region | None:
        if text.isdigit():
            region = self.index.get("kreis", text)
            if region is None:
                self.problem(n, "kreis", f"unbekannter Kreisschlüssel »{text}«")
            return region
        found = self.index.match("kreis", text)
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
        found = self.index.match(level, name, kreis.key if kreis and level != "kreis" else None)
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
                since = parse_date(cells["since"])
            except ValueError as error:
                self.problem(n, "since", str(error))
        elif cells.get("status"):
            self.problem(n, "since", "Datum fehlt (ab wann gilt der Status?)")
        if not cells.get("status") and (cells.get("since") or cells.get("note")):
            self.problem(n, "status", "Status fehlt (Seit/Bemerkung ohne Status)")
        contact = {f: str(cells.get(f) or "") for f in _CONTACT_FIELDS}
        if any(contact[f] for f in _CONTACT_FIELDS[1:]) and not contact["contact"]:
            self.problem(n, "contact", "Name des Ansprechpartners fehlt")
        if contact["email"] and not _EMAIL.match(contact["email"]):
            self.problem(n, "email", f"ungültige E-Mail-Adresse »{contact['email']}«")
        if not cells.get("status") and not contact["contact"]:
            self.problem(n, "status", "weder Status noch Ansprechpartner angegeben")
        if len(self.report.problems) > before or region is None:
            return None
        return _Row(n, region, network, status, since, str(cells.get("note") or ""), contact)


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


def _check_duplicates(report: ImportReport, rows: list[_Row]) -> None:
    events: dict[tuple[str, str, str, dt.date], _Row] = {}
    for row in rows:
        if row.status is None or row.since is None:
            continue
        ident = (row.region.level, row.region.key, row.network, row.since)
        first = events.setdefault(ident, row)
        if (first.status, first.note) != (row.status, row.note):
            report.problems.append(
                Problem(
                    row.number, "Status", f"widerspricht Zeile {first.number} (gleiche Region, gleicher Tag)"
                )
            )


def _apply(session: Session, report: ImportReport, rows: list[_Row], user: str) -> None:
    networks = {n.name: n for n in session.scalars(select(Network))}
    participants = {(p.level, p.key): p for p in session.scalars(select(Participant))}
    counts = report.counts
    for row in rows:
        region = row.region
        participant = participants.get((region.level, region.key))
        if participant is None:
            participant = Participant(
                level=region.level, key=region.key, name=region.name, kreis_key=region.kreis_key
            )
            session.add(participant)
            session.flush()
            participants[(region.level, region.key)] = participant
            counts["participants_added"] += 1
        if row.status is not None and row.since is not None:
            network = networks[row.network]
            event = session.scalar(
                select(StatusEvent).where(
                    StatusEvent.participant_id == participant.id,
                    StatusEvent.network_id == network.id,
                    StatusEvent.effective_date == row.since,
                )
            )
            if event is None:
                session.add(
                    StatusEvent(
                        participant_id=participant.id,
                        network_id=network.id,
                        status=row.status.value,
                        effective_date=row.since,
                        note=row.note,
                        created_by=user,
                    )
                )
                counts["events_added"] += 1
            elif event.status != row.status.value or (row.note and event.note != row.note):
                event.status = row.status.value
                event.note = row.note or event.note
                counts["events_changed"] += 1
        if row.contact["contact"]:
            _upsert_contact(session, participant, row.contact, counts)
        session.flush()


def _upsert_contact(session: Session, participant: Participant, values: dict[str, str], counts: dict) -> None:
    contact = session.scalar(
        select(Contact).where(Contact.participant_id == participant.id, Contact.name == values["contact"])
    )
    if contact is None:
        session.add(
            Contact(
                participant_id=participant.id,
                name=values["contact"],
                role=values["role"],
                organisation=values["organisation"],
                email=values["email"],
                phone=values["phone"],
            )
        )
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

    Returns
    -------
    ImportReport
        ``ok`` is False if any row had a problem; then nothing was written.

    Raises
    ------
    RegisterError
        If the file cannot be read at all (unknown format, missing file, damaged XLSX).
    """
    path = Path(path)
    report = ImportReport(path=path, dry_run=dry_run)
    table = read_table(path)
    report.notes += [Problem(1, "", note) for note in table.notes]
    if not table.header:
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
                    cells = {positions[i]: c for i, c in enumerate(raw) if i in positions and c != ""}
                    parsed = reader.row(n, cells)
                    if parsed is not None:
                        rows.append(parsed)
                _check_duplicates(report, rows)
            if not report.problems:
                _apply(session, report, rows, session.info["user"])
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    """Leaves the import transaction without committing."""
