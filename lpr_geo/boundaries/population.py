"""Gemeinde population from Destatis' GV-ISys extract (``Auszug_GV.xlsx``) in its published layout.

The data sheet ("Onlineprodukt_Gemeinden") starts with title rows (the title names the reference date,
"... am 31.12.2023"), then two header rows (merged group headings such as "Amtlicher Regionalschlüssel"
and "Bevölkerung" above Land, RB, Kreis, VB, Gem and insgesamt, männlich, weiblich), a row of column
numbers, then one row per unit. ``Satzart`` 60 rows are Gemeinden, 40 rows Kreise; AGS = Land + RB +
Kreis + Gem. Columns are found by their headings, not by position, so added columns do not matter.
The workbook is read as a stream within the import limits (:mod:`lpr_geo.spreadsheets`): the real
extract (all of Germany, about 16,000 rows) fits them many times over; a file that merely claims to be
one cannot cost more than they allow.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pandas as pd

from lpr_geo.spreadsheets import ReadLimits, SpreadsheetError, XlsxFile

from .build import Dataset

#: Heading (normalised) -> role, for the key parts and the name.
_KEY_PARTS = {"land": 2, "rb": 1, "kreis": 2, "vb": 4, "gem": 3}
_HEADER_SCAN_ROWS = 20
_LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"


class PopulationError(ValueError):
    """The file cannot be used; the message names the file (and row, field) and says why (German)."""


@dataclass
class PopulationTable:
    """Population of one Land's Gemeinden (and Kreise) from a GV-ISys extract."""

    source: Path
    reference_date: dt.date
    gemeinden: pd.DataFrame  # key, name, population
    kreise: pd.DataFrame  # key, name, population
    problems: list[str] = field(default_factory=list)


def _norm(value: object) -> str:
    return re.sub(r"[\s\-\u00ad]", "", str(value if value is not None else "")).casefold()


def _find_header(rows: list[tuple[int, list]]) -> int | None:
    """Position (in ``rows``) of the header row: the one with a "Satzart" heading."""
    for position, (_, row) in enumerate(rows):
        if any(_norm(cell) == "satzart" for cell in row):
            return position
    return None


def _data_sheet(book: XlsxFile) -> int | None:
    """Index of the first worksheet whose first rows hold the GV-ISys header."""
    for index in range(len(book.sheets)):
        with closing(book.rows(index)) as rows:
            head = [(n, row) for n, row in islice(rows, _HEADER_SCAN_ROWS) if n <= _HEADER_SCAN_ROWS]
        if _find_header(head) is not None:
            return index
    return None


def _columns(rows: list[tuple], label: str) -> dict[str, int]:
    """Column index per role from the header rows (group headings carried to the right over merges)."""
    width = max(len(r) for r in rows)
    labels = [""] * width
    for row in rows:
        carried = ""
        for i in range(width):
            cell = _norm(row[i] if i < len(row) else None)
            carried = cell or (carried if row is rows[0] else "")
            labels[i] += "|" + carried
    columns: dict[str, int] = {}
    for i, text in enumerate(labels):
        parts = [p for p in text.split("|") if p]
        last = parts[-1] if parts else ""
        if "satzart" in parts and "satzart" not in columns:
            columns["satzart"] = i
        elif last in _KEY_PARTS and last not in columns:
            columns[last] = i
        elif any(p.startswith("gemeindename") for p in parts) and "name" not in columns:
            columns["name"] = i
        elif (
            last == "insgesamt"
            and any(p.startswith("bevölkerung") for p in parts)
            and "population" not in columns
        ):
            columns["population"] = i
    missing = [role for role in ("satzart", *_KEY_PARTS, "name", "population") if role not in columns]
    if missing:
        shown = {"population": "Bevölkerung insgesamt", "name": "Gemeindename", "satzart": "Satzart"}
        raise PopulationError(
            f"{label}: Spalten nicht gefunden: {', '.join(shown.get(m, m.upper()) for m in missing)}"
        )
    return columns


