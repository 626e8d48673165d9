"""The view reducer, event by event, without a server or a browser: what each user action makes of the view."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dash import no_update

from dashboard import deferred, ids
from dashboard.browser_input import BadInput, KnownValues
from dashboard.inputs import commit_id
from dashboard.url_state import ViewState
from dashboard.view_reducer import WHOLE_STATE, Places, ViewReply, reduce_view
from lpr_geo import MAX_STOPS, PARTICIPANT_LEVELS, load_layers
from lpr_geo.register.models import DEFAULT_NETWORK

TODAY = dt.date(2026, 3, 15)
FOUNDED = dt.date(2020, 2, 20)  # the sample register's network
OTHER_NETWORK = "Präventionsräte Süd"
ELSTERWERDA, ELBE_ELSTER = "12062124", "12062"
BAD_LIEBENWERDA = "12062024"


@pytest.fixture(scope="module")
def layers():
    return load_layers()


@pytest.fixture(scope="module")
def places(layers) -> Places:
    return Places.from_layers(layers)


@pytest.fixture(scope="module")
def known(layers) -> KnownValues:
    regions = {key: level for level in PARTICIPANT_LEVELS for key in layers.index[level]}
    founded = {DEFAULT_NETWORK: FOUNDED, OTHER_NETWORK: FOUNDED}
    return KnownValues(
        (DEFAULT_NETWORK, OTHER_NETWORK), regions, frozenset(layers.index["kreis"]), TODAY, founded
    )


@pytest.fixture
def start() -> ViewState:
    return ViewState(network=DEFAULT_NETWORK, on=TODAY)


def pattern(**component) -> str:
    """A pattern-matching id as Dash names it in ``prop_id`` (keys sorted, no spaces)."""
    return json.dumps(component, sort_keys=True, separators=(",", ":"))


def committed(field: str, text: str) -> tuple[str, dict]:
    """The event of a field committed with Enter or by leaving it."""
    return f"{commit_id(field)}.data", {"text": text, "at": 1}


def relayed(component: str, value: object) -> tuple[str, dict]:
    """The event of a part loaded after the map, as its relay store reports it."""
    return f"{deferred.relay_id(component)}.data", {"value": value, "at": 1}


def reduce(view: ViewState, known, places, *events) -> tuple[ViewState, ViewReply]:
    """Apply events to a view as the control bar's callback does; the new view and the whole reply."""
    reply = reduce_view(view.to_query(DEFAULT_NETWORK, TODAY), view.to_store(), events, known, places)
    new = view if reply.store is no_update else ViewState.from_store(reply.store, known)
    return new, reply


# --- the URL ------------------------------------------------------------------------------------------


def test_first_load_takes_the_view_from_the_link_and_names_what_it_could_not_use(known, places):
    reply = reduce_view("?ebene=amt&kreis=99999&stand=2023-06-30", None, [], known, places)
    view = ViewState.from_store(reply.store, known)
    assert (view.level, view.kreis, view.on) == ("amt", None, dt.date(2023, 6, 30))
    assert reply.search is no_update  # the link stays as it was typed
    assert (reply.date_field, reply.kreis_field) == ("30.06.2023", WHOLE_STATE)
    assert reply.pressed == ["false", "true", "false"]
    assert reply.message == (
        "Der Link enthält Angaben, die nicht passen: Kreis »99999« ist unbekannt. Angezeigt wird die Voreinstellung."
    )


def test_back_and_forward_take_the_view_from_the_url_again(known, places, start):
    stored = start.with_changes(level="kreis").to_store()
    reply = reduce_view(f"?region={ELSTERWERDA}", stored, [(f"{ids.URL}.search", "")], known, places)
    view = ViewState.from_store(reply.store, known)
    assert (view.level, view.region) == ("gemeinde", ELSTERWERDA)


# --- level, Kreis, date, network ------------------------------------------------------------------------


def test_level_switch(known, places, start):
    view, reply = reduce(start, known, places, (f"{pattern(type=ids.LEVEL, level='amt')}.n_clicks", 1))
    assert view.level == "amt"
    assert reply.search == "?ebene=amt" and reply.pressed == ["false", "true", "false"]
    assert (reply.network_field, reply.kreis_field, reply.date_field) == (no_update,) * 3


def test_a_button_that_was_only_rendered_changes_nothing(known, places, start):
    _, reply = reduce(start, known, places, (f"{pattern(type=ids.LEVEL, level='amt')}.n_clicks", None))
    assert reply == ViewReply(*(no_update,) * 5, [no_update] * 3, "")


def test_a_level_no_page_offers_is_refused(known, places, start):
    with pytest.raises(BadInput, match="Ebene"):
        reduce(start, known, places, (f"{pattern(type=ids.LEVEL, level='land')}.n_clicks", 1))


