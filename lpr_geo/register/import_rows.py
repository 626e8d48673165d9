"""Checking the rows of a member file: columns, regions, networks, statuses, dates and contacts.

Every problem is recorded with row, field (the file's own header) and a German reason; nothing here
touches the register. Contacts and dates follow the same rules as the editor
(:mod:`lpr_geo.register.validation`), so whatever the import accepts can be saved again unchanged in the
editor. Values echoed in a message are shortened (:func:`~lpr_geo.register.errors.quoted`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lpr_geo import vocabulary
from lpr_geo.status import Status

from .columns import HEADERS, field_of
from .errors import quoted
from .import_report import ImportReport, Problem
from .regions import (
    LEVEL_LABELS,
    NameMatch,
    Region,
    Regions,
    describe,
    level_of_key,
    normalise_name,
    parse_level,
)
from .tabular import Cell
from .validation import contact_problems, status_date_problem, text_problem

#: Contact fields of a member file and the validator's names for them.
CONTACT_FIELDS = {
    "contact": "name",
    "role": "role",
    "organisation": "organisation",
    "email": "email",
    "phone": "phone",
}
#: After this many problems the rest of a file is not checked: it is the wrong file or has the wrong
#: columns, and looking up 100,000 unknown names would take minutes.
MAX_PROBLEMS = 500


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A checked data row: what it says about a region in a network (status, contact person)."""

    number: int
    region: Region
    network: str
    status: Status | None
    since: dt.date | None
    note: str
    contact: dict[str, str]  # by member-file field: contact (the name), role, organisation, email, phone


def parse_date(value: Cell) -> dt.date:
    """Parse a status date from a cell: a date value, ``TT.MM.JJJJ`` or ``JJJJ-MM-TT``.

    Whether the date is plausible (:func:`~lpr_geo.register.validation.status_date_problem`) is checked
    separately, with the row's network.

    Raises
    ------
    ValueError
        With a German message if the text is no valid date or the date is impossible.
    """
    try:
        return vocabulary.parse_date(value)  # the one parser of dates as people write them
    except ValueError:
        text = str(value).strip()
        raise ValueError(f"ungültiges Datum {quoted(text)} (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)") from None


