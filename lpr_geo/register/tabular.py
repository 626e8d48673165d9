"""Reading and writing member tables as offices produce them (CSV and XLSX).

CSV: UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252; ``;``, ``,`` or tab as separator.
XLSX: the first worksheet. Cells a spreadsheet would run as a formula are neutralised on writing with a
leading apostrophe, and exactly that neutralisation is removed again on reading.

Reading is guarded against hostile files: a file over the size limit is refused before it is read, an
XLSX file may unpack to at most :data:`XLSX_EXPANSION` times that limit (zip bombs) and hold at most one
cell per byte of the limit (sheets that claim millions of empty cells). Every failure is a
:class:`RegisterError` with a German message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

from lpr_geo.settings import DEFAULT_IMPORT_MAX_MB

from .errors import FileTooLarge, RegisterError

#: First characters that make a spreadsheet treat a cell as a formula (or split it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUFFIXES = (".csv", ".xlsx")
#: An XLSX file may unpack to this many times the size limit (its XML compresses about 5 to 10 times).
XLSX_EXPANSION = 20
MB = 1024 * 1024

Cell = str | dt.date
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls files and password-protected .xlsx files start so
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


def _megabytes(size: float, digits: int = 1) -> str:
    """``52428800`` -> ``50,0`` (German decimal comma)."""
    return f"{size / MB:.{digits}f}".replace(".", ",")


def _limit_text(max_mb: float) -> str:
    """``10.0`` -> ``10``, ``0.5`` -> ``0,5``."""
    return f"{max_mb:.3f}".rstrip("0").rstrip(".").replace(".", ",")


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
    # does, and protect literal "_xHHHH_" text the same way; _xlsx_unescape on reading reverses both.
    value = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), value).replace("\r", "_x000D_")
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


def _xlsx_unescape(value: str) -> str:
    # Excel's _xHHHH_ escapes; a lone surrogate is no character, so such an escape stays as written
    def sub(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _OOXML_ESCAPE.sub(sub, value) if "_x" in value else value


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        # the byte order mark names the encoding: text that does not follow it is a damaged file
        utf8 = data.startswith(b"\xef\xbb\xbf")
        encoding = "UTF-8 mit BOM" if utf8 else "UTF-16"
        try:
            text = data[3:].decode("utf-8") if utf8 else data.decode("utf-16")
        except UnicodeDecodeError as error:
            position = error.start + (4 if utf8 else 1)
            raise RegisterError(
                f"{name}: beginnt mit der Kennung für {encoding.split()[0]}, enthält aber ab Byte {position} "
                "keinen gültigen Text (beschädigt oder keine Textdatei)"
            ) from error
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "ISO-8859-1"
    if "\x00" in text:
        raise RegisterError(
            f"{name}: keine Textdatei (enthält Binärdaten); erwartet wird eine CSV-Datei "
            "oder eine XLSX-Datei mit der Endung .xlsx"
        )
    return text, encoding


def _read_csv(path: Path, max_bytes: int, max_mb: float) -> Table:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # never more, even if the file grew since it was measured
    except OSError as error:
        raise RegisterError(f"{path.name}: Datei nicht lesbar ({_os_reason(error)})") from error
    if len(data) > max_bytes:  # it grew since it was measured
        raise FileTooLarge(
            f"{path.name}: Datei zu groß; höchstens {_limit_text(max_mb)} MB erlaubt", len(data), max_bytes
        )
    text, encoding = _decode(path.name, data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:  # with the default dialect only a field over the size limit
        limit = f"{csv.field_size_limit():,}".replace(",", ".")
        raise RegisterError(
            f"{path.name}, Zeile {reader.line_num}: nicht lesbar (ein Feld ist länger als {limit} Zeichen)"
        ) from error
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


def _os_reason(error: OSError) -> str:
    return "keine Leseberechtigung" if isinstance(error, PermissionError) else "Lesefehler"


def _check_zip(path: Path, max_bytes: int, max_mb: float) -> None:
    """Refuse files that are no ZIP archive or would unpack to more than the expansion limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as error:  # BadZipFile, OSError, ValueError, EOFError, ... for damaged files
        with path.open("rb") as handle:
            ole2 = handle.read(8) == _OLE2
        reason = (
            "eine alte Excel-Datei (.xls) oder verschlüsselt; bitte als .xlsx ohne Kennwort speichern"
            if ole2
            else "kein gültiges ZIP-Archiv: beschädigt oder eine andere Art von Datei"
        )
        raise RegisterError(f"{path.name}: keine lesbare XLSX-Datei ({reason})") from error
    limit = max_bytes * XLSX_EXPANSION
    if unpacked > limit:
        raise FileTooLarge(
            f"{path.name}: XLSX-Datei entpackt zu groß: {_megabytes(unpacked)} MB; höchstens "
            f"{_limit_text(max_mb * XLSX_EXPANSION)} MB erlaubt",
            unpacked,
            limit,
        )


