"""Importing member files: good files, idempotence, and every kind of bad input changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from lpr_geo.register import import_members, status_events
from lpr_geo.register.tabular import unneutralise

from .conftest import row_counts, write_csv

HEADER = [
    "Gemeinde",
    "Kreis",
    "AGS",
    "Status",
    "Seit",
    "Ansprechpartner",
    "Funktion",
    "E-Mail",
    "Telefon",
    "Bemerkung",
]
GOOD = [
    [
        "Elsterwerda",
        "Elbe-Elster",
        "12062124",
        "Mitarbeit zugesagt",
        "07.06.2021",
        "Erika Beispiel",
        "Bürgermeisterin",
        "erika@example.org",
        "",
        "",
    ],
    ["", "", "12063080", "Mitglied", "2021-05-18", "", "", "", "", "Gastgeber 04.12.2025"],
]


def test_good_file_imports_and_reimport_changes_nothing(register, tmp_path):
    path = write_csv(tmp_path / "mitglieder.csv", [HEADER, *GOOD])
    report = import_members(register, path, user="test")
    assert report.ok, report.text()
    assert report.counts == {
        "participants_added": 2,
        "events_added": 2,
        "events_changed": 0,
        "contacts_added": 1,
        "contacts_changed": 0,
    }
    events = status_events(register)
    assert list(events["key"]) == ["12062124", "12063080"]
    assert list(events["status"]) == ["committed", "member"]
    assert list(events["effective_date"]) == [dt.date(2021, 6, 7), dt.date(2021, 5, 18)]
    before = row_counts(register)
    again = import_members(register, path, user="test")
    assert again.ok and not again.changed
    assert row_counts(register) == before


def test_dry_run_writes_nothing(register, tmp_path):
    before = row_counts(register)
    report = import_members(register, write_csv(tmp_path / "m.csv", [HEADER, *GOOD]), dry_run=True)
    assert report.ok and report.changed and report.counts["events_added"] == 2
    assert "Probelauf" in report.text()
    assert row_counts(register) == before


def test_official_name_with_suffix_is_matched_with_a_note(register, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["Gemeinde", "Kreis", "Status", "Seit"],
            ["Elsterwerda, Stadt", "Landkreis Elbe-Elster", "Mitglied", "01.01.2022"],
        ],
    )
    report = import_members(register, path)
    assert report.ok, report.text()
    assert "»Elsterwerda, Stadt« als Gemeinde »Elsterwerda« (12062124) erkannt" in report.text()
    assert list(status_events(register)["key"]) == ["12062124"]


def test_amt_and_kreis_rows_by_name(register, tmp_path):
    rows = [
        ["Ebene", "Name", "Kreis", "Status", "Seit"],
        ["Amt", "Amt Plessa", "Elbe-Elster", "Im Gespräch", "03.03.2023"],
        ["Kreis", "", "Havelland", "Angefragt", "04.04.2024"],
    ]
    report = import_members(register, write_csv(tmp_path / "m.csv", rows))
    assert report.ok, report.text()
    events = status_events(register)
    assert set(zip(events["level"], events["key"], events["status"], strict=True)) == {
        ("amt", "120625207", "in_talks"),
        ("kreis", "12063", "requested"),
    }


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            HEADER,
            ["", "", "12062999", "Mitglied", "01.01.2022", "", "", "", "", ""],
            "Zeile 3, Feld »AGS«: unbekannter Schlüssel »12062999«",
        ),
        (
            HEADER,
            ["Falkensee", "Havelland", "", "Mitgleid", "01.01.2022", "", "", "", "", ""],
            "Zeile 3, Feld »Status«: unbekannter Status 'Mitgleid'",
        ),
        (
            HEADER,
            ["Falkensee", "Havelland", "", "Mitglied", "31.02.2022", "", "", "", "", ""],
            "Zeile 3, Feld »Seit«: ungültiges Datum »31.02.2022«",
        ),
        (
            HEADER,
            ["Falkensee", "Havelland", "", "Mitglied", "", "", "", "", "", ""],
            "Zeile 3, Feld »Seit«: Datum fehlt",
        ),
        (
            HEADER,
            ["Elsterwerd", "Elbe-Elster", "", "Mitglied", "01.01.2022", "", "", "", "", ""],
            "Zeile 3, Feld »Gemeinde«: Gemeinde »Elsterwerd« im Kreis Elbe-Elster nicht gefunden; "
            "meinten Sie »Elsterwerda« (12062124)?",
        ),
        (
            HEADER,
            ["Golzow", "", "", "Mitglied", "01.01.2022", "", "", "", "", ""],
            "Gemeinde »Golzow« ist mehrdeutig",
        ),
        (
            HEADER,
            ["", "Elbe-Elster", "12063080", "Mitglied", "01.01.2022", "", "", "", "", ""],
            "liegt nicht im Kreis Elbe-Elster",
        ),
        (
            HEADER,
            ["Falkensee", "Havelland", "", "Mitglied", "01.01.2022", "Max Beispiel", "", "kein-mail", "", ""],
            "Feld »E-Mail«: »kein-mail« ist keine gültige E-Mail-Adresse",
        ),
        (
            HEADER,
            ["Falkensee", "Havelland", "", "Angefragt", "07.06.2021", "", "", "", "", ""],
            "Zeile 3, Feld »Status«: widerspricht Zeile 2",
        ),
    ],
    ids=[
        "unknown-key",
        "unknown-status",
        "bad-date",
        "missing-date",
        "near-miss",
        "ambiguous",
        "wrong-kreis",
        "bad-email",
        "contradiction",
    ],
)
def test_bad_row_rejects_whole_file(register, tmp_path, header, row, expected):
    first = ["Falkensee", "Havelland", "", "Mitglied", "07.06.2021", "", "", "", "", ""]
    before = row_counts(register)
    report = import_members(register, write_csv(tmp_path / "m.csv", [header, first, row]))
    assert not report.ok
    assert expected in report.text()
    assert "es wurde nichts importiert" in report.text()
    assert row_counts(register) == before


def test_every_problem_is_listed(register, tmp_path):
    rows = [
        HEADER,
        ["", "", "1206", "Mitglied", "x", "", "", "", "", ""],
        ["Nirgendwo", "Havelland", "", "Unbekannt", "01.01.2020", "", "", "", "", ""],
    ]
    report = import_members(register, write_csv(tmp_path / "m.csv", rows))
    fields = [(p.row, p.field) for p in report.problems]
    # 01.01.2020 is before the founding of AG 4 (20.02.2020)
    assert fields == [(2, "AGS"), (2, "Seit"), (3, "Gemeinde"), (3, "Status"), (3, "Seit")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Gemeinde", "Kreis", "Seit"], "Zeile 1, Feld »Status«: Spalte fehlt"),
        (["Gemeinde", "Kreis", "Status"], "Zeile 1, Feld »Seit«: Spalte fehlt"),
        (["Bemerkung", "Status", "Seit"], "Zeile 1, Feld »Schlüssel«: Spalte fehlt"),
    ],
)
def test_missing_column(register, tmp_path, header, expected):
    before = row_counts(register)
    report = import_members(
        register, write_csv(tmp_path / "m.csv", [header, ["Falkensee", "Mitglied", "01.01.2022"]])
    )
    assert not report.ok and expected in report.text()
    assert row_counts(register) == before


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter", "note"),
    [
        ("cp1252", False, ";", "Windows-1252, Trennzeichen Semikolon"),
        ("utf-8", True, ";", "UTF-8 mit BOM, Trennzeichen Semikolon"),
        ("utf-8", False, ",", "UTF-8, Trennzeichen Komma"),
    ],
)
def test_office_encodings_and_separators(register, tmp_path, encoding, bom, delimiter, note):
    rows = [
        [" gemeinde ", "KREIS", "status", "Seit", "Ansprechpartner", "Bemerkung"],
        [
            "Lübben (Spreewald)",
            "Dahme-Spreewald",
            "Im Gespräch",
            "14.03.2023",
            "Jörg Beispiel",
            "Straße, Gespräch; »Rückruf«",
        ],
    ]
    path = write_csv(tmp_path / "m.csv", rows, encoding=encoding, bom=bom, delimiter=delimiter)
    report = import_members(register, path)
    assert report.ok, report.text()
    assert note in report.text()
    events = status_events(register)
    assert list(events["name"]) == ["Lübben (Spreewald)"] and list(events["status"]) == ["in_talks"]


def test_windows_1252_with_bad_row_names_the_problem(register, tmp_path):
    rows = [["Gemeinde", "Kreis", "Status", "Seit"], ["Lübben", "Dahme-Spreewald", "Gespräch", "14.03.2023"]]
    before = row_counts(register)
    report = import_members(register, write_csv(tmp_path / "m.csv", rows, encoding="cp1252"))
    assert "Zeile 2, Feld »Status«: unbekannter Status 'Gespräch'" in report.text()
    assert row_counts(register) == before


def test_xlsx_with_numbers_and_dates(register, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["AGS", "Status", "Seit", "Ansprechpartner", "Telefon"])
    sheet.append([12062124, "Mitglied", dt.datetime(2022, 3, 1), "Erika Beispiel", "'+49 3533 100"])
    sheet.append([12063080.0, "angefragt", "2020-06-03", None, None])
    workbook.save(tmp_path / "m.xlsx")
    report = import_members(register, tmp_path / "m.xlsx")
    assert report.ok, report.text()
    events = status_events(register)
    assert list(events["key"]) == ["12062124", "12063080"]
    assert list(events["effective_date"]) == [dt.date(2022, 3, 1), dt.date(2020, 6, 3)]


def test_unneutralise_strips_exactly_the_neutralisation():
    assert unneutralise("'=SUMME(A1)") == "=SUMME(A1)"
    assert unneutralise("'+49 331") == "+49 331"
    assert unneutralise("'Apostroph") == "'Apostroph"
    assert unneutralise("''=x") == "''=x"
