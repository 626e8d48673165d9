"""The Änderungsprotokoll names the region of each entry, also after the record is gone, in German."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from dashboard.views.audit_view import grid_rows, parse_day
from lpr_geo.auth import User
from lpr_geo.register import (
    Contact,
    Participant,
    audit_entries,
    audit_regions,
    fill_sample,
    register_session,
)

ADMIN = User("verwalterin", "admin")


def _rows(register) -> list[dict]:
    entries = audit_entries(register, ADMIN, limit=1000)
    return grid_rows(entries, audit_regions(register, entries))


def test_entries_name_their_region_even_after_deletion(register):
    fill_sample(register)
    with register_session(register, "test") as session:
        elsterwerda = session.scalars(select(Participant).where(Participant.key == "12062124")).one()
        for contact in session.scalars(select(Contact).where(Contact.participant_id == elsterwerda.id)):
            session.delete(contact)
    rows = _rows(register)
    deleted = [r for r in rows if r["bereich"] == "Kontaktperson" and r["benutzer"] == "test"]
    assert deleted and {r["region"] for r in deleted} == {"Elsterwerda"}
    by_area = {r["bereich"]: r["region"] for r in rows if r["region"]}
    assert set(by_area) == {"Region", "Status", "Kontaktperson", "Aktivität"}
    assert not any(r["region"] for r in rows if r["bereich"] == "Netzwerk")  # not about a region


def test_dates_labels_and_flags_read_the_german_way(register):
    fill_sample(register)
    rows = _rows(register)
    days = {r["neu"] for r in rows if r["feld"] == "Gültig ab"}
    assert "07.06.2021" in days and not any("-" in d for d in days)
    moments = [r["neu"] for r in rows if r["feld"] == "Angelegt am" and r["bereich"] == "Status"]
    assert moments and all(m.endswith(" Uhr") and m[2] == "." for m in moments)
    assert {r["neu"] for r in rows if r["feld"] == "Beispieldaten"} == {"ja"}
    assert "Mitglied (member)" in {r["neu"] for r in rows if r["feld"] == "Status"}
    assert all(r["zeitpunkt"].endswith(" Uhr") for r in rows)


def test_an_empty_date_field_is_no_filter_and_dates_go_through_the_one_parser():
    assert parse_day("Von", "") == (None, "")
    assert parse_day("Von", "   ") == (None, "")
    assert parse_day("Von", None) == (None, "")
    assert parse_day("Von", "7.6.2021") == (dt.date(2021, 6, 7), "")
    day, message = parse_day("Bis", "31.02.2026")
    assert day is None and message.startswith("Bis: »31.02.2026« ist kein gültiges Datum")


def test_rows_without_regions_still_render():
    entries = pd.DataFrame(
        {
            "id": [1],
            "changed_at": pd.to_datetime(["2026-03-01T10:00:00Z"], utc=True),
            "changed_by": ["x"],
            "table_name": ["users"],
            "record_id": [3],
            "field": ["active"],
            "old_value": ["True"],
            "new_value": ["False"],
        }
    )
    (row,) = grid_rows(entries)
    assert (row["region"], row["alt"], row["neu"], row["zeitpunkt"]) == (
        "",
        "ja",
        "nein",
        "01.03.2026, 11:00 Uhr",
    )