def test_kreis_by_name_in_any_case_zooms_in_to_its_gemeinden(known, places, start):
    view, reply = reduce(
        start.with_changes(level="kreis"), known, places, committed(ids.KREIS, " elbe-elster ")
    )
    assert (view.kreis, view.level) == (ELBE_ELSTER, "gemeinde")
    assert reply.kreis_field == "Elbe-Elster"  # the committed field gets the list's spelling
    assert reply.search == f"?kreis={ELBE_ELSTER}"


@pytest.mark.parametrize(
    ("typed", "kreis"),
    [
        ("Elbe Elster", ELBE_ELSTER),
        ("oder-spree", "12067"),
        ("Landkreis Märkisch Oderland", "12064"),
        ("maerkisch-oderland", "12064"),
        ("Potsdam", "12054"),  # the kreisfreie Stadt, not Potsdam-Mittelmark
        ("potsdam mittelmark", "12069"),
        ("Frankfurt Oder", "12053"),
    ],
)
def test_the_kreis_field_is_as_tolerant_as_the_gemeinde_search(known, places, start, typed, kreis):
    view, reply = reduce(start, known, places, committed(ids.KREIS, typed))
    assert view.kreis == kreis
    assert reply.kreis_field == places.kreis_names[kreis]


def test_whole_state_leaves_the_kreis(known, places, start):
    view, reply = reduce(
        start.with_changes(kreis=ELBE_ELSTER), known, places, committed(ids.KREIS, WHOLE_STATE)
    )
    assert view.kreis is None and reply.kreis_field == WHOLE_STATE


def test_an_unknown_kreis_is_named_and_the_field_keeps_what_was_typed(known, places, start):
    view, reply = reduce(start, known, places, committed(ids.KREIS, "Atlantis"))
    assert view == start
    assert reply.message == "Kreis »Atlantis« nicht gefunden; bitte aus der Liste wählen."
    assert reply.kreis_field is no_update


@pytest.mark.parametrize("typed", ["30.06.2023", "2023-06-30", "30.06.23"])
def test_date_typed_in_german_or_iso(known, places, start, typed):
    view, reply = reduce(start, known, places, committed(ids.DATE, typed))
    assert view.on == dt.date(2023, 6, 30)
    assert reply.date_field == "30.06.2023" and reply.message == ""
    assert reply.search == "?stand=2023-06-30"


def test_a_wrong_date_is_named_and_the_view_stays(known, places, start):
    view, reply = reduce(start, known, places, committed(ids.DATE, "31.02.2023"))
    assert view == start and reply.date_field is no_update
    assert reply.message == "»31.02.2023« ist kein Datum. Bitte als TT.MM.JJJJ eingeben, z. B. 01.01.2021."


def test_an_empty_date_asks_for_one_and_never_quotes_nothing(known, places, start):
    view, reply = reduce(start, known, places, committed(ids.DATE, "  "))
    assert view == start
    assert reply.message == "Bitte ein Datum als TT.MM.JJJJ eingeben, z. B. 01.01.2021."


def test_dates_before_the_founding_and_in_the_future_are_moved_and_said_so(known, places, start):
    view, reply = reduce(start, known, places, committed(ids.DATE, "01.01.2019"))
    assert view.on == FOUNDED and reply.date_field == "20.02.2020"
    assert reply.message == "Das Netzwerk besteht seit dem 20.02.2020; gezeigt wird dieser Tag."
    earlier = start.with_changes(on=dt.date(2022, 1, 1))
    view, reply = reduce(earlier, known, places, committed(ids.DATE, "01.01.2030"))
    assert view.on == TODAY
    assert reply.message == "Zukünftige Daten sind nicht möglich; gezeigt wird der heutige Stand."


def test_network(known, places, start):
    view, reply = reduce(start, known, places, committed(ids.NETWORK, OTHER_NETWORK))
    assert view.network == OTHER_NETWORK and reply.network_field == OTHER_NETWORK
    assert "netz=" in reply.search
    view, reply = reduce(start, known, places, committed(ids.NETWORK, "Geheimbund"))
    assert view == start
    assert reply.message == "Netzwerk »Geheimbund« gibt es nicht; bitte aus der Liste wählen."


def test_events_that_arrive_together_are_all_applied_and_only_changed_fields_rewritten(known, places, start):
    view, reply = reduce(
        start, known, places, committed(ids.DATE, "30.06.2023"), committed(ids.KREIS, "Atlantis")
    )
    assert view.on == dt.date(2023, 6, 30) and view.kreis is None
    assert reply.date_field == "30.06.2023" and reply.kreis_field is no_update
    assert reply.network_field is no_update  # never the field the user may be typing in
    assert "Atlantis" in reply.message


# --- search, map and tables -----------------------------------------------------------------------------


def test_search_hit_selects_the_gemeinde_in_its_kreis(known, places, start):
    view, _ = reduce(start, known, places, (f"{pattern(type=ids.SEARCH_HIT, key=ELSTERWERDA)}.n_clicks", 1))
    assert (view.region, view.kreis, view.level, view.selected) == (
        ELSTERWERDA,
        ELBE_ELSTER,
        "gemeinde",
        (ELSTERWERDA,),
    )


