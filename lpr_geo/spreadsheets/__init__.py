"""Reading imported spreadsheets (CSV, XLSX) as streams whose cost is bounded by :class:`ReadLimits`.

Used by the member import (:mod:`lpr_geo.register.tabular`) and the GV-ISys population import
(:mod:`lpr_geo.boundaries.population`); neither layer depends on the other through it.
"""

from .csv_file import CsvFile
from .limits import ReadLimits, SpreadsheetError, TooMuchData
from .xlsx import XlsxFile

__all__ = ["CsvFile", "ReadLimits", "SpreadsheetError", "TooMuchData", "XlsxFile"]
