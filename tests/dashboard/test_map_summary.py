"""The map's text summary (read by screen readers) in correct German for every count."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.url_state import ViewState
from dashboard.views.map_view import _summary


def summary(level: str, covered: list[bool], committed: list[bool], kreis: str | None = None) -> str:
    table = pd.DataFrame({"covered": covered, "committed": committed})
    view = ViewState(network="AG 4", on=dt.date(2026, 12, 1), level=level, kreis=kreis)
    return _summary(table, view)


def test_one_covered_region_takes_the_singular_verb_and_the_whole_the_dative():
    text = summary("kreis", [True] + [False] * 17, [False] * 17 + [True])
    assert text == (
        "Stand 01.12.2026: 1 von 18 Kreisen in Brandenburg (5,6 %) ist im Netzwerk, "
        "1 hat die Mitarbeit zugesagt."
    )


def test_several_regions_take_the_plural():
    text = summary("amt", [True, True, False], [False, True, True], kreis="12062")
    assert text == (
        "Stand 01.12.2026: 2 von 3 Ämtern und amtsfreien Gemeinden im gewählten Kreis (66,7 %) sind im "
        "Netzwerk, 2 haben die Mitarbeit zugesagt."
    )
