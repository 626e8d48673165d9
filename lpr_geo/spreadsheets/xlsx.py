"""XLSX workbooks read as a stream of rows, counting as they go, within :class:`ReadLimits`.

openpyxl parses a whole ``<row>`` element (with everything inside it) before it hands out a single value,
about 6 µs per cell, empty or not: a 95 KB file of ten million empty cells took over a minute, and junk
elements inside one row took gigabytes, before any limit could look at them. Here each XML part that
grows with the data (shared strings, the worksheet) is first counted at the speed of ``bytes.count``
(tags, and cell start tags: :class:`_Precount`), then parsed with expat's push parser in chunks, keeping
only values. Every row's width, empty cells up to its last one included, counts towards the cell limit
and every non-blank row after the first towards the row limit, so reading stops at the first one over,
and nothing grows with the file beyond that. openpyxl still reads the small structural parts (content
types, workbook, styles; each at most :data:`STRUCTURE_MAX_BYTES`) and converts serial dates, so values
come out as with ``load_workbook(..., read_only=True, data_only=True)``.

No ``<dimension>`` tag is trusted: rows are numbered by their own ``r`` attributes (or in order), and a
row that goes backwards means a damaged file, not silently lost data.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.parsers import expat

from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

from lpr_geo.vocabulary import number

from .limits import Budget, ReadLimits, SpreadsheetError, TooMuchData, limit_text, megabytes

#: An XLSX file may unpack to this many times the size limit (its XML compresses about 5 to 10 times).
XLSX_EXPANSION = 20
#: Tags (``<`` of start and end tags) allowed per cell of the cell limit, worksheets read and shared
#: strings together: a cell takes four (``<c><v>1</v></c>``) or six (an inline string), a shared string
#: four, rich text a few more.
TAGS_PER_CELL = 10
#: Largest structural part (content types, workbook, relationships, styles) parsed as a whole.
STRUCTURE_MAX_BYTES = 2 * 1024 * 1024
_CHUNK = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls files and password-protected .xlsx files start so
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIGITS = "0123456789"
#: Unprefixed names need no splitting (a dictionary look-up is the fast path of every element).
_LOCAL = {name: name for name in ("c", "row", "v", "is", "t", "r", "rPh", "si", "f")}


def unescape(value: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes; a lone surrogate is no character, so it stays as written."""

    def sub(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _OOXML_ESCAPE.sub(sub, value) if "_x" in value else value


class _Damaged(Exception):
    """Internal: the XML does not say what an XLSX part must say."""


class _Precount:
    """Counts a workbook's tags and cell start tags at the speed of ``bytes.count``, before parsing.

    Both counts are upper bounds (text that looks like a tag counts too), so a file within the limits
    always passes, and one over them is refused after reading only as far as it takes to get there,
    before a single element is parsed: ten million empty cells cost milliseconds, not seconds. The
    parser then needs no count of its own per element, and its work is bounded by the tags counted here.
    """

    def __init__(self, name: str, limits: ReadLimits) -> None:
        self.name = name
        self.limits = limits
        self.tag_limit = TAGS_PER_CELL * limits.max_cells
        self.tags = 0
        self.cells = 0

    def part(self, source) -> None:
        """Count one XML part (a binary stream)."""
        tail = b""
        while chunk := source.read(_CHUNK):
            self.tags += chunk.count(b"<")
            text = (tail + chunk).translate(_BLANKS)
            self.cells += sum(text.count(tag) for tag in _CELL_TAGS)
            tail = text[-2:]
            if self.cells > self.limits.max_cells:
                self.limits.budget(self.name).add_cells(self.cells)  # raises the cell limit's error
            if self.tags > self.tag_limit:
                raise TooMuchData(
                    f"{self.name}: die Datei ist zu umfangreich aufgebaut: mehr als "
                    f"{number(self.tag_limit)} XML-Tags; höchstens {TAGS_PER_CELL} je erlaubter Zelle",
                    "import_max_cells",
                    self.tags,
                    self.tag_limit,
                )


# Tabs and line breaks become blanks, so that a cell's start tag shows as one of a few byte strings.
_BLANKS = bytes.maketrans(b"\t\r\n", b"   ")
_CELL_TAGS = (b"<c ", b"<c/", b"<c>", b":c ", b":c/", b":c>")  # ":c" for prefixed names such as <x:c>


def _parse(source, start: Callable, end: Callable, text: Callable) -> Iterator[None]:
    """Feed ``source`` to expat chunk by chunk; yields after each chunk so callers can hand out rows."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text

    def no_doctype(*_args) -> None:  # XLSX parts never declare one; entity tricks start there
        raise _Damaged

    parser.StartDoctypeDeclHandler = no_doctype
    while chunk := source.read(_CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


class _SharedStrings:
    """``sharedStrings.xml``: the text of every ``si`` (phonetic runs left out, as openpyxl does)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._parts: list[str] = []
        self._collect = False
        self._phonetic = 0

    def start(self, name: str, _attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "t" and not self._phonetic:
            self._collect = True
        elif local == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "t":
            self._collect = False
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "si":
            # openpyxl drops "x005F_" from shared strings; kept so that values read as they always did
            self.strings.append("".join(self._parts).replace("x005F_", ""))
            self._parts = []

    def text(self, data: str) -> None:
        if self._collect:
            self._parts.append(data)


class _Sheet:
    """One worksheet's rows: (row number, values up to the last non-empty cell), in order."""

    def __init__(self, book: XlsxFile, budget: Budget) -> None:
        self.book = book
        self.budget = budget
        self.done: list[tuple[int, list]] = []
        self.number = 0
        self.column = 0
        self.widest = 0
        self.cells: list[tuple[int, object]] = []
        self.kind = self.style = None
        self._parts: list[str] = []
        self._inline: list[str] | None = None
        self._collect = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict) -> None:
        local = _LOCAL.get(name) or name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            self.column = column_index_from_string(ref.rstrip(_DIGITS)) if ref else self.column + 1
            if self.column > self.widest:
                self.widest = self.column
            self.kind, self.style = attrs.get("t", "n"), int(attrs.get("s") or 0)
            self._parts, self._inline = [], None
        elif local == "row":
            ref = attrs.get("r")
            number = int(float(ref)) if ref else self.number + 1
            if number <= self.number:
                raise _Damaged
            self.number, self.column, self.widest, self.cells = number, 0, 0, []
        elif local == "v" and self._inline is None:
            self._collect = True
        elif local == "is":
            self._inline = []
        elif local == "t" and self._inline is not None and not self._phonetic:
            self._collect = True
        elif local == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        local = _LOCAL.get(name) or name.rpartition(":")[2]
        if local == "c":
            if self._parts or self._inline is not None:
                value = self._value()
                if value is not None:
                    self.cells.append((self.column, value))
        elif local in ("v", "t"):
            self._collect = False
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "row":
            self._finish_row()

    def text(self, data: str) -> None:
        if self._collect:
            (self._parts if self._inline is None else self._inline).append(data)

    def _value(self) -> object:
        # as openpyxl's WorkSheetParser.parse_cell with data_only=True
        if self.kind == "inlineStr":
            return None if self._inline is None else unescape("".join(self._inline))
        text = "".join(self._parts)
        if not text:
            return None
        if self.kind == "n":
            number = float(text) if any(c in text for c in ".Ee") else int(text)
            if self.style in self.book.date_styles:
                try:
                    return from_excel(
                        number, self.book.epoch, timedelta=self.style in self.book.timedelta_styles
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if self.kind == "s":
            return unescape(self.book.strings[int(text)])
        if self.kind == "b":
            return bool(int(text))
        if self.kind == "d":
            return from_ISO8601(text)
        return unescape(text)  # "str" (a formula's text), "e" (an error such as #NV)

    def _finish_row(self) -> None:
        # the width up to the last cell element is what a spreadsheet program pads: it counts, even empty
        self.budget.add_cells(self.widest)
        values: list[object] = [None] * max((c for c, _ in self.cells), default=0)
        for column, value in self.cells:
            values[column - 1] = value
        blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
        if self.number > 1 and not blank:
            self.budget.add_row()
        self.done.append((self.number, values))


class XlsxFile:
    """An XLSX workbook opened for streaming its worksheets' rows.

    Parameters
    ----------
    path : Path
        The file (already checked to exist and to be within the size limit).
    limits : ReadLimits
        Size, row and cell limits; one budget for the whole file, however many sheets are read.

    Raises
    ------
    SpreadsheetError
        If the file is no readable XLSX workbook; :class:`TooMuchData` if it unpacks to more than
        :data:`XLSX_EXPANSION` times the size limit.
    """

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.name = path.name
        self.limits = limits
        self.budget = limits.budget(self.name)
        self.precount = _Precount(self.name, limits)
        self.archive = _open_archive(path, limits)
        try:
            self._read_structure()
        except (SpreadsheetError, TooMuchData):
            self.archive.close()
            raise
        except Exception as error:  # openpyxl and zipfile raise many types for damaged files
            self.archive.close()
            raise SpreadsheetError(
                f"{self.name}: keine lesbare XLSX-Datei (beschädigt oder kein Excel-Format)"
            ) from error
        self._strings: list[str] | None = None

    def _part(self, name: str) -> bytes:
        info = self.archive.getinfo(name)
        if info.file_size > STRUCTURE_MAX_BYTES:
            raise _Damaged
        return self.archive.read(info)

    def _read_structure(self) -> None:
        manifest = Manifest.from_tree(fromstring(self._part(ARC_CONTENT_TYPES)))
        workbook = _find_workbook_part(manifest).PartName[1:]
        for part in (workbook, get_rels_path(workbook)):  # size checks before openpyxl reads them
            if part in self.archive.namelist():
                self._part(part)
        parser = WorkbookParser(self.archive, workbook, keep_links=False)
        parser.parse()
        self.epoch = parser.wb.epoch
        names = set(self.archive.namelist())
        self.sheets = [
            (sheet.name, rel.target)
            for sheet, rel in parser.find_sheets()
            if rel.target in names and "chartsheet" not in rel.Type
        ]
        strings = manifest.find(SHARED_STRINGS)
        self._strings_part = strings.PartName[1:] if strings is not None else None
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        if ARC_STYLE in names:
            styles = Stylesheet.from_tree(fromstring(self._part(ARC_STYLE)))
            self.date_styles, self.timedelta_styles = styles.date_formats, styles.timedelta_formats

    @property
    def sheet_names(self) -> list[str]:
        """Titles of the worksheets, in the workbook's order."""
        return [name for name, _ in self.sheets]

    @property
    def strings(self) -> list[str]:
        """The shared strings, read on first use (their tags counted with the worksheets')."""
        if self._strings is None:
            table = _SharedStrings()
            if self._strings_part is not None:
                with self.archive.open(self._strings_part) as source:
                    self.precount.part(source)
                with self.archive.open(self._strings_part) as source:
                    for _ in _parse(source, table.start, table.end, table.text):
                        pass
            self._strings = table.strings
        return self._strings

    def rows(self, index: int = 0) -> Iterator[tuple[int, list]]:
        """Rows of the ``index``-th worksheet with their numbers; rows the file leaves out are blank.

        Values are text, numbers, booleans, dates (``datetime``) or ``None`` for empty cells; a row's list
        ends at its last non-empty cell.

        Raises
        ------
        TooMuchData
            At the first data row, cell or element over the limits.
        SpreadsheetError
            If the worksheet is damaged.
        """
        sheet = _Sheet(self, self.budget)
        try:
            self.strings  # noqa: B018 - read before the sheet, whose cells refer to them
            with self.archive.open(self.sheets[index][1]) as source:
                self.precount.part(source)
            with self.archive.open(self.sheets[index][1]) as source:
                for _ in _parse(source, sheet.start, sheet.end, sheet.text):
                    yield from sheet.done
                    sheet.done.clear()
        except TooMuchData:
            raise
        except Exception as error:  # expat, damaged numbers or references, missing parts
            raise SpreadsheetError(
                f"{self.name}: keine lesbare XLSX-Datei (Tabellenblatt beschädigt)"
            ) from error

    def close(self) -> None:
        """Close the archive."""
        self.archive.close()

    def __enter__(self) -> XlsxFile:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _open_archive(path: Path, limits: ReadLimits) -> zipfile.ZipFile:
    """The ZIP archive, refused if it is none or would unpack to more than the expansion limit."""
    try:
        archive = zipfile.ZipFile(path)
        unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as error:  # BadZipFile, OSError, ValueError, EOFError, ... for damaged files
        with path.open("rb") as handle:
            ole2 = handle.read(8) == _OLE2
        reason = (
            "eine alte Excel-Datei (.xls) oder verschlüsselt; bitte als .xlsx ohne Kennwort speichern"
            if ole2
            else "kein gültiges ZIP-Archiv: beschädigt oder eine andere Art von Datei"
        )
        raise SpreadsheetError(f"{path.name}: keine lesbare XLSX-Datei ({reason})") from error
    limit = limits.max_bytes * XLSX_EXPANSION
    if unpacked > limit:
        archive.close()
        raise TooMuchData(
            f"{path.name}: XLSX-Datei entpackt zu groß: {megabytes(unpacked)} MB; höchstens "
            f"{limit_text(limits.max_mb * XLSX_EXPANSION)} MB erlaubt",
            "import_max_mb",
            unpacked,
            limit,
        )
    return archive
