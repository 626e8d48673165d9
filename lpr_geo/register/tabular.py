"""Reading and writing member tables as offices produce them (CSV and XLSX).

CSV: UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252; ``;``, ``,`` or tab as separator.
XLSX: the first worksheet. Cells a spreadsheet would run as a formula are neutralised on writing with a
leading apostrophe, and exactly that neutralisation is removed again on reading.

Reading is guarded against hostile files (:mod:`lpr_geo.spreadsheets`): a file over the size limit is
refused before it is read, an XLSX file may unpack to at most 20 times that limit (zip bombs), and both
readers count data rows and cells (empty ones too) as they stream and stop at the first one over the
limits, before anything grows with the file. Every failure is a :class:`RegisterError` with a German
message.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from lpr_geo.spreadsheets import CsvFile, ReadLimits, SpreadsheetError, TooMuchData, XlsxFile
from lpr_geo.spreadsheets.csv_file import os_reason

from .errors import FileTooLarge, RegisterError

#: First characters that make a spreadsheet treat a cell as a formula (or split it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUFFIXES = (".csv", ".xlsx")

Cell = str | dt.date
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Characters XML 1.0 cannot hold (besides tab, LF and CR): written as _xHHHH_ like Excel does.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    # XML cannot hold control characters and turns a raw CR into LF: write them as _xHHHH_ like Excel
    # does, and protect literal "_xHHHH_" text the same way; the XLSX reader's unescape reverses both.
    value = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), value).replace("\r", "_x000D_")
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


@dataclass
class TableStream:
    """An open member file: header cells, notes on how it is read, and its data rows as a stream.

    ``rows`` yields (row number as a spreadsheet shows it, cleaned cells) for every non-blank row under
    the header, counting rows and cells against the limits as it goes.
    """

    header: list[str]
    notes: list[str]
    rows: Iterator[tuple[int, list[Cell]]]


def _checked_path(path: Path, limits: ReadLimits) -> Path:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterError(f"{path.name}: unbekanntes Dateiformat »{path.suffix}«; erwartet .csv oder .xlsx")
    if not path.is_file():
        raise RegisterError(f"{path}: Datei nicht gefunden")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise RegisterError(f"{path.name}: Datei nicht lesbar ({os_reason(error)})") from error
    if size > limits.max_bytes:
        raise limits.too_big(path.name, size)
    if size == 0:
        raise RegisterError(f"{path.name}: die Datei ist leer (0 Byte)")
    return path


def _data_rows(raw: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, values in raw:
        cells = [_clean(c) for c in values]
        if any(c != "" for c in cells):
            yield number, cells


@contextmanager
def open_table(path: Path, limits: ReadLimits | None = None) -> Iterator[TableStream]:
    """Open a CSV or XLSX member file (by suffix) for streaming its rows; blank rows are left out.

    Parameters
    ----------
    path : Path
        The file.
    limits : ReadLimits, optional
        Size, data-row and cell limits (default: lpr_geo's defaults). A file over the size limit is
        refused before it is read; rows and cells are counted while the rows are read.

    Yields
    ------
    TableStream
        Header, notes and data rows numbered as a spreadsheet shows them (header = row 1).

    Raises
    ------
    FileTooLarge
        If the file is over a limit (size, unpacked size, data rows or cells), also while rows are read.
    RegisterError
        If the suffix is neither .csv nor .xlsx, the file is empty or cannot be read.
    """
    path = Path(path)
    limits = limits or ReadLimits()
    book = None
    try:
        _checked_path(path, limits)
        if path.suffix.lower() == ".csv":
            source = CsvFile(path, limits)
            raw, note = source.rows(), source.description
        else:
            book = XlsxFile(path, limits)
            if not book.sheets:
                raise RegisterError(f"{path.name}: die Arbeitsmappe enthält kein Tabellenblatt")
            raw, note = book.rows(0), f"gelesen als XLSX, Tabellenblatt »{book.sheet_names[0]}«"
        first = next(raw, None)
        header: list[str] = []
        if first is not None and first[0] == 1:
            header = [str(_clean(c)) for c in first[1]]
        elif first is not None:  # no header row: the first row the file has is data
            raw = itertools.chain([first], raw)
        yield TableStream(header, [note], _data_rows(raw))
    except TooMuchData as error:
        raise FileTooLarge(str(error), error.amount, error.limit, error.setting) from error
    except SpreadsheetError as error:
        raise RegisterError(str(error)) from error
    finally:
        if book is not None:
            book.close()


def read_table(path: Path, limits: ReadLimits | None = None) -> Table:
    """Read a whole CSV or XLSX member file (see :func:`open_table`); blank rows are dropped.

    Returns
    -------
    Table
        Header, data rows numbered as a spreadsheet shows them (header = row 1) and notes on how the
        file was read.
    """
    with open_table(path, limits) as table:
        return Table(table.header, list(table.rows), table.notes)


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
