import datetime as dt
import itertools

import numpy as np
import pytest
import shapely

from lpr_geo.boundaries import load_layer
from lpr_geo.coverage import (
    MINISTRY,
    coverage_series,
    coverage_tables,
    find_gaps,
    nearby_gaps,
    pairwise_km,
    plan_route,
    resolve_place,
    series_dates,
)
from lpr_geo.coverage.route import exact_order, nearest_neighbour_order, tour_length, two_opt

from .conftest import SAMPLE, events


def test_series_dates_are_month_ends_between_start_and_end():
    days = series_dates(dt.date(2020, 2, 20), dt.date(2020, 5, 10))
    assert days == [
        dt.date(2020, 2, 20),
        dt.date(2020, 2, 29),
        dt.date(2020, 3, 31),
        dt.date(2020, 4, 30),
        dt.date(2020, 5, 10),
    ]


def test_series_is_monotone_where_no_one_left(layers):
    joined = events(*[r for r in SAMPLE if r[2] == "member"])
    series = coverage_series(layers, joined, dt.date(2020, 2, 20), dt.date(2024, 1, 1))
    assert series["date"].iat[0] == dt.date(2020, 2, 20)
    for column in ("members", "gemeinden_covered", "area_covered_pct"):
        assert series[column].is_monotonic_increasing, column
    assert (
        series["gemeinden_covered"].iat[-1]
        == coverage_tables(layers, joined, dt.date(2024, 1, 1)).gemeinde["covered"].sum()
    )


def test_series_drops_when_a_member_leaves(layers, sample_events):
    series = coverage_series(layers, sample_events, dt.date(2020, 2, 20), dt.date(2024, 1, 1)).set_index(
        "date"
    )
    assert series.at[dt.date(2022, 12, 31), "members"] == series.at[dt.date(2023, 1, 31), "members"] + 1


def random_matrix(rng, n):
    return pairwise_km(rng.uniform(11.3, 14.8, n + 1), rng.uniform(51.3, 53.6, n + 1))


@pytest.mark.parametrize("n", range(1, 9))
def test_route_is_optimal_on_small_cases(n):
    rng = np.random.default_rng(n)
    for _ in range(3):
        d = random_matrix(rng, n)
        brute = min(tour_length(d, p) for p in itertools.permutations(range(1, n + 1)))
        assert tour_length(d, exact_order(d)) == pytest.approx(brute)


@pytest.mark.parametrize("n", [3, 8, 12, 25, 40])
def test_route_never_longer_than_nearest_neighbour(n):
    rng = np.random.default_rng(100 + n)
    for _ in range(5):
        d = random_matrix(rng, n)
        nn = nearest_neighbour_order(d)
        improved = two_opt(d, nn)
        assert sorted(improved) == list(range(1, n + 1))
        assert tour_length(d, improved) <= tour_length(d, nn) + 1e-9


def test_plan_route_legs_add_up(layers):
    keys = layers.keys["gemeinde"][::20][:21]
    route = plan_route(MINISTRY, [resolve_place(layers, k) for k in keys])
    assert not route.exact and len(route.legs) == len(keys) + 1
    assert route.legs[0].origin == MINISTRY and route.legs[-1].destination == MINISTRY
    assert {s.key for s in route.stops} == set(keys)
    assert route.total_km == pytest.approx(sum(leg.km for leg in route.legs), abs=0.1 * len(route.legs))
    assert route.total_minutes == pytest.approx(route.total_km, abs=1)  # 60 km/h


def test_ministry_lies_in_potsdam():
    potsdam = load_layer("gemeinde").set_index("key").at["12054000", "geometry"]
    assert potsdam.contains(shapely.Point(MINISTRY.lon, MINISTRY.lat))


def test_resolve_place(layers):
    assert resolve_place(layers, "potsdam") == MINISTRY
    assert resolve_place(layers, "12062124").name == "Elsterwerda"
    assert resolve_place(layers, "12062").name == "Elbe-Elster"
    assert resolve_place(layers, "13.5,52.1").lon == 13.5
    with pytest.raises(ValueError, match="unbekannter Schlüssel"):
        resolve_place(layers, "12345678")
    with pytest.raises(ValueError, match="ungültige Koordinaten"):
        resolve_place(layers, "13.5,x")


def test_nearby_gap_suggestion(layers):
    tables = coverage_tables(
        layers, events(("gemeinde", "12062124", "member", "2021-06-15")), dt.date(2022, 1, 1)
    )
    route = plan_route(MINISTRY, [resolve_place(layers, "12062124")])
    suggestions = nearby_gaps(route, find_gaps(tables), radius_km=25, per_stop=10)
    names = [s.name for s in suggestions]
    assert "Bad Liebenwerda" in names and "Elsterwerda" not in names
    text = suggestions[names.index("Bad Liebenwerda")].text
    assert text.startswith("Wenn Sie in Elsterwerda sind: Bad Liebenwerda ist ")
    assert text.endswith(" km entfernt und noch nicht im Netzwerk.")
