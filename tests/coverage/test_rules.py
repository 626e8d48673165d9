import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lpr_geo.coverage import CoverageOptions, coverage_figures, coverage_tables, status_on
from lpr_geo.coverage.state import check_events

from .conftest import NETWORK, events

PLESSA = "120625207"


def row(table, key):
    return table.set_index("key").loc[key]


def test_amt_member_covers_its_gemeinden_and_nothing_else(layers):
    tables = coverage_tables(layers, events(("amt", PLESSA, "member", "2020-02-20")), dt.date(2021, 1, 1))
    gem = tables.gemeinde
    in_plessa = layers.frames["gemeinde"]["amt_key"].eq(PLESSA).fillna(False).to_numpy()
    assert in_plessa.sum() >= 2
    assert gem["covered"].to_numpy()[in_plessa].all()
    assert not gem["covered"].to_numpy()[~in_plessa].any()
    assert set(gem.loc[in_plessa, "how"]) == {"über Amt Plessa"}
    assert set(gem.loc[in_plessa, "via_key"]) == {PLESSA}
    assert (gem.loc[in_plessa, "status"] == "not_contacted").all()
    assert (gem.loc[in_plessa, "effective_status"] == "member").all()
    assert row(tables.amt, PLESSA)["covered"]


def test_left_before_a_date_covers_nothing_after_it(layers):
    ev = events(("amt", PLESSA, "member", "2020-03-01"), ("amt", PLESSA, "left", "2022-01-01"))
    for day, expected in (("2020-02-29", 0), ("2021-12-31", None), ("2022-01-01", 0), ("2025-01-01", 0)):
        covered = coverage_tables(layers, ev, dt.date.fromisoformat(day)).gemeinde["covered"].sum()
        assert (covered > 0) if expected is None else covered == expected, day
    assert row(coverage_tables(layers, ev, dt.date(2023, 1, 1)).amt, PLESSA)["status"] == "left"


def test_rejoining_after_leaving_covers_again(layers):
    ev = events(
        ("gemeinde", "12062124", "member", "2020-03-01"),
        ("gemeinde", "12062124", "left", "2021-01-01"),
        ("gemeinde", "12062124", "member", "2022-01-01"),
    )
    assert not row(coverage_tables(layers, ev, dt.date(2021, 6, 1)).gemeinde, "12062124")["covered"]
    again = row(coverage_tables(layers, ev, dt.date(2022, 6, 1)).gemeinde, "12062124")
    assert again["covered"] and again["since"].date() == dt.date(2022, 1, 1)


def test_kreis_member_does_not_cover_gemeinden_unless_option(layers):
    ev = events(("kreis", "12062", "member", "2020-02-20"))
    default = coverage_tables(layers, ev, dt.date(2021, 1, 1))
    assert row(default.kreis, "12062")["covered"]
    assert not default.gemeinde["covered"].any()
    assert not default.amt["covered"].any()

    on = coverage_tables(
        layers, ev, dt.date(2021, 1, 1), options=CoverageOptions(kreis_covers_gemeinden=True)
    )
    in_kreis = on.gemeinde["kreis_key"] == "12062"
    assert on.gemeinde.loc[in_kreis, "covered"].all()
    assert not on.gemeinde.loc[~in_kreis, "covered"].any()
    assert set(on.gemeinde.loc[in_kreis, "how"]) == {"über Landkreis Elbe-Elster"}
    assert on.amt.loc[on.amt["kreis_key"] == "12062", "covered"].all()


def test_committed_never_counts_as_covered(layers):
    ev = events(
        ("amt", PLESSA, "committed", "2021-01-01"), ("gemeinde", "12062124", "committed", "2021-01-01")
    )
    tables = coverage_tables(layers, ev, dt.date(2022, 1, 1))
    gem = tables.gemeinde
    assert not gem["covered"].any()
    committed = gem[gem["committed"]]
    in_plessa = layers.frames["gemeinde"]["amt_key"].eq(PLESSA).fillna(False).sum()
    assert len(committed) == in_plessa + 1
    assert (committed["effective_status"] == "committed").all()
    figures = coverage_figures(tables)
    assert figures.total.gemeinden_covered == 0
    assert figures.total.gemeinden_committed == in_plessa + 1
    assert figures.total.members_by_status["committed"] == 2
    assert figures.total.members_by_status["member"] == 0


