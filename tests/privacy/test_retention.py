"""Retention: exactly the contact records whose period has passed are due, with reason and date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from lpr_geo.auth import PermissionDenied, User
from lpr_geo.privacy import due_contacts
from lpr_geo.privacy.retention import years_later
from lpr_geo.register import save_contact, set_status
from lpr_geo.register.activity_edits import add_activity
from lpr_geo.register.models import Contact
from lpr_geo.settings import SettingsError, load_settings

from .conftest import EDITOR

TODAY = dt.date(2026, 6, 15)

#: region key -> (status history, activity dates, due?) with dates back-dated from TODAY
REGIONS = {
    # last activity four years ago
    "12066008": ([("requested", "2021-01-10")], ["2022-03-01"], "letzte Aktivität am 01.03.2022"),
    # last activity two years ago
    "12066041": ([("requested", "2021-01-10")], ["2024-05-02"], None),
    # declined four years ago; a call since does not change that
    "12066052": (
        [("in_talks", "2021-05-01"), ("declined", "2022-02-01")],
        ["2025-01-20"],
        "Kein Interesse seit 01.02.2022",
    ),
    # left two years ago
    "12066064": ([("member", "2020-03-01"), ("left", "2024-06-30")], [], None),
    # only a status event, five years ago
    "12066104": ([("requested", "2021-06-14")], [], "letzter Statuseintrag am 14.06.2021"),
    # exactly three years ago today: due from today
    "12066112": ([("requested", "2023-06-15")], [], "letzter Statuseintrag am 15.06.2023"),
    # member for years, but an activity last year
    "12066116": ([("member", "2020-03-01")], ["2025-09-09"], None),
    # neither events nor activities: nothing to measure by
    "12066120": ([], [], None),
}


def build(engine) -> dict[str, int]:
    contacts = {}
    for key, (events, activities, _) in REGIONS.items():
        for status, day in events:
            set_status(engine, EDITOR, "gemeinde", key, None, status, day)
        for day in activities:
            add_activity(engine, EDITOR, "gemeinde", key, day, "Telefonat")
        contacts[key] = save_contact(engine, EDITOR, "gemeinde", key, name=f"Person {key}").id
    return contacts


def test_the_review_lists_exactly_the_due_records(register):
    contacts = build(register)
    orphan = save_contact(register, EDITOR, "gemeinde", "12066124", name="Ohne Region").id
    with register.begin() as connection:  # the region was removed: the record stays, without it
        connection.execute(update(Contact).where(Contact.id == orphan).values(participant_id=None))

    due = due_contacts(register, 3, by="datenschutz", today=TODAY)

    expected = {contacts[key]: reason for key, (_, _, reason) in REGIONS.items() if reason}
    assert {d.contact_id: d.reason for d in due} == expected | {orphan: "keiner Region zugeordnet"}
    assert [d.contact_id for d in due][0] == orphan  # due at once, listed first
    since = {d.contact_id: d.due_since for d in due}
    assert since[contacts["12066008"]] == dt.date(2025, 3, 1)
    assert since[contacts["12066052"]] == dt.date(2025, 2, 1)
    assert since[contacts["12066112"]] == TODAY
    assert [d.due_since for d in due[1:]] == sorted(d.due_since for d in due[1:])
    by_id = {d.contact_id: d for d in due}
    assert by_id[contacts["12066052"]].region.label() == "Gemeinde Calau (12066052)"
    assert by_id[contacts["12066052"]].name == "Person 12066052"
    assert {d.contact_id for d in due_contacts(register, 5, by="datenschutz", today=TODAY)} == {
        orphan,
        contacts["12066104"],
    }


def test_only_admins_see_the_review(register):
    for actor in (None, User("redakteur", "editor")):
        with pytest.raises(PermissionDenied):
            due_contacts(register, 3, actor=actor)
    assert due_contacts(register, 3, actor=User("chefin", "admin")) == []


def test_years_later_handles_leap_days():
    assert years_later(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert years_later(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


@pytest.mark.parametrize("value", ["0", "31", "drei", "2,5"])
def test_the_retention_setting_takes_whole_years(value):
    assert load_settings(environ={"LPR_GEO_DATA_DIR": "/tmp"}).retention_years == 3
    assert (
        load_settings(environ={"LPR_GEO_DATA_DIR": "/tmp", "LPR_GEO_RETENTION_YEARS": "10"}).retention_years
        == 10
    )
    with pytest.raises(SettingsError, match=rf"LPR_GEO_RETENTION_YEARS: »{value}« ist keine gültige Frist"):
        load_settings(environ={"LPR_GEO_DATA_DIR": "/tmp", "LPR_GEO_RETENTION_YEARS": value})
