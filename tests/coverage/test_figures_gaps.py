"""Figures and gaps checked against plain-Python recomputations over the layers."""

import datetime as dt
import math

import pandas as pd
import pytest

from lpr_geo.coverage import GAP_COLUMNS, PARTS, coverage_figures, coverage_tables, find_gaps

ON = dt.date(2023, 6, 1)


def latest_status(ev, on):
    """{(level, key): status} by a plain loop (later rows win on equal dates)."""
    state = {}
    for r in sorted(ev.itertuples(), key=lambda r: r.effective_date):
        if r.effective_date <= on:
            state[(r.level, r.key)] = r.status
    return state


def independent_coverage(layers, ev, on):
    """Covered Gemeinden by the documented rules, with loops over the layer."""
    state = latest_status(ev, on)
    gem = layers.frames["gemeinde"]
    amt_size = gem["verwaltung_key"].value_counts().to_dict()
    kreis_size = gem["kreis_key"].value_counts().to_dict()
    covered = set()
    for r in gem.itertuples():
        aliases = [("gemeinde", r.key)]
        if not isinstance(r.amt_key, str) and amt_size[r.verwaltung_key] == 1:
            aliases.append(("amt", r.verwaltung_key))
        if r.kreisfrei and kreis_size[r.kreis_key] == 1:
            aliases.append(("kreis", r.kreis_key))
        dated = [e for e in ev.itertuples() if (e.level, e.key) in aliases and e.effective_date <= on]
        own = max(dated, key=lambda e: e.effective_date).status if dated else None
        if own == "member" or (isinstance(r.amt_key, str) and state.get(("amt", r.amt_key)) == "member"):
            covered.add(r.key)
    return covered


def test_figures_match_an_independent_computation(layers, sample_events):
    figures = coverage_figures(coverage_tables(layers, sample_events, ON))
    covered = independent_coverage(layers, sample_events, ON)
    gem = layers.frames["gemeinde"]
    area = dict(zip(gem["key"], gem["area_km2"], strict=True))
    total_area = sum(area.values())
    assert figures.total.gemeinden == len(gem)
    assert figures.total.gemeinden_covered == len(covered)
    assert figures.total.gemeinden_covered_pct == pytest.approx(100 * len(covered) / len(gem), abs=0.01)
    assert figures.total.area_covered_km2 == pytest.approx(sum(area[k] for k in covered), abs=0.01)
    assert figures.total.area_covered_pct == pytest.approx(
        100 * sum(area[k] for k in covered) / total_area, abs=0.01
    )

    kreis = layers.frames["kreis"]
    by_kreis = {k.key: k for k in figures.kreise}
    for r in kreis.itertuples():
        mine = [g for g in gem.itertuples() if g.kreis_key == r.key]
        cov = [g for g in mine if g.key in covered]
        assert by_kreis[r.key].figures.gemeinden == len(mine)
        assert by_kreis[r.key].figures.gemeinden_covered == len(cov)
        pop = by_kreis[r.key].figures.population
        assert pop.total == r.population
        assert pop.covered_min == (r.population if len(cov) == len(mine) else 0)
        assert pop.covered_max == (r.population if cov else 0)
    pop = figures.total.population
    assert figures.population_source.level == "kreis"
    assert figures.population_source.date == "2018-12-31"
    assert pop.total == kreis["population"].sum() and not pop.exact
    assert pop.covered_min <= pop.covered_max


def test_kreise_without_member_and_members_by_status(layers, sample_events):
    figures = coverage_figures(coverage_tables(layers, sample_events, ON))
    state = latest_status(sample_events, ON)
    gem = layers.frames["gemeinde"]
    amt = layers.frames["amt"]
    kreis_of = {
        **dict(zip(gem["key"], gem["kreis_key"], strict=True)),
        **dict(zip(amt["key"], amt["kreis_key"], strict=True)),
        **{k: k for k in layers.frames["kreis"]["key"]},
    }
    with_member = {
        kreis_of[key] for (_, key), status in state.items() if status == "member" and key in kreis_of
    }
    assert figures.kreise_without_member == sorted(set(layers.frames["kreis"]["key"]) - with_member)
    # Each body once: Plessa, Elsterwerda, Ketzin/Havel, Potsdam, Märkisch-Oderland; Zossen left.
    assert figures.total.members_by_status["member"] == 5
    assert figures.total.members_by_status["left"] == 1
    assert figures.total.members_by_status["committed"] == 1
    assert figures.total.members_by_status["requested"] == 1


def test_figures_serialise_to_json_with_numbers(layers, sample_events):
    data = coverage_figures(coverage_tables(layers, sample_events, ON)).to_dict()
    assert data["date"] == ON.isoformat()
    assert isinstance(data["total"]["gemeinden_covered_pct"], float)
    assert isinstance(data["kreise"][0]["figures"]["population"]["total"], int)
    coverage_figures(coverage_tables(layers, sample_events, ON)).to_json()


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("level", ["gemeinde", "amt", "kreis"])
def test_gaps_are_exactly_the_non_covered_regions(layers, sample_events, level):
    tables = coverage_tables(layers, sample_events, ON)
    gaps = find_gaps(tables, level)
    table = tables.table(level)
    assert set(gaps["key"]) == set(table.loc[~table["covered"], "key"])
    assert len(gaps) == gaps["key"].nunique()
    assert list(gaps.columns) == list(GAP_COLUMNS)
    # the parts add up to the priority as shown (one decimal each)
    assert (gaps[list(PARTS)].sum(axis=1).round(1) == gaps["priority"]).all()
    assert list(gaps["rank"]) == list(range(1, len(gaps) + 1))


def test_gap_distances_and_neighbours_by_loops(layers, sample_events):
    tables = coverage_tables(layers, sample_events, ON)
    gaps = find_gaps(tables).set_index("key")
    gem = layers.frames["gemeinde"].set_index("key")
    covered = set(tables.gemeinde.loc[tables.gemeinde["covered"], "key"])
    for key in gaps.index[::25]:
        g = gem.loc[key]
        nearest = min(
            haversine(g.label_lon, g.label_lat, gem.at[c, "label_lon"], gem.at[c, "label_lat"])
            for c in covered
        )
        assert gaps.at[key, "distance_km"] == pytest.approx(nearest, abs=0.06)
        assert gaps.at[key, "neighbour_members"] == sum(n in covered for n in g.neighbours)


def test_gemeinde_population_is_exact_when_known(layers, sample_events):
    tables = coverage_tables(layers, sample_events, ON)
    tables.gemeinde["population"] = pd.array(
        [20_000 if i % 7 == 0 else 900 for i in range(len(tables.gemeinde))], dtype="Int64"
    )
    figures = coverage_figures(tables)
    assert figures.population_source.level == "gemeinde" and figures.total.population.exact