def test_one_body_one_status(layers):
    ev = events(
        ("amt", "120620124", "member", "2020-05-01"),  # Elsterwerda as an amtsfreie unit
        ("kreis", "12054", "member", "2020-02-20"),  # Potsdam as a Kreis
        ("gemeinde", "12054000", "in_talks", "2019-01-01"),  # older event of the same body
    )
    tables = coverage_tables(layers, ev, dt.date(2021, 1, 1))
    for key in ("12062124", "12054000"):
        gem = row(tables.gemeinde, key)
        assert gem["covered"] and gem["how"] == "selbst" and gem["status"] == "member"
    assert row(tables.kreis, "12054")["status"] == "member"
    assert coverage_figures(tables).total.members_by_status["member"] == 2


def test_earliest_path_is_reported(layers):
    gemeinde = layers.frames["gemeinde"].loc[layers.frames["gemeinde"]["amt_key"] == PLESSA, "key"].iat[0]
    ev = events(("amt", PLESSA, "member", "2020-03-01"), ("gemeinde", gemeinde, "member", "2021-03-01"))
    got = row(coverage_tables(layers, ev, dt.date(2022, 1, 1)).gemeinde, gemeinde)
    assert got["via"] == "amt" and got["since"].date() == dt.date(2020, 3, 1)
    assert got["status"] == "member" and got["status_since"].date() == dt.date(2021, 3, 1)


def test_unmatched_keys_are_reported_and_cover_nothing(layers):
    tables = coverage_tables(
        layers, events(("gemeinde", "12999999", "member", "2020-03-01")), dt.date(2021, 1, 1)
    )
    assert tables.unmatched["key"].tolist() == ["12999999"]
    assert not tables.gemeinde["covered"].any()
    assert coverage_figures(tables).unmatched_keys == ["12999999"]


def test_status_on_takes_the_latest_event_up_to_the_day():
    ev = check_events(
        events(
            ("gemeinde", "1", "requested", "2020-01-01"),
            ("gemeinde", "1", "member", "2020-06-01"),
            ("gemeinde", "2", "member", "2021-01-01"),
        )
    )
    state = status_on(ev, dt.date(2020, 6, 1))
    assert state[["key", "status"]].values.tolist() == [["1", "member"]]
    assert status_on(ev, dt.date(2020, 5, 31))["status"].tolist() == ["requested"]


def test_networks_are_kept_apart(layers):
    ev = events(("amt", PLESSA, "member", "2020-03-01"))
    other = events(("gemeinde", "12062124", "member", "2020-03-01"), network="Anderes Netzwerk")
    both = pd.concat([ev, other], ignore_index=True)
    with pytest.raises(ValueError, match="mehrere Netzwerke"):
        coverage_tables(layers, both)
    mine = coverage_tables(layers, both, network=NETWORK)
    assert mine.network == NETWORK and not row(mine.gemeinde, "12062124")["covered"]
    empty = coverage_tables(layers, both, network="Ohne Ereignisse")
    assert empty.network == "Ohne Ereignisse" and not empty.gemeinde["covered"].any()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("status", "mitglied", "unbekannter Wert"),
        ("level", "land", "unbekannter Wert"),
        ("effective_date", "gestern", "ungültiges Datum"),
    ],
)
def test_bad_events_get_a_clear_error(layers, column, value, message):
    ev = events(("amt", PLESSA, "member", "2020-03-01"), ("amt", PLESSA, "member", "2020-03-01"))
    ev[column] = ev[column].astype(object)
    ev.loc[1, column] = value
    with pytest.raises(ValueError, match=f"Zeile 1: {message}"):
        coverage_tables(layers, ev)


def test_no_events_means_nothing_covered(layers):
    tables = coverage_tables(layers, events(), dt.date(2021, 1, 1))
    assert tables.network is None
    assert not tables.gemeinde["covered"].any()
    assert np.all(tables.kreis["status"] == "not_contacted")
