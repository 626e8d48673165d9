"""The gap list's one writer: columns, German headers, CSV and XLSX."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from lpr_geo.coverage import coverage_tables, find_gaps
from lpr_geo.coverage.gap_table import GAP_TABLE, gap_csv, gap_table, gap_text, gap_xlsx

from .conftest import events

ON = dt.date(2024, 6, 1)
REGISTER = (
    ("gemeinde", "12062124", "member", "2021-06-07"),  # Elsterwerda
    ("gemeinde", "12062140", "declined", "2023-11-01"),  # Finsterwalde
)


def table(layers, **options):
    gaps = find_gaps(coverage_tables(layers, events(*REGISTER), ON))
    gaps.loc[gaps["key"] == "12062024", "name"] = "=HYPERLINK(1)"  # what a hostile name would look like
    return gap_table(gaps, **options)


def test_declined_regions_only_on_request(layers):
    assert "12062140" not in set(table(layers)["key"])
    with_declined = table(layers, with_declined=True).set_index("key")
    assert with_declined.loc["12062140", "group_label"] == "Kein Interesse oder ausgetreten"
    assert with_declined.loc["12062140", "approach_from"] == dt.date(2025, 11, 1)
    assert with_declined.loc["12062140", "status_label"] == "Kein Interesse"


def test_csv_has_german_headers_numbers_and_dates_and_no_formulas(layers):
    rows = list(
        csv.reader(io.StringIO(gap_csv(table(layers, with_declined=True)).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0] == [column.header for column in GAP_TABLE]
    by_key = {row[rows[0].index("Schlüssel")]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    frankfurt = by_key["12053000"]
    assert (frankfurt["Priorität"], frankfurt["Punkte Einwohner"], frankfurt["Einwohner"]) == (
        "66,4",
        "26,4",
        "57873",
    )
    area = layers.frames["gemeinde"].set_index("key").at["12053000", "area_km2"]
    assert frankfurt["Fläche (km²)"] == f"{area:.1f}".replace(".", ",") and frankfurt["Letzter Kontakt"] == ""
    assert by_key["12062024"]["Name"] == "'=HYPERLINK(1)"
    assert by_key["12062140"]["Ansprechen ab"] == "01.11.2025"


def test_xlsx_holds_numbers_and_dates_as_cells(layers):
    sheet = load_workbook(io.BytesIO(gap_xlsx(table(layers, with_declined=True)))).active
    header = [c.value for c in sheet[1]]
    assert header == [column.header for column in GAP_TABLE]
    rows = {
        r[header.index("Schlüssel")]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(2, values_only=True)
    }
    assert rows["12053000"]["Priorität"] == 66.4 and rows["12053000"]["Einwohner"] == 57_873
    assert rows["12062140"]["Ansprechen ab"] == dt.datetime(2025, 11, 1)
    assert rows["12062024"]["Name"] == "'=HYPERLINK(1)"
    finsterwalde = next(r for r in sheet.iter_rows(2) if r[header.index("Schlüssel")].value == "12062140")
    assert finsterwalde[header.index("Ansprechen ab")].number_format == "DD.MM.YYYY"
    assert finsterwalde[header.index("Priorität")].number_format == "0.0"


def test_text_lists_each_group_with_its_heading(layers):
    lines = gap_text(table(layers, with_declined=True), limit=2)
    assert lines[0].startswith("Rangliste (") and lines[1].startswith("   1. ")
    assert "Kein Interesse oder ausgetreten (1):" in lines
    assert any("Kein Interesse seit 01.11.2023, erneut ansprechen ab 01.11.2025" in line for line in lines)
    assert any(line.strip().startswith("…") and line.strip().endswith("weitere") for line in lines)
