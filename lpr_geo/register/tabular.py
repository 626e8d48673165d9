"""Reading and writing member tables as offices produce them (CSV and XLSX).

CSV: UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252; ``;``, ``,`` or tab as separator.
XLSX: the first worksheet. Cells a spreadsheet would run as a formula are neutralised on writing with a
leading apostrophe, and exactly that neutralisation is removed again on reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape

from .errors import RegisterError

#: First characters that make a spreadsheet treat a cell as a formula (or split it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUFFIXES = (".csv", ".xlsx")

Cell = str | dt.date
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


@dataclass
class Table:
    """Rows of a member file: header cells and data rows with their row numbers in the file."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    notes: list[str] = field(default_factory=list)


def neutralise(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate (starts with =, +, -, @, tab or CR).

    Parameters
    ----------
    value : str
        Cell text.

    Returns
    -------
    str
        The text, neutralised if needed.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Remove exactly the prefix :func:`neutralise` adds; any other text is returned unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _clean(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralise(str(value).strip())


def _xlsx_text(value: str) -> str:
    # OOXML cannot hold a raw CR (XML turns it into LF): write it as _x000D_ like Excel does, and
    # protect literal "_xHHHH_" text the same way; openpyxl's unescape on reading reverses both.
    return _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), value).replace("\r", "_x000D_")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 mit BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


def _read_csv(path: Path) -> Table:
    text, encoding = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    shown = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}[delimiter]
    table = Table(
        header=[], rows=[], notes=[f"gelesen als CSV, Zeichensatz {encoding}, Trennzeichen {shown}"]
    )
    if records:
        table.header = [str(_clean(c)) for c in records[0]]
        table.rows = [
            (number, [_clean(c) for c in record]) for number, record in enumerate(records[1:], start=2)
        ]
    return table


def _read_xlsx(path: Path) -> Table:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise RegisterError(f"{path.name}: keine lesbare XLSX-Datei ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        records = [
            [unescape(c) if isinstance(c, str) else c for c in r] for r in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    table = Table(header=[], rows=[], notes=[f"gelesen als XLSX, Tabellenblatt »{sheet.title}«"])
    if records:
        table.header = [str(_clean(c)) for c in records[0]]
        table.rows = [
            (number, [_clean(c) for c in record]) for number, record in enumerate(records[1:], start=2)
        ]
    return table


def read_table(path: Path) -> Table:
    """Read a CSV or XLSX member file (by suffix); blank rows are dropped.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    Table
        Header, data rows numbered as a spreadsheet shows them (header = row 1) and notes on how the
        file was read.

    Raises
    ------
    RegisterError
        If the suffix is neither .csv nor .xlsx or the file cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterError(f"{path.name}: unbekanntes Dateiformat »{path.suffix}«; erwartet .csv oder .xlsx")
    if not path.is_file():
        raise RegisterError(f"{path}: Datei nicht gefunden")
    table = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    table.rows = [(n, cells) for n, cells in table.rows if any(c != "" for c in cells)]
    return table


def write_table(path: Path, header: list[str], rows: list[list[Cell]]) -> None:
    """Write a member file: CSV (UTF-8 with BOM, ``;``, dates TT.MM.JJJJ) or XLSX, by suffix.

    Text cells are passed through :func:`neutralise`.

    Parameters
    ----------
    path : Path
        Target file; its suffix chooses the format.
    header : list of str
        Column names.
    rows : list of list
        Cells: text or dates.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterError(f"{path.name}: unbekanntes Dateiformat »{path.suffix}«; erwartet .csv oder .xlsx")
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    [c.strftime("%d.%m.%Y") if isinstance(c, dt.date) else neutralise(c) for c in row]
                )
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mitglieder"
    sheet.append(header)
    for row in rows:
        sheet.append([c if isinstance(c, dt.date) else _xlsx_text(neutralise(c)) for c in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    workbook.save(path)