class RowChecker:
    """Checks rows of one file against the boundaries and the register's networks."""

    def __init__(
        self,
        report: ImportReport,
        headers: dict[str, str],
        index: Regions,
        networks: dict[str, dt.date | None],
        default_network: str,
    ):
        self.report = report
        self.headers = headers
        self.index = index
        self.networks = networks
        self.default_network = default_network
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
        """The Kreis a Kreis cell names (key or name), or None with a problem recorded."""
        if text.isdigit():
            region = self.index.get("kreis", text)
            if region is None:
                self.problem(n, "kreis", f"unbekannter Kreisschlüssel {quoted(text)}")
            return region
        found = self.match("kreis", text)
        if found.region is None:
            self.problem(n, "kreis", found.problem)
        elif found.note:
            self.report.notes.append(Problem(n, self.headers.get("kreis", "Kreis"), found.note))
        return found.region

    def region(self, n: int, cells: dict[str, Cell]) -> Region | None:
        """The region a row's cells name (key, or name with level and Kreis), or None with a problem."""
        level = None
        if cells.get("level"):
            level = parse_level(str(cells["level"]))
            if level is None:
                self.problem(
                    n, "level", f"unbekannte Ebene {quoted(cells['level'])}; erlaubt: Kreis, Amt, Gemeinde"
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
                n, "key", f"{quoted(key)} ist kein Schlüssel (5 Ziffern Kreis, 9 Ziffern Amt, 8 Ziffern AGS)"
            )
            return None
        if level is not None and level != key_level:
            self.problem(n, "level", f"Ebene {LEVEL_LABELS[level]} passt nicht zum Schlüssel {quoted(key)}")
            return None
        region = self.index.get(key_level, key)
        if region is None:
            self.problem(n, "key", f"unbekannter Schlüssel {quoted(key)} ({LEVEL_LABELS[key_level]})")
            return None
        if kreis is not None and kreis.key != region.kreis_key:
            self.problem(n, "kreis", f"{describe(region)} liegt nicht im Kreis {kreis.name}")
            return None
        name = str(cells.get("name") or cells.get(key_level) or "")
        if key_level == "kreis" and not cells.get("name"):
            name = ""  # the Kreis column was already checked against the key
        if name and normalise_name(name) != normalise_name(region.name):
            self.problem(n, "name", f"{quoted(name)} passt nicht zum Schlüssel {key} ({region.name})")
            return None
        return region

    def row(self, n: int, cells: dict[str, Cell]) -> ImportRow | None:
        """Check one data row (cells by field); the checked row, or None if it has a problem."""
        before = len(self.report.problems)
        region = self.region(n, cells)
        network = str(cells.get("network") or self.default_network)
        if network not in self.networks:
            known = ", ".join(f"»{x}«" for x in sorted(self.networks))
            self.problem(n, "network", f"unbekanntes Netzwerk {quoted(network)}; vorhanden: {known}")
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
            else:
                if problem := status_date_problem(since, network, self.networks.get(network)):
                    self.problem(n, "since", problem)
        elif cells.get("status"):
            self.problem(n, "since", "Datum fehlt (ab wann gilt der Status?)")
        if not cells.get("status") and (cells.get("since") or cells.get("note")):
            self.problem(n, "status", "Status fehlt (Seit/Bemerkung ohne Status)")
        note = str(cells.get("note") or "")
        if problem := text_problem(note):
            self.problem(n, "note", problem)
        contact = {f: str(cells.get(f) or "") for f in CONTACT_FIELDS}
        if any(contact.values()):
            columns = {name: f for f, name in CONTACT_FIELDS.items()}
            values = {name: contact[f] for f, name in CONTACT_FIELDS.items()}
            for name, problem in contact_problems(values):
                self.problem(n, columns[name], problem)
        elif not cells.get("status"):
            self.problem(n, "status", "weder Status noch Ansprechpartner angegeben")
        if len(self.report.problems) > before or region is None:
            return None
        return ImportRow(n, region, network, status, since, note, contact)


def check_columns(report: ImportReport, header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Field per column position and header text per field; unknown and doubled columns are reported."""
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, text in enumerate(header):
        if not text:
            continue
        field_id = field_of(text)
        if field_id is None:
            report.notes.append(Problem(1, text, "unbekannte Spalte, wird nicht gelesen"))
        elif field_id in seen:
            report.problems.append(Problem(1, text, f"doppelte Spalte (wie {quoted(seen[field_id])})"))
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


def check_duplicates(checker: RowChecker, rows: list[ImportRow]) -> None:
    """Rows that say different things about the same status event or the same person are problems."""
    events: dict[tuple[str, str, str, dt.date], ImportRow] = {}
    people: dict[tuple[str, str, str], dict[str, ImportRow]] = {}
    for row in rows:
        if row.status is not None and row.since is not None:
            ident = (row.region.level, row.region.key, row.network, row.since)
            first = events.setdefault(ident, row)
            if (first.status, first.note) != (row.status, row.note):
                checker.problem(
                    row.number, "status", f"widerspricht Zeile {first.number} (gleiche Region, gleicher Tag)"
                )
        if row.contact["contact"]:
            said = people.setdefault((row.region.level, row.region.key, row.contact["contact"]), {})
            for field_id in ("role", "organisation", "email", "phone"):
                if not row.contact[field_id]:
                    continue  # a blank cell contradicts nothing
                first = said.setdefault(field_id, row)
                if first.contact[field_id] != row.contact[field_id]:
                    checker.problem(
                        row.number,
                        field_id,
                        f"widerspricht Zeile {first.number} "
                        f"(gleiche Person, {quoted(first.contact[field_id])})",
                    )
