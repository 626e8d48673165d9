"""The key-figure cards say what the data can tell, and no more."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from dashboard.key_figure_cards import key_figures
from lpr_geo import Boundaries, Settings
from lpr_geo.coverage import EVENT_COLUMNS, coverage_figures, coverage_tables, load_layers
from lpr_geo.register import DEFAULT_NETWORK, ensure_sample_register, status_events

LAYERS = load_layers()


def _figures(*members: str):
    rows = [
        {"network": "N", "level": "gemeinde", "key": key, "name": key, "status": "member"}
        | {"effective_date": pd.Timestamp("2021-01-01").date()}
        for key in members
    ]
    return coverage_figures(coverage_tables(LAYERS, pd.DataFrame(rows, columns=list(EVENT_COLUMNS))))


def test_population_from_kreis_figures_alone_is_a_plain_bound():
    # bundled data: Kreis population only; one member Gemeinde in Elbe-Elster holds 0–100 % of it, and the
    # card says so with what the bound rests on rather than "nicht bestimmbar"
    cards = {title: (value, detail) for title, value, detail in key_figures(_figures("12062124"), "12062")}
    value, detail = cards["Bevölkerung im Netzwerk"]
    assert value == "0–100 %"
    assert detail.startswith(
        "zwischen 0 % und 100 % der Einwohner (nur Kreiszahlen bekannt, Stand 31.12.2018:"
    )


def test_a_narrow_span_is_shown_in_whole_percent_rounded_outwards():
    # statewide, one Gemeinde of 417: the Kreis figures bound the share tightly
    figures = _figures("12062124")
    population = figures.total.population
    cards = {title: (value, detail) for title, value, detail in key_figures(figures)}
    value, detail = cards["Bevölkerung im Netzwerk"]
    low, high = math.floor(population.pct_min), math.ceil(population.pct_max)
    assert value == f"{low}–{high} %" and detail.startswith(f"zwischen {low} % und {high} % der Einwohner")


def test_the_card_and_the_command_say_the_same(tmp_path):
    data_dir = tmp_path / "data"
    engine = ensure_sample_register(Settings(data_dir=data_dir), Boundaries.bundled())
    on = dt.date(2026, 12, 1)
    events = status_events(engine, DEFAULT_NETWORK)
    figures = coverage_figures(coverage_tables(load_layers(), events, on, network=DEFAULT_NETWORK))
    cards = {title: (value, detail) for title, value, detail in key_figures(figures)}
    value, sentence = cards["Bevölkerung im Netzwerk"]
    assert value == "11–83 %"
    command = subprocess.run(
        [str(Path(sys.executable).parent / "lpr-geo"), "coverage", "--date", on.isoformat()],
        capture_output=True,
        text=True,
        env={**os.environ, "LPR_GEO_DATA_DIR": str(data_dir), "LPR_GEO_DB": ""},
        check=True,
    )
    assert f"Bevölkerung im Netzwerk: {sentence}\n" in command.stdout
