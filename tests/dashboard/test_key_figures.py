"""The key-figure cards say what the data can tell, and no more."""

from __future__ import annotations

import pandas as pd

from dashboard.key_figure_cards import key_figures
from lpr_geo.coverage import EVENT_COLUMNS, coverage_figures, coverage_tables, load_layers

LAYERS = load_layers()


def _figures(*members: str):
    rows = [
        {"network": "N", "level": "gemeinde", "key": key, "name": key, "status": "member"}
        | {"effective_date": pd.Timestamp("2021-01-01").date()}
        for key in members
    ]
    return coverage_figures(coverage_tables(LAYERS, pd.DataFrame(rows, columns=list(EVENT_COLUMNS))))


def test_population_from_kreis_figures_alone_is_not_shown_as_0_to_100_percent():
    # bundled data: Kreis population only; one member Gemeinde in Elbe-Elster could hold 0–100 % of it
    cards = {title: (value, detail) for title, value, detail in key_figures(_figures("12062124"), "12062")}
    value, detail = cards["Bevölkerung im Netzwerk"]
    assert value == "nicht bestimmbar"
    assert "Gemeindezahlen fehlen" in detail


def test_a_narrow_span_is_shown_as_a_span():
    # statewide, one Gemeinde of 417: the Kreis figures bound the share tightly
    cards = {title: (value, detail) for title, value, detail in key_figures(_figures("12062124"))}
    value, detail = cards["Bevölkerung im Netzwerk"]
    assert "–" in value and value != "nicht bestimmbar"
    assert detail.startswith("Spanne")
