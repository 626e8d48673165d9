"""What reading one imported file may cost: its size, its data rows and its cells.

A file's size says little about the work it causes: a 100 KB XLSX file can declare ten million empty
cells. So the readers count while they read and stop at the first row or cell over a limit, before they
build anything that grows with the file. Empty cells and rows count as cells: they cost work too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpr_geo.settings import (
    DEFAULT_IMPORT_MAX_CELLS,
    DEFAULT_IMPORT_MAX_MB,
    DEFAULT_IMPORT_MAX_ROWS,
    Settings,
)
from lpr_geo.vocabulary import CELL, DATA_ROW, number

MB = 1024 * 1024


class SpreadsheetError(ValueError):
    """A file cannot be read; the message (German) names the file and says why."""


class TooMuchData(SpreadsheetError):
    """A file is over one of the :class:`ReadLimits`; reading stopped there.

    Attributes
    ----------
    setting : str
        Name of the setting that sets the limit (``import_max_mb``, ``import_max_rows`` or
        ``import_max_cells``), so that a command can say how to change it.
    amount : int
        What was counted when reading stopped (bytes, rows or cells; at least ``limit + 1``).
    limit : int
        The limit in the same unit.
    """

    def __init__(self, message: str, setting: str, amount: int, limit: int) -> None:
        super().__init__(message)
        self.setting = setting
        self.amount = amount
        self.limit = limit


def megabytes(size: float, digits: int = 1) -> str:
    """``52428800`` -> ``50,0`` (MiB, German decimal comma)."""
    return number(size / MB, digits)


def limit_text(max_mb: float) -> str:
    """``10.0`` -> ``10``, ``0.5`` -> ``0,5``."""
    return f"{max_mb:.3f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass(frozen=True)
class ReadLimits:
    """Limits for reading one imported file (from :class:`lpr_geo.settings.Settings`).

    Parameters
    ----------
    max_mb : float
        Largest file in MB (MiB); bigger files are refused before they are read.
    max_rows : int
        Most data rows (rows under the header that hold something).
    max_cells : int
        Most cells, empty cells included; an empty row counts as one cell.
    """

    max_mb: float = DEFAULT_IMPORT_MAX_MB
    max_rows: int = DEFAULT_IMPORT_MAX_ROWS
    max_cells: int = DEFAULT_IMPORT_MAX_CELLS

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        """The limits an installation configured."""
        return cls(settings.import_max_mb, settings.import_max_rows, settings.import_max_cells)

    @property
    def max_bytes(self) -> int:
        """The size limit in bytes."""
        return int(self.max_mb * MB)

    def too_big(self, name: str, size: int) -> TooMuchData:
        """The error for a file of ``size`` bytes over the size limit."""
        return TooMuchData(
            f"{name}: Datei zu groß: {megabytes(size)} MB; höchstens {limit_text(self.max_mb)} MB erlaubt",
            "import_max_mb",
            size,
            self.max_bytes,
        )

    def budget(self, name: str) -> Budget:
        """A fresh count of rows and cells for the file ``name``."""
        return Budget(name, self)


class Budget:
    """Rows and cells read so far from one file; raises :class:`TooMuchData` at the first one over."""

    def __init__(self, name: str, limits: ReadLimits) -> None:
        self.name = name
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def add_cells(self, count: int) -> None:
        """Count ``count`` cells (at least one: an empty row is work too)."""
        self.cells += max(count, 1)
        if self.cells > self.limits.max_cells:
            limit = self.limits.max_cells
            raise TooMuchData(
                f"{self.name}: die Datei hat mehr als {CELL.count(limit)} (leere mitgezählt); "
                f"höchstens {number(limit)} erlaubt",
                "import_max_cells",
                self.cells,
                limit,
            )

    def add_row(self) -> None:
        """Count one data row."""
        self.rows += 1
        if self.rows > self.limits.max_rows:
            limit = self.limits.max_rows
            raise TooMuchData(
                f"{self.name}: die Datei hat mehr als {DATA_ROW.count(limit)}; "
                f"höchstens {number(limit)} erlaubt",
                "import_max_rows",
                self.rows,
                limit,
            )