def _xlsx_records(path: Path, sheet, max_cells: int) -> list[list]:
    # Dimensions stored in the file may be wrong: too small (rows would be silently cut off) or huge
    # (millions of empty cells would be made up). Read the rows that are really there.
    sheet.reset_dimensions()
    records: list[list] = []
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if cells > max_cells:
            count = f"{max_cells:,}".replace(",", ".")
            raise RegisterError(
                f"{path.name}: Tabelle zu groß: mehr als {count} Zellen im Tabellenblatt »{sheet.title}«"
            )
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        records.append([_xlsx_unescape(c) if isinstance(c, str) else c for c in values])
    return records


def _read_xlsx(path: Path, max_bytes: int, max_mb: float) -> Table:
    _check_zip(path, max_bytes, max_mb)
    unreadable = f"{path.name}: keine lesbare XLSX-Datei"
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise RegisterError(f"{unreadable} (beschädigt oder kein Excel-Format)") from error
    try:
        if not workbook.worksheets:
            raise RegisterError(f"{path.name}: die Arbeitsmappe enthält kein Tabellenblatt")
        sheet = workbook.worksheets[0]
        title = str(sheet.title)
        records = _xlsx_records(path, sheet, max_cells=max_bytes)
    except RegisterError:
        raise
    except Exception as error:  # damaged XML, impossible values, missing parts
        raise RegisterError(f"{unreadable} (Tabellenblatt beschädigt)") from error
    finally:
        workbook.close()
    table = Table(header=[], rows=[], notes=[f"gelesen als XLSX, Tabellenblatt »{title}«"])
    if records:
        table.header = [str(_clean(c)) for c in records[0]]
        table.rows = [
            (number, [_clean(c) for c in record]) for number, record in enumerate(records[1:], start=2)
        ]
    return table


def read_table(path: Path, *, max_mb: float = DEFAULT_IMPORT_MAX_MB) -> Table:
    """Read a CSV or XLSX member file (by suffix); blank rows are dropped.

    Parameters
    ----------
    path : Path
        The file.
    max_mb : float
        Size limit in MB (MiB). A bigger file is refused before it is read; an XLSX file may unpack to
        at most :data:`XLSX_EXPANSION` times as much and hold at most one cell per byte of the limit.

    Returns
    -------
    Table
        Header, data rows numbered as a spreadsheet shows them (header = row 1) and notes on how the
        file was read.

    Raises
    ------
    FileTooLarge
        If the file (or an XLSX file unpacked) is over the limit.
    RegisterError
        If the suffix is neither .csv nor .xlsx, the file is empty or cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterError(f"{path.name}: unbekanntes Dateiformat »{path.suffix}«; erwartet .csv oder .xlsx")
    if not path.is_file():
        raise RegisterError(f"{path}: Datei nicht gefunden")
    max_bytes = int(max_mb * MB)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise RegisterError(f"{path.name}: Datei nicht lesbar ({_os_reason(error)})") from error
    if size > max_bytes:
        raise FileTooLarge(
            f"{path.name}: Datei zu groß: {_megabytes(size)} MB; höchstens {_limit_text(max_mb)} MB erlaubt",
            size,
            max_bytes,
        )
    if size == 0:
        raise RegisterError(f"{path.name}: die Datei ist leer (0 Byte)")
    if suffix == ".csv":
        table = _read_csv(path, max_bytes, max_mb)
    else:
        table = _read_xlsx(path, max_bytes, max_mb)
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