def _part(value: object, width: int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().zfill(width) if value is not None else ""


def _cell(row: tuple, index: int) -> object:
    return row[index] if index < len(row) else None


def _numbers_only(row: tuple) -> bool:
    """The row of column numbers (1, 2, 3 ...) under the headings, or an empty row."""
    return all(isinstance(c, int | float) or c is None for c in row)


def _date_in(rows: list[tuple]) -> dt.date | None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and (match := re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", cell)):
                day, month, year = (int(g) for g in match.groups())
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    continue
    return None


def read_gv_isys(
    path: Path, land: str = "12", reference_date: dt.date | None = None, limits: ReadLimits | None = None
) -> PopulationTable:
    """Read the Gemeinde and Kreis population of one Land from ``Auszug_GV.xlsx``.

    Parameters
    ----------
    path : Path
        The GV-ISys extract as published by Destatis (xlsx).
    land : str
        Two-digit Land key; rows of other Länder are ignored.
    reference_date : datetime.date, optional
        Reference date; read from the sheet title ("... am 31.12.2023") if omitted.
    limits : ReadLimits, optional
        Size, data-row and cell limits (:meth:`ReadLimits.from_settings`); lpr_geo's defaults if omitted.

    Returns
    -------
    PopulationTable

    Raises
    ------
    PopulationError
        If the file is no readable xlsx or over the limits, has no data sheet in the GV-ISys layout, no
        reference date, no row of the Land, or a Gemeinde row of the Land without a valid population
        figure.
    """
    path = Path(path)
    limits = limits or ReadLimits()
    try:
        if path.stat().st_size > limits.max_bytes:
            raise limits.too_big(path.name, path.stat().st_size)
        with XlsxFile(path, limits) as book:
            index = _data_sheet(book)
            if index is None:
                raise PopulationError(
                    f"{path.name}: kein Tabellenblatt im Aufbau des GV-ISys-Auszugs (Spalte »Satzart« fehlt)"
                )
            title = book.sheet_names[index]
            rows = list(book.rows(index))  # (row number, cells); bounded by the limits
    except OSError as error:
        raise PopulationError(f"{path.name}: keine lesbare Excel-Datei (xlsx) ({error.strerror})") from error
    except SpreadsheetError as error:
        raise PopulationError(str(error)) from error
    label = f"{path.name}, Blatt »{title}«"
    header = _find_header(rows)
    kind_column = next(i for i, cell in enumerate(rows[header][1]) if _norm(cell) == "satzart")
    first_data = next(
        (
            i
            for i in range(header + 1, len(rows))
            if not _numbers_only(rows[i][1])
            and re.fullmatch(r"\d{2}", _part(_cell(rows[i][1], kind_column), 2))
        ),
        len(rows),
    )
    headings = [row for _, row in rows[header:first_data] if not _numbers_only(row)]
    columns = _columns(headings, label)
    reference_date = reference_date or _date_in([row for _, row in rows[:header]])
    if reference_date is None:
        raise PopulationError(
            f"{label}: Stichtag nicht im Titel gefunden; bitte mit --stand JJJJ-MM-TT angeben"
        )

    gemeinden, kreise, problems = [], [], []
    for number, row in rows[first_data:]:
        cell = {role: _cell(row, i) for role, i in columns.items()}
        kind = _part(cell["satzart"], 2)
        if kind not in ("40", "60") or _part(cell["land"], 2) != land:
            continue
        parts = {role: _part(cell[role], width) for role, width in _KEY_PARTS.items()}
        key = parts["land"] + parts["rb"] + parts["kreis"] + (parts["gem"] if kind == "60" else "")
        value = cell["population"]
        if isinstance(value, str) and re.fullmatch(r"[\d .]+", value.strip()):
            value = int(re.sub(r"[ .]", "", value))
        if not isinstance(value, int | float) or value != value or value < 0:
            problems.append(
                f"{label}, Zeile {number}, Feld »Bevölkerung insgesamt«: keine gültige Zahl ({value!r})"
            )
            continue
        target = gemeinden if kind == "60" else kreise
        target.append({"key": key, "name": str(cell["name"]).strip(), "population": int(value)})
    if problems:
        raise PopulationError("; ".join(problems))
    if not gemeinden:
        raise PopulationError(f"{label}: keine Gemeinden (Satzart 60) des Landes {land} enthalten")
    frame = pd.DataFrame(gemeinden)
    duplicated = frame.loc[frame["key"].duplicated(), "key"].tolist()
    if duplicated:
        raise PopulationError(f"{label}: Gemeindeschlüssel mehrfach: {', '.join(duplicated)}")
    return PopulationTable(
        path, reference_date, frame, pd.DataFrame(kreise, columns=["key", "name", "population"])
    )


@dataclass
class PopulationReport:
    """What attaching population figures did."""

    attached: int
    kreise: int
    unknown: list[tuple[str, str]]  # (AGS, name) in the file but not in the boundaries
    without_figure: list[tuple[str, str]]  # (AGS, name) in the boundaries but not in the file

    def text(self, table: PopulationTable) -> str:
        """German report."""
        lines = [
            f"{table.source.name} (Stand {table.reference_date:%d.%m.%Y}): Einwohnerzahlen für "
            f"{self.attached} Gemeinden und {self.kreise} Kreise übernommen."
        ]
        if self.unknown:
            lines.append(
                f"{len(self.unknown)} Gemeinden der Datei fehlen im aktiven Gebietsstand (nicht übernommen): "
                + ", ".join(f"»{name}« ({key})" for key, name in self.unknown)
            )
        if self.without_figure:
            lines.append(
                f"{len(self.without_figure)} Gemeinden des Gebietsstands ohne Angabe in der Datei: "
                + ", ".join(f"»{name}« ({key})" for key, name in self.without_figure)
            )
        return "\n".join(lines)


def attach_population(dataset: Dataset, table: PopulationTable) -> tuple[Dataset, PopulationReport]:
    """A copy of ``dataset`` with the table's figures and reference date on Gemeinden (and Kreise).

    Gemeinden are matched by AGS only: a key of the file unknown to the boundaries is reported, never
    matched by name. Gemeinden without a figure keep none (previous figures are not mixed in).

    Parameters
    ----------
    dataset : Dataset
        The active dataset (all level-of-detail columns, as from :func:`read_dataset`).
    table : PopulationTable
        Figures read by :func:`read_gv_isys`.

    Returns
    -------
    (Dataset, PopulationReport)
    """
    date = table.reference_date.isoformat()
    layers = {level: frame.copy() for level, frame in dataset.layers.items()}
    gem = layers["gemeinde"]
    figures = table.gemeinden.set_index("key")["population"]
    known = gem["key"].isin(figures.index)
    gem["population"] = pd.array(gem["key"].map(figures), dtype="Int64")
    gem["population_date"] = pd.array([date if k else None for k in known], dtype="string")
    kreise_updated = 0
    if not table.kreise.empty:
        krs = layers["kreis"]
        kreis_figures = table.kreise.set_index("key")["population"]
        has = krs["key"].isin(kreis_figures.index)
        krs["population"] = pd.array(krs["key"].map(kreis_figures), dtype="Int64")
        krs["population_date"] = pd.array([date if k else None for k in has], dtype="string")
        kreise_updated = int(has.sum())
    unknown = table.gemeinden[~table.gemeinden["key"].isin(gem["key"])]
    report = PopulationReport(
        attached=int(known.sum()),
        kreise=kreise_updated,
        unknown=list(zip(unknown["key"], unknown["name"], strict=True)),
        without_figure=list(zip(gem.loc[~known, "key"], gem.loc[~known, "name"], strict=True)),
    )
    meta = dict(dataset.meta)
    parts = meta["attribution"].split("; ")
    kept = parts[:1] if kreise_updated else [p for p in parts if "GV-ISys" not in p]
    source = f"Statistisches Bundesamt (Destatis), GV-ISys, Stand {table.reference_date:%d.%m.%Y}"
    meta["attribution"] = "; ".join([*kept, f"Einwohner: {source}, {_LICENCE}"])
    meta["population"] = {"date": date, "source": table.source.name, "gemeinden": report.attached}
    return Dataset(layers=layers, meta=meta), report
