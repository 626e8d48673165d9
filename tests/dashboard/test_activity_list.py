"""The detail's status line and list of activities, built without a server: German counts and dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.views.activity_list import activities_section
from dashboard.views.detail_view import _status_line
from lpr_geo.register.history import ActivitySummary

from .test_edit_events import text as _text

TODAY = dt.date(2026, 12, 1)


def text(component) -> str:
    """The component's text with single blanks between its parts."""
    return " ".join(_text(component).split())


def _activity(number: int, day: str, due: str | None = None, next_step: str = "") -> ActivitySummary:
    due_date = dt.date.fromisoformat(due) if due else None
    return ActivitySummary(
        number, 1, dt.date.fromisoformat(day), "Besuch", "Rathaus", "gut", next_step, due_date
    )


def test_counts_and_dates_in_german():
    assert text(activities_section([], True, None, TODAY)[0]) == "Aktivitäten (0 Aktivitäten)"
    one = activities_section([_activity(1, "2026-11-20")], False, None, TODAY)
    assert "(1 Aktivität)" in text(one[0]) and "20.11.2026: Besuch in Rathaus" in text(one[1])
    three = [_activity(n, f"2026-11-0{n}") for n in (3, 2, 1)]
    listed = activities_section(three, False, None, TODAY)
    assert "(3 Aktivitäten)" in text(listed[0])
    assert [item.children[0].children[:10] for item in listed[1].children] == [
        "03.11.2026",
        "02.11.2026",
        "01.11.2026",
    ]  # as given: newest first


def test_next_steps_and_the_overdue_flag_only_for_editors():
    latest = _activity(2, "2026-11-20", "2026-11-28", "Anrufen")
    older = _activity(1, "2026-10-01", "2026-10-10", "Brief schicken")
    editor = text(activities_section([latest, older], True, 2, TODAY))
    assert "Nächster Schritt: Anrufen (fällig am 28.11.2026) überfällig seit 3 Tagen" in editor
    assert "Brief schicken (fällig am 10.10.2026)" in editor and editor.count("überfällig") == 1  # settled
    assert editor.count("Korrigieren") == 2
    viewer = text(activities_section([latest, older], False, None, TODAY))
    assert "Anrufen" not in viewer and "überfällig" not in viewer and "Korrigieren" not in viewer


@pytest.mark.parametrize("since", [None, pd.NaT, ""])
def test_no_dangling_seit_without_a_date(since):
    row = pd.Series({"covered": False, "status": "in_talks", "effective_status": "in_talks", "since": since,
                     "how": "selbst"})  # fmt: skip
    assert text(_status_line(row)) == "Status: Im Gespräch"
    dated = row.copy()
    dated["since"] = dt.date(2021, 6, 7)
    assert text(_status_line(dated)) == "Status: Im Gespräch seit 07.06.2021"
