"""The priority model of the gap list, checked against numbers worked out by hand."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lpr_geo.coverage import PARTS, PriorityWeights, coverage_tables, find_gaps, priority_key
from lpr_geo.coverage.priority import (
    GROUP_DECLINED,
    GROUP_DEFERRED,
    GROUP_OPEN,
    Facts,
    classify,
    reasons,
    score,
)

from .conftest import events

ON = dt.date(2024, 6, 1)
ELSTERWERDA, BAD_LIEBENWERDA, FINSTERWALDE, FRANKFURT = "12062124", "12062024", "12062140", "12053000"
NAT = np.datetime64("NaT", "s")


def facts(n=1, **values) -> Facts:
    """Facts of ``n`` regions: a village with nothing going for it, unless ``values`` say otherwise."""
    base = {
        "population": np.full(n, np.nan),
        "town": np.zeros(n, bool),
        "kreisfrei": np.zeros(n, bool),
        "neighbours": np.zeros(n, int),
        "distance_km": np.full(n, np.nan),
        "kreis_share": np.zeros(n),
        "kreis_has_member": np.ones(n, bool),
        "status": np.full(n, "not_contacted", dtype=object),
        "status_since": np.full(n, NAT),
        "last_contact": np.full(n, NAT),
    }
    return Facts(**(base | {k: np.asarray(v) for k, v in values.items()}))


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


def test_population_points_on_a_log_scale():
    parts = score(
        facts(7, population=[np.nan, 500, 1_000, 10_000, 31_623, 100_000, 250_000]), PriorityWeights()
    )
    # 30 × clamp(log10(p / 1.000) / 2, 0, 1): unknown 0, 500 → 0, 1.000 → 0, 10.000 → 15,
    # 31.623 (10^4,5) → 22,5, 100.000 → 30, more stays 30
    assert list(parts["score_population"]) == [0.0, 0.0, 0.0, 15.0, 22.5, 30.0, 30.0]


def test_network_points_add_neighbours_nearness_and_kreis_share():
    parts = score(
        facts(
            4, neighbours=[0, 1, 3, 5], distance_km=[np.nan, 10.0, 25.0, 60.0], kreis_share=[0, 0.5, 0.1, 1]
        ),
        PriorityWeights(),
    )
    # 0 | 5 + 10 × (1 − 10/50) + 10 × 0,5 = 5 + 8 + 5 | 15 + 5 + 1 | 15 (at most 3 neighbours) + 0 + 10
    assert list(parts["score_network"]) == [0.0, 18.0, 21.0, 25.0]


def test_town_kreis_and_contact_points():
    parts = score(
        facts(
            3,
            town=[True, False, True],
            kreis_has_member=[False, True, True],
            last_contact=[NAT, day("2020-01-01"), NAT],
        ),
        PriorityWeights(),
    )
    assert list(parts["score_town"]) == [10.0, 0.0, 10.0]
    assert list(parts["score_kreis_without_member"]) == [20.0, 0.0, 0.0]
    assert list(parts["score_never_contacted"]) == [10.0, 0.0, 10.0]


def test_a_recent_contact_defers_and_a_refusal_sets_apart():
    region = facts(
        6,
        status=["requested", "requested", "declined", "left", "declined", "declined"],
        status_since=[
            day("2023-01-01"),
            day("2023-01-01"),
            day("2023-06-01"),
            day("2021-03-01"),
            NAT,
            day("2020-02-29"),
        ],
        last_contact=[
            day("2023-12-04"),
            day("2023-12-05"),
            day("2023-06-01"),
            day("2021-03-01"),
            NAT,
            day("2020-02-29"),
        ],
    )
    group, again = classify(region, ON, PriorityWeights())
    # 04.12.2023 + 180 days = 01.06.2024, the date of the list: from that day on no longer deferred
    assert list(group[:2]) == [GROUP_OPEN, GROUP_DEFERRED]
    assert np.isnat(again[0]) and again[1] == day("2024-06-02")
    # declined a year ago: apart until 2 years after; left in 2021: may be asked again since 2023
    assert group[2] == GROUP_DECLINED and again[2] == day("2025-06-01")
    assert group[3] == GROUP_OPEN and again[3] == day("2023-03-01")
    assert group[4] == GROUP_OPEN and np.isnat(again[4])  # no date, no window
    assert group[5] == GROUP_OPEN and again[5] == day("2022-02-28")  # 29.02. + 2 years
    longer = classify(region, ON, PriorityWeights(defer_days=200, retry_years=4))
    assert list(longer[0]) == [
        GROUP_DEFERRED,
        GROUP_DEFERRED,
        GROUP_DECLINED,
        GROUP_DECLINED,
        GROUP_OPEN,
        GROUP_OPEN,
    ]
    assert longer[1][5] == day("2024-02-29")


def test_reasons_name_what_counted_with_correct_plurals():
    region = facts(
        3,
        population=[57_873, np.nan, 1],
        town=[True, True, False],
        kreisfrei=[True, False, False],
        neighbours=[0, 2, 1],
        distance_km=[21.1, 4.2, 80.0],
        kreis_share=[0, 0.121, 0],
        kreis_has_member=[False, True, True],
        status=["not_contacted", "declined", "not_contacted"],
        status_since=[NAT, day("2023-06-01"), NAT],
        last_contact=[NAT, day("2023-06-01"), day("2024-03-01")],
    )
    group, again = classify(region, ON, PriorityWeights())
    assert reasons(region, group, again, PriorityWeights(), "gemeinde") == [
        "kreisfreie Stadt, 57.873 Einwohner, nächstes Mitglied 21 km, Kreis ohne Mitglied, nie kontaktiert",
        "Stadt, Einwohnerzahl unbekannt, 2 Nachbarn im Netzwerk, nächstes Mitglied 4 km, 12 % der Gemeinden "
        "des Kreises im Netzwerk, Kein Interesse seit 01.06.2023, erneut ansprechen ab 01.06.2025",
        "1 Einwohner, 1 Nachbar im Netzwerk, zurückgestellt bis 28.08.2024",
    ]


def test_the_key_line_names_every_part_and_the_windows():
    assert priority_key(PriorityWeights(defer_days=1, retry_years=1)) == (
        "Priorität = Einwohner + Stadt + Netzwerk nebenan + Kreis ohne Mitglied + nie kontaktiert; "
        "zurückgestellt: Kontakt in den letzten 1 Tag; »Kein Interesse« und »Ausgetreten«: erneut ansprechen "
        "nach 1 Jahr"
    )
    assert "in den letzten 180 Tagen" in priority_key(PriorityWeights())
    assert "nach 2 Jahren" in priority_key(PriorityWeights())


def test_find_gaps_on_the_real_layers_by_hand(layers):
    tables = coverage_tables(layers, events(("gemeinde", ELSTERWERDA, "member", "2021-06-07")), ON)
    gaps = find_gaps(tables).set_index("key")
    bad_liebenwerda = gaps.loc[BAD_LIEBENWERDA]
    # a Stadt bordering Elsterwerda, label points 11,65 km apart, 1 of the 33 Gemeinden of Elbe-Elster in
    # the network: 5 + 10 × (1 − 11,65/50) + 10 × 1/33 = 5 + 7,67 + 0,30 = 12,97
    assert bad_liebenwerda[list(PARTS)].tolist() == [0.0, 10.0, 13.0, 0.0, 10.0]
    assert bad_liebenwerda["priority"] == 33.0
    assert bad_liebenwerda["reason"] == (
        "Stadt, Einwohnerzahl unbekannt, 1 Nachbar im Netzwerk, nächstes Mitglied 12 km, "
        "3 % der Gemeinden des Kreises im Netzwerk, nie kontaktiert"
    )
    # a kreisfreie Stadt: the Kreis figure is its own (Destatis 31.12.2018: 57.873) → 30 × log10(57,873) / 2
    frankfurt = gaps.loc[FRANKFURT]
    assert frankfurt["population"] == 57_873
    assert frankfurt[list(PARTS)].tolist() == [26.4, 10.0, 0.0, 20.0, 10.0]
    assert frankfurt["priority"] == 66.4
    assert frankfurt["reason"] == "kreisfreie Stadt, 57.873 Einwohner, Kreis ohne Mitglied, nie kontaktiert"
    # the 4 kreisfreie Städte (Potsdam, Cottbus, Brandenburg an der Havel, Frankfurt) lead a list where
    # nobody else has a population
    assert set(gaps.index[:4]) == {"12054000", "12052000", "12051000", FRANKFURT}


def test_contacts_defer_and_declined_regions_stand_apart(layers):
    register = events(
        ("gemeinde", ELSTERWERDA, "member", "2021-06-07"),
        ("gemeinde", FINSTERWALDE, "requested", "2021-06-08"),
        ("gemeinde", FINSTERWALDE, "declined", "2023-11-01"),
    )
    contacts = pd.DataFrame(
        [
            {
                "key": BAD_LIEBENWERDA,
                "level": "gemeinde",
                "last_contact": dt.date(2024, 3, 4),
                "last_kind": "Besuch",
            },
            {
                "key": BAD_LIEBENWERDA,
                "level": "gemeinde",
                "last_contact": dt.date(2024, 7, 1),
                "last_kind": "Telefonat",
            },  # after the date of the list: does not count
            {
                "key": FINSTERWALDE,
                "level": "gemeinde",
                "last_contact": dt.date(2023, 11, 1),
                "last_kind": "Statusänderung: Kein Interesse",
            },
        ]
    )
    gaps = find_gaps(coverage_tables(layers, register, ON), contacts=contacts).set_index("key")
    bad_liebenwerda = gaps.loc[BAD_LIEBENWERDA]
    assert bad_liebenwerda["group"] == GROUP_DEFERRED and bad_liebenwerda["last_kind"] == "Besuch"
    assert bad_liebenwerda["score_never_contacted"] == 0 and bad_liebenwerda["priority"] == 23.0
    assert bad_liebenwerda["reason"].endswith("zurückgestellt bis 31.08.2024")  # 04.03.2024 + 180 days
    finsterwalde = gaps.loc[FINSTERWALDE]
    assert finsterwalde["group"] == GROUP_DECLINED
    assert finsterwalde["reason"].endswith("Kein Interesse seit 01.11.2023, erneut ansprechen ab 01.11.2025")
    # order: the Rangliste, then the deferred, then the declined
    order = list(gaps["group"])
    assert order == sorted(order, key=[GROUP_OPEN, GROUP_DEFERRED, GROUP_DECLINED].index)
    assert order[-2:] == [GROUP_DEFERRED, GROUP_DECLINED]


def test_ties_are_broken_by_population_distance_and_name(layers):
    tables = coverage_tables(layers, events(("gemeinde", ELSTERWERDA, "member", "2021-06-07")), ON)
    gaps = find_gaps(tables)
    population = gaps["population"].astype("float").fillna(-1)
    for a, b in zip(gaps.index[:-1], gaps.index[1:], strict=True):
        if gaps.at[a, "group"] != gaps.at[b, "group"]:
            continue
        assert gaps.at[a, "priority"] >= gaps.at[b, "priority"]
        if gaps.at[a, "priority"] == gaps.at[b, "priority"]:
            key_a = (-population[a], gaps.at[a, "distance_km"], gaps.at[a, "name"].casefold())
            key_b = (-population[b], gaps.at[b, "distance_km"], gaps.at[b, "name"].casefold())
            assert key_a <= key_b, (gaps.at[a, "name"], gaps.at[b, "name"])


@pytest.mark.parametrize("level", ["amt", "kreis"])
def test_other_levels_take_population_and_town_from_the_same_body(layers, level):
    tables = coverage_tables(layers, events(("gemeinde", ELSTERWERDA, "member", "2021-06-07")), ON)
    gaps = find_gaps(tables, level).set_index("key")
    frankfurt = gaps.loc["120530000" if level == "amt" else "12053"]
    assert frankfurt["population"] == 57_873 and frankfurt["score_town"] == 10.0
    assert frankfurt["reason"].startswith("kreisfreie Stadt, 57.873 Einwohner")
    if level == "kreis":  # a Landkreis is not a Stadt; its own figure counts
        assert gaps.loc["12060", "score_town"] == 0 and gaps.loc["12060", "population"] == 182_760
    else:  # an Amt's population is known only if all its Gemeinden's are (not imported here)
        assert gaps.loc["120625207", "population"] is pd.NA


def test_amt_population_is_the_sum_of_its_gemeinden_when_all_are_known(layers):
    tables = coverage_tables(layers, events(("gemeinde", ELSTERWERDA, "member", "2021-06-07")), ON)
    amt = layers.frames["gemeinde"]["amt_key"] == "120625207"  # Amt Plessa
    tables.gemeinde["population"] = pd.array(np.where(amt, 2_500, pd.NA), dtype="Int64")
    gaps = find_gaps(tables, "amt").set_index("key")
    assert gaps.loc["120625207", "population"] == 2_500 * int(amt.sum())
    expected = round(30 * np.log10(2_500 * int(amt.sum()) / 1_000) / 2, 1)
    assert gaps.loc["120625207", "score_population"] == expected
