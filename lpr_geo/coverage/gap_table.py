"""The gap list as users read it: one set of columns and German headers for every place it appears.

``lpr-geo gaps`` (text and ``--csv``), the dashboard's grid and its CSV/XLSX downloads all take their
columns from :data:`GAP_TABLE` and their rows from :func:`gap_table`, so a header or a number format
is the same everywhere. File formats:

- **CSV**: UTF-8 with BOM (Excel recognises the umlauts), ``;`` as separator, German headers, numbers
  with a decimal comma and no thousands separator (so that a German Excel or LibreOffice reads them as
  numbers: ``72,4``, ``57873``), dates as ``TT.MM.JJJJ``; a text cell that a spreadsheet would take for
  a formula is prefixed with ``'``.
- **XLSX**: the same columns and headers; numbers and dates as real cells (shown ``0,0`` and
  ``TT.MM.JJJJ`` in a German Excel), text neutralised likewise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook

from lpr_geo.register.tabular import neutralise
from lpr_geo.status import Status
from lpr_geo.vocabulary import MISSING, date, number

from .priority import GROUP_DECLINED, GROUP_DEFERRED, GROUP_LABELS, GROUP_OPEN, PARTS

TEXT, INTEGER, DECIMAL, DATE = "text", "integer", "decimal", "date"


@dataclass(frozen=True)
class Column:
    """One column of the gap list.

    Parameters
    ----------
    field : str
        Name in the frame of :func:`gap_table` (and the grid's field).
    header : str
        German header, in full.
    kind : {"text", "integer", "decimal", "date"}
        How values are written (decimal: one decimal place).
    """

    field: str
    header: str
    kind: str = TEXT


#: The columns, in order: position and name, the priority with its parts, the reason, then the facts.
GAP_TABLE: tuple[Column, ...] = (
    Column("rank", "Rang", INTEGER),
    Column("name", "Name"),
    Column("priority", "Priorität", DECIMAL),
    *(Column(name, f"Punkte {label}", DECIMAL) for name, label in PARTS.items()),
    Column("reason", "Begründung"),
    Column("key", "Schlüssel"),
    Column("bez", "Art"),
    Column("kreis_name", "Kreis"),
    Column("population", "Einwohner", INTEGER),
    Column("neighbour_members", "Nachbarn im Netzwerk", INTEGER),
    Column("distance_km", "Nächstes Mitglied (km)", DECIMAL),
    Column("kreis_covered_pct", "Gemeinden des Kreises im Netzwerk (%)", DECIMAL),
    Column("area_km2", "Fläche (km²)", DECIMAL),
    Column("status_label", "Status"),
    Column("last_contact", "Letzter Kontakt", DATE),
    Column("last_kind", "Art des letzten Kontakts"),
    Column("group_label", "Einordnung"),
    Column("approach_from", "Ansprechen ab", DATE),
)
HEADERS: dict[str, str] = {column.field: column.header for column in GAP_TABLE}


def _dates(values: pd.Series) -> list[dt.date | None]:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]


def gap_table(gaps: pd.DataFrame, *, with_declined: bool = False) -> pd.DataFrame:
    """The rows of the gap list, columns :data:`GAP_TABLE` (fields), values ready to write.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Result of :func:`lpr_geo.coverage.find_gaps` (possibly filtered, e.g. to one Kreis).
    with_declined : bool
        Also list the regions that declined or left and may not be asked again yet (group
        "Kein Interesse oder ausgetreten"); they are left out by default.

    Returns
    -------
    pandas.DataFrame
        In the order of ``gaps``: numbers as numbers (missing: NA), dates as :class:`datetime.date`
        (missing: None), status and group as German labels.
    """
    rows = gaps if with_declined else gaps[gaps["group"] != GROUP_DECLINED]
    frame = rows.assign(
        status_label=[Status(s).label for s in rows["effective_status"]],
        group_label=[GROUP_LABELS[g] for g in rows["group"]],
        last_contact=_dates(rows["last_contact"]),
        approach_from=_dates(rows["approach_from"]),
        last_kind=rows["last_kind"].where(rows["last_kind"].notna(), None),
        area_km2=rows["area_km2"].round(1),
    )
    return frame.loc[:, list(HEADERS)].reset_index(drop=True)


def _cell_text(value: object, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == INTEGER:
        return str(int(value))
    if kind == DECIMAL:
        return f"{float(value):.1f}".replace(".", ",")
    if kind == DATE:
        return date(value)
    return neutralise(str(value))


def gap_csv(table: pd.DataFrame) -> bytes:
    """The rows of :func:`gap_table` as a CSV file (see the module docstring for the format)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in GAP_TABLE])
    columns = [(table[c.field].tolist(), c.kind) for c in GAP_TABLE]
    for i in range(len(table)):
        writer.writerow([_cell_text(values[i], kind) for values, kind in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _cell_value(value: object, kind: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == INTEGER:
        return int(value)
    if kind == DECIMAL:
        return float(value)
    if kind == DATE:
        return value
    return neutralise(str(value))


_NUMBER_FORMATS = {INTEGER: "0", DECIMAL: "0.0", DATE: "DD.MM.YYYY"}


def gap_xlsx(table: pd.DataFrame, title: str = "Noch nicht im Netzwerk") -> bytes:
    """The rows of :func:`gap_table` as an XLSX workbook (one sheet named ``title``)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for sheet names
    sheet.append([column.header for column in GAP_TABLE])
    columns = [(table[c.field].tolist(), c.kind) for c in GAP_TABLE]
    for i in range(len(table)):
        sheet.append([_cell_value(values[i], kind) for values, kind in columns])
    for index, column in enumerate(GAP_TABLE, start=1):
        number_format = _NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def gap_text(table: pd.DataFrame, limit: int) -> list[str]:
    """The list as lines of text, group by group, at most ``limit`` rows per group.

    Each region takes two lines: rank, name, Kreis and the priority with its parts, then its reason and
    last contact.
    """
    lines: list[str] = []
    groups = table["group_label"].to_numpy(dtype=object)
    for group in (GROUP_OPEN, GROUP_DEFERRED, GROUP_DECLINED):
        rows = table[groups == GROUP_LABELS[group]]
        if rows.empty:
            continue
        lines.append(f"{GROUP_LABELS[group]} ({number(len(rows))}):")
        for row in rows.head(limit).to_dict("records"):
            parts = " + ".join(f"{PARTS[name]} {number(row[name], 1)}" for name in PARTS)
            contact = MISSING
            if row["last_contact"] is not None:
                contact = f"{date(row['last_contact'])} ({row['last_kind']})"
            kreis = "" if row["kreis_name"] in (None, row["name"]) else f" ({row['kreis_name']})"
            lines.append(
                f"{row['rank']:>4}. {row['name']}{kreis} – {HEADERS['priority']} "
                f"{number(row['priority'], 1)} = {parts}"
            )
            lines.append(f"      {row['reason']}; letzter Kontakt {contact}")
        if len(rows) > limit:
            lines.append(f"      … {number(len(rows) - limit)} weitere")
    return lines


def grid_values(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`gap_table` rows for a browser grid: dates as ISO text (sortable), the rest unchanged."""
    return table.assign(
        **{
            c.field: [None if d is None else d.isoformat() for d in table[c.field]]
            for c in GAP_TABLE
            if c.kind == DATE
        }
    )