def test_a_search_hit_no_page_offered_is_refused(known, places, start):
    with pytest.raises(BadInput, match="Suchtreffer"):
        reduce(start, known, places, (f"{pattern(type=ids.SEARCH_HIT, key='99999999')}.n_clicks", 1))


def test_map_click_shows_the_region_and_a_click_beside_changes_nothing(known, places, start):
    view, _ = reduce(start, known, places, (f"{ids.MAP}.clickData", {"points": [{"location": ELSTERWERDA}]}))
    assert view.region == ELSTERWERDA
    view, reply = reduce(start, known, places, (f"{ids.MAP}.clickData", {"points": [{"x": 1}]}))
    assert view == start and reply.store is no_update
    with pytest.raises(BadInput, match="Klick in die Karte"):
        reduce(start, known, places, (f"{ids.MAP}.clickData", {"points": "alle"}))


def test_map_table_row_shows_the_region(known, places, start):
    view, _ = reduce(start, known, places, relayed(ids.MAP_TABLE, [{"key": ELSTERWERDA}]))
    assert view.region == ELSTERWERDA
    view, _ = reduce(view, known, places, relayed(ids.MAP_TABLE, []))
    assert view.region == ELSTERWERDA  # deselecting keeps the detail


def test_gap_list_selection_keeps_known_keys_once(known, places, start):
    rows = [{"key": ELSTERWERDA}, {"key": "99999999"}, {"key": ELSTERWERDA}, {"key": BAD_LIEBENWERDA}]
    view, reply = reduce(start, known, places, relayed(ids.GAPS_GRID, rows))
    assert view.selected == (ELSTERWERDA, BAD_LIEBENWERDA)
    assert reply.search == f"?auswahl={ELSTERWERDA}%2C{BAD_LIEBENWERDA}"
    view, _ = reduce(view, known, places, relayed(ids.GAPS_GRID, []))
    assert view.selected == ()
    with pytest.raises(BadInput, match="Auswahl"):
        reduce(start, known, places, relayed(ids.GAPS_GRID, "alle"))


# --- route ----------------------------------------------------------------------------------------------


def test_route_from_the_gap_list_and_the_region_detail_then_cleared(known, places, start):
    selected = start.with_changes(selected=(ELSTERWERDA, BAD_LIEBENWERDA))
    view, _ = reduce(selected, known, places, relayed(ids.GAPS_TO_ROUTE, 1))
    assert view.stops == (ELSTERWERDA, BAD_LIEBENWERDA)
    view, _ = reduce(
        view.with_changes(region=ELBE_ELSTER), known, places, (f"{ids.ADD_REGION_TO_ROUTE}.n_clicks", 1)
    )
    assert view.stops == (ELSTERWERDA, BAD_LIEBENWERDA, ELBE_ELSTER)
    again, reply = reduce(view, known, places, (f"{ids.ADD_REGION_TO_ROUTE}.n_clicks", 2))
    assert again.stops == view.stops and reply.store is no_update  # a stop is on the route once
    cleared, reply = reduce(view, known, places, relayed(ids.ROUTE_CLEAR, 1))
    assert cleared.stops == () and "stopps" not in reply.search


def test_region_detail_without_a_region_adds_nothing(known, places, start):
    view, reply = reduce(start, known, places, (f"{ids.ADD_REGION_TO_ROUTE}.n_clicks", 1))
    assert view.stops == () and reply.store is no_update


def test_the_route_stops_at_25_and_names_the_regions_left_out(known, places, start, layers):
    gemeinden = list(layers.index["gemeinde"])
    full = start.with_changes(stops=tuple(gemeinden[: MAX_STOPS - 1]))
    two = full.with_changes(selected=tuple(gemeinden[MAX_STOPS - 1 : MAX_STOPS + 2]))
    view, reply = reduce(two, known, places, relayed(ids.GAPS_TO_ROUTE, 1))
    assert view.stops == tuple(gemeinden[:MAX_STOPS])
    names = [places.region_names[key] for key in gemeinden[MAX_STOPS : MAX_STOPS + 2]]
    assert (
        reply.message
        == f"Höchstens 25 Stationen je Route; »{names[0]}« und »{names[1]}« wurden nicht hinzugefügt."
    )
    five = full.with_changes(selected=tuple(gemeinden[MAX_STOPS - 1 : MAX_STOPS + 5]))
    _, reply = reduce(five, known, places, relayed(ids.GAPS_TO_ROUTE, 1))
    assert reply.message.endswith("und 2 weitere wurden nicht hinzugefügt.")
    one = full.with_changes(stops=tuple(gemeinden[:MAX_STOPS]), region=gemeinden[MAX_STOPS])
    _, reply = reduce(one, known, places, (f"{ids.ADD_REGION_TO_ROUTE}.n_clicks", 1))
    assert reply.message.endswith(f"»{places.region_names[gemeinden[MAX_STOPS]]}« wurde nicht hinzugefügt.")
