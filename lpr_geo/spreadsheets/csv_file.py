"""CSV files as offices produce them, read as a stream of rows within :class:`ReadLimits`.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252; separators ``;``, ``,`` or tab
(whichever the first line holds most of). Bytes that no text encoding produces (NUL, or bytes that are
neither UTF-8 nor Windows-1252) mean the file is no text file at all: a picture or a program renamed to
``.csv`` is refused as such instead of being read as one very long column name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from lpr_geo.vocabulary import number

from .limits import Budget, ReadLimits, SpreadsheetError

_BOMS = {b"\xef\xbb\xbf": "UTF-8", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
#: Control characters (other than tab and line breaks) in text: a few happen, a tenth means binary data.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SAMPLE = 4096
_SEPARATORS = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}


def os_reason(error: OSError) -> str:
    """Why a file could not be read, in German."""
    return "keine Leseberechtigung" if isinstance(error, PermissionError) else "Lesefehler"


def read_at_most(path: Path, limits: ReadLimits) -> bytes:
    """The file's bytes, but never more than the size limit (even if it grew since it was measured)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise SpreadsheetError(f"{path.name}: Datei nicht lesbar ({os_reason(error)})") from error
    if len(data) > limits.max_bytes:
        raise limits.too_big(path.name, len(data))
    return data


def _not_text(name: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"{name}: die Datei ist keine Textdatei (enthält Binärdaten); erwartet wird eine CSV-Datei "
        "oder eine XLSX-Datei mit der Endung .xlsx"
    )


def _text_or_refuse(name: str, text: str) -> None:
    sample = text[:_SAMPLE]
    if "\x00" in text or len(_CONTROLS.findall(sample)) > len(sample) / 10:
        raise _not_text(name)


def _encoding(name: str, data: bytes) -> tuple[str, str]:
    """(codec, shown name) of the text in ``data``; raises if it is no text."""
    bom = next((b for b in _BOMS if data.startswith(b)), None)
    if bom is not None:
        # the byte order mark names the encoding: text that does not follow it is a damaged file
        shown = _BOMS[bom]
        codec, skip = ("utf-8", len(bom)) if shown == "UTF-8" else ("utf-16", 0)
        try:
            text = str(data[skip:], codec)  # checked whole here, decoded again as a stream for reading
        except UnicodeDecodeError as error:
            raise SpreadsheetError(
                f"{name}: beginnt mit der Kennung für {shown}, enthält aber ab Byte {skip + error.start + 1} "
                "keinen gültigen Text (beschädigt oder keine Textdatei)"
            ) from error
        _text_or_refuse(name, text)
        return ("utf-8-sig", "UTF-8 mit BOM") if shown == "UTF-8" else ("utf-16", shown)
    for codec, shown in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            text = str(data, codec)
        except UnicodeDecodeError:
            continue
        _text_or_refuse(name, text)
        return codec, shown
    # bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) appear in no text file
    raise _not_text(name)


class CsvFile:
    """One CSV file: its encoding and separator, and its rows as a stream.

    Parameters
    ----------
    path : Path
        The file (already checked to exist).
    limits : ReadLimits
        Size, row and cell limits; the size is checked here, rows and cells while :meth:`rows` runs.

    Raises
    ------
    SpreadsheetError
        If the file cannot be read or holds no text; :class:`TooMuchData` if it is too big.
    """

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.name = path.name
        self.limits = limits
        self._data = read_at_most(path, limits)
        self._codec, encoding = _encoding(self.name, self._data)
        first_line = next(iter(self._lines()), "")
        self.delimiter = max(_SEPARATORS, key=first_line.count)
        self.description = (
            f"gelesen als CSV, Zeichensatz {encoding}, Trennzeichen {_SEPARATORS[self.delimiter]}"
        )

    def _lines(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(self._data), encoding=self._codec, newline="")

    def _counted(self, budget: Budget) -> Iterator[str]:
        # Cells are counted per line before the csv module splits it: a line of ten million separators is
        # refused without building a list of ten million fields (quoted separators count too: harmless).
        for line in self._lines():
            budget.add_cells(line.count(self.delimiter) + 1)
            yield line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Every record with its number (1 = the first, the header), blank ones included.

        Raises
        ------
        TooMuchData
            At the first data row or cell over the limits.
        SpreadsheetError
            If a field is longer than the csv module allows.
        """
        budget = self.limits.budget(self.name)
        reader = csv.reader(self._counted(budget), delimiter=self.delimiter)
        try:
            for line, record in enumerate(reader, start=1):
                if line > 1 and any(cell.strip() for cell in record):
                    budget.add_row()
                yield line, record
        except csv.Error as error:  # with the default dialect only a field over the size limit
            limit = number(csv.field_size_limit())
            raise SpreadsheetError(
                f"{self.name}, Zeile {reader.line_num}: nicht lesbar "
                f"(ein Feld ist länger als {limit} Zeichen)"
            ) from error
