"""The German words and formats: counted phrases, levels, numbers and dates."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lpr_geo import vocabulary as words


def test_counted_nouns_agree_with_their_number():
    assert words.NEIGHBOUR.count(1) == "1 Nachbar"
    assert words.NEIGHBOUR.count(2) == "2 Nachbarn"
    assert words.NEIGHBOUR.count(0) == "0 Nachbarn"
    assert words.DATA_ROW.count(1) == "1 Datenzeile"
    assert words.REGION.count(1) == "1 Region"
    assert words.GEMEINDE.count(1234) == "1.234 Gemeinden"


def test_counts_in_the_dative():
    assert words.DAY.dative(180) == "180 Tagen"
    assert words.DAY.dative(1) == "1 Tag"
    assert words.YEAR.dative(2) == "2 Jahren"
    assert words.INHABITANT.count(1) == "1 Einwohner"
    assert words.INHABITANT.count(57_873) == "57.873 Einwohner"


def test_part_of_whole_takes_the_dative_plural():
    assert words.KREIS.of(3, 18) == "3 von 18 Kreisen"
    assert words.KREIS.of(1, 18) == "1 von 18 Kreisen"
    assert words.AMT_UNIT.of(18, 200) == "18 von 200 Ämtern und amtsfreien Gemeinden"
    assert words.GEMEINDE.of(0, 417) == "0 von 417 Gemeinden"
    assert words.KREIS.of(1, 1) == "1 von 1 Kreis"


def test_levels_and_labels():
    assert [w.label for w in words.LEVELS.values()] == ["Kreise", "Ämter", "Gemeinden"]
    assert words.LEVELS["amt"].title == "Ämter und amtsfreie Gemeinden"
    assert words.ROLE_LABELS["editor"] == "Bearbeiter"
    assert words.status_since("in_talks", None) == "Im Gespräch"
    assert words.status_since("member", dt.date(2021, 6, 7)) == "Mitglied seit 07.06.2021"


def test_the_verb_agrees_with_the_count():
    assert f"1 {words.conjugated(1, 'hat', 'haben')} zugesagt" == "1 hat zugesagt"
    assert f"0 {words.conjugated(0, 'hat', 'haben')} zugesagt" == "0 haben zugesagt"


def test_enumeration():
    assert words.enumeration([]) == ""
    assert words.enumeration(["Stadt"]) == "Stadt"
    assert words.enumeration(["a", "b", "c"]) == "a, b und c"
    assert words.enumeration(["a", "", "b"], last="oder") == "a oder b"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_numbers_and_missing_values(missing):
    assert words.number(12345.6, 1) == "12.345,6"
    assert words.percent(12.345) == "12,3 %"
    assert words.km2(2156.1) == "2.156 km²"
    assert words.km(12.34, 1) == "12,3 km"
    assert words.duration(65) == "1 h 05 min" and words.duration(45) == "45 min"
    assert words.number(missing) == words.MISSING and words.percent(missing) == words.MISSING
    assert words.date(missing) == ""


def test_dates_are_shown_in_german_and_local_time():
    assert words.date(dt.date(2021, 6, 7)) == "07.06.2021"
    assert words.date("2021-06-07T10:00:00") == "07.06.2021"
    assert words.date_time(dt.datetime(2025, 12, 4, 13, 5, tzinfo=dt.UTC)) == "04.12.2025, 14:05 Uhr"
    assert words.date_time(dt.datetime(2025, 7, 1, 22, 30)) == "02.07.2025, 00:30 Uhr"  # naive = UTC


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7.6.2021", dt.date(2021, 6, 7)),
        (" 07.06.2021 ", dt.date(2021, 6, 7)),
        ("2021-06-07", dt.date(2021, 6, 7)),
        ("7.6.21", dt.date(2021, 6, 7)),
    ],
)
def test_dates_as_typed(typed, expected):
    assert words.parse_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Gültig ab: bitte ein Datum angeben (TT.MM.JJJJ)"),
        ("   ", "Gültig ab: bitte ein Datum angeben (TT.MM.JJJJ)"),
        ("31.02.2021", "Gültig ab: »31.02.2021« ist kein gültiges Datum (TT.MM.JJJJ)"),
        ("morgen", "Gültig ab: »morgen« ist kein gültiges Datum (TT.MM.JJJJ)"),
        ("x" * 100, "Gültig ab: »" + "x" * 39 + "…« ist kein gültiges Datum"),
    ],
)
def test_bad_dates_name_the_field_and_never_show_an_empty_quote(typed, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        words.parse_date(typed, "Gültig ab")


def test_lateness_of_a_next_step():
    assert [words.lateness(d) for d in (3, 1, 0, -1, -14)] == [
        "überfällig seit 3 Tagen",
        "überfällig seit 1 Tag",
        "heute fällig",
        "fällig in 1 Tag",
        "fällig in 14 Tagen",
    ]
    assert (words.FOLLOW_UP.count(1), words.FOLLOW_UP.count(2)) == ("1 Wiedervorlage", "2 Wiedervorlagen")
