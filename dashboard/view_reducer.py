"""The view reducer: every user event that changes what the dashboard shows, folded into a new view.

The control bar's one callback (:mod:`dashboard.views.controls`) hands the events Dash reports to
:func:`reduce_view` and returns what it answers; everything here is a plain function of the previous
view, the events' values, what the browser may name (:class:`~dashboard.browser_input.KnownValues`) and
the places of the active boundary layers (:class:`Places`), so it is tested without a server or browser.
The events' values are the browser's word: :mod:`dashboard.browser_input` parses them and raises
:class:`~dashboard.browser_input.BadInput` for what no page sends.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from dash import no_update

from lpr_geo import MAX_STOPS, Layers, normalise_name
from lpr_geo import vocabulary as words
from lpr_geo.vocabulary import LEVELS, STOP, enumeration

from . import browser_input, deferred, ids
from .browser_input import BadInput, KnownValues
from .inputs import commit_id
from .url_state import ViewState, unused_link_parameters

WHOLE_STATE = "Ganz Brandenburg"
#: Longest text a field of the control bar commits (network names, Kreis names, dates are far shorter).
MAX_FIELD_CHARS = 200


@dataclass(frozen=True)
class Places:
    """What the reducer needs to know of the active boundary layers: names and the Kreis of a Gemeinde."""

    kreis_names: Mapping[str, str]  # Kreis key -> name
    kreis_by_name: Mapping[str, str]  # Kreis name as the Gemeinde search compares it -> key
    gemeinde_kreis: Mapping[str, str]  # Gemeinde key -> Kreis key
    region_names: Mapping[str, str]  # key of any level -> name

    @classmethod
    def from_layers(cls, layers: Layers) -> Places:
        """The places of the layers (built once per app)."""
        kreise, gemeinden = layers.frames["kreis"], layers.frames["gemeinde"]
        kreis_names = dict(zip(kreise["key"], kreise["name"], strict=True))
        return cls(
            kreis_names=kreis_names,
            kreis_by_name={normalise_name(name): key for key, name in kreis_names.items()},
            gemeinde_kreis=dict(zip(gemeinden["key"], gemeinden["kreis_key"], strict=True)),
            region_names={
                key: name
                for frame in layers.frames.values()
                for key, name in zip(frame["key"], frame["name"], strict=True)
            },
        )

    def kreis_field(self, kreis: str | None) -> str:
        """What the Kreis field shows for a view's Kreis."""
        return self.kreis_names.get(kreis, WHOLE_STATE) if kreis else WHOLE_STATE


def parse_date(text: str | None, today: dt.date, founded: dt.date) -> tuple[dt.date | None, str]:
    """A date typed as TT.MM.JJJJ (or ISO), kept between the network's founding and today; with a message."""
    text = str(text or "").strip()
    if not text:
        return None, "Bitte ein Datum als TT.MM.JJJJ eingeben, z. B. 01.01.2021."
    try:
        value = words.parse_date(text)  # the one parser of dates as users type them
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"  # the message must not grow with the input
        return None, f"»{shown}« ist kein Datum. Bitte als TT.MM.JJJJ eingeben, z. B. 01.01.2021."
    if value < founded:
        return founded, f"Das Netzwerk besteht seit dem {words.date(founded)}; gezeigt wird dieser Tag."
    if value > today:
        return today, "Zukünftige Daten sind nicht möglich; gezeigt wird der heutige Stand."
    return value, ""


def _not_added(names: list[str]) -> str:
    """``»A« wurde`` / ``»A« und »B« wurden`` / ``»A«, »B«, »C« und 4 weitere wurden`` nicht hinzugefügt."""
    listed = [f"»{name}«" for name in names[:3]] + ([f"{len(names) - 3} weitere"] if len(names) > 3 else [])
    return f"{enumeration(listed)} {'wurde' if len(names) == 1 else 'wurden'} nicht hinzugefügt"


def with_stops(view: ViewState, added: Iterable[str], places: Places) -> tuple[ViewState, str]:
    """The view with ``added`` appended to its stops, up to :data:`MAX_STOPS`; a message names the rest."""
    stops = tuple(dict.fromkeys((*view.stops, *added)))
    if len(stops) <= MAX_STOPS:
        return view.with_changes(stops=stops), ""
    left_out = [places.region_names.get(key, key) for key in stops[MAX_STOPS:]]
    message = f"Höchstens {STOP.count(MAX_STOPS)} je Route; {_not_added(left_out)}."
    return view.with_changes(stops=stops[:MAX_STOPS]), message


#: Events of the parts loaded after the map arrive through relay stores (see :mod:`dashboard.deferred`).
RELAYED = {
    deferred.relay_id(component): component
    for component in (ids.MAP_TABLE, ids.GAPS_GRID, ids.GAPS_TO_ROUTE, ids.ROUTE_CLEAR)
}


def apply_event(
    trigger: str | dict, value: object, view: ViewState, known: KnownValues, places: Places
) -> tuple[ViewState, str]:
    """The view after one user event, and a German message if its input could not be used.

    Parameters
    ----------
    trigger : str or dict
        The component that reported the event: an id of :mod:`dashboard.ids` (the commit store of a
        field, see :func:`dashboard.inputs.commit_id`) or a pattern-matching id (level button, search hit).
    value : object
        The event's value as Dash reports it (clicks, committed text, click data, selected rows).
    view : ViewState
        The view before the event.
    known, places
        What the browser may name, and the places of the active layers.

    Raises
    ------
    BadInput
        For values no page of the app sends.
    """
    if (
        isinstance(trigger, str) and trigger in RELAYED
    ):  # an event of a part loaded after the map (see dashboard.deferred)
        trigger, value = RELAYED[trigger], deferred.relayed(value)
    if not value and trigger not in (ids.MAP_TABLE, ids.GAPS_GRID):
        return view, ""  # a button or search hit that was only (re)rendered, not pressed
    if isinstance(trigger, dict) and trigger.get("type") == ids.LEVEL:
        if trigger.get("level") not in LEVELS:
            raise BadInput("Ebene: unbekannt.")
        return view.with_changes(level=trigger["level"]), ""
    if isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_HIT:
        found = trigger.get("key")
        if found not in places.gemeinde_kreis:
            raise BadInput("Suchtreffer: unbekannte Gemeinde.")
        return view.with_changes(
            region=found, kreis=places.gemeinde_kreis[found], level="gemeinde", selected=(found,)
        ), ""
    if trigger == commit_id(ids.NETWORK):
        network = browser_input.committed_text(value, "Netzwerk", MAX_FIELD_CHARS)
        if network in known.networks:
            return view.with_changes(network=network, on=known.date_within(network, view.on)), ""
        return view, f"Netzwerk »{network}« gibt es nicht; bitte aus der Liste wählen."
    if trigger == commit_id(ids.KREIS):
        wanted = browser_input.committed_text(value, "Kreis", MAX_FIELD_CHARS).strip()
        # as tolerant as the Gemeinde search: "Elbe Elster", "oder-spree", "Landkreis Märkisch Oderland"
        key = None if wanted in ("", WHOLE_STATE) else places.kreis_by_name.get(normalise_name(wanted))
        if wanted not in ("", WHOLE_STATE) and key is None:
            return view, f"Kreis »{wanted}« nicht gefunden; bitte aus der Liste wählen."
        # choosing a Kreis zooms in and switches to the finer geometry
        return view.with_changes(
            kreis=key, level="gemeinde" if key and view.level == "kreis" else view.level
        ), ""
    if trigger == commit_id(ids.DATE):
        typed = browser_input.committed_text(value, "Datum", MAX_FIELD_CHARS)
        on, message = parse_date(typed, known.today, known.founded[view.network])
        return (view if on is None else view.with_changes(on=on)), message
    if trigger == ids.MAP:
        key = browser_input.clicked_region(value, known)
        return (view.with_changes(region=key) if key else view), ""
    if trigger == ids.MAP_TABLE:
        keys = browser_input.row_keys(value, known, "Karte als Tabelle")
        return (view.with_changes(region=keys[0]) if keys else view), ""
    if trigger == ids.GAPS_GRID:
        return view.with_changes(selected=browser_input.row_keys(value, known, "Auswahl")), ""
    if trigger == ids.GAPS_TO_ROUTE:
        return with_stops(view, view.selected, places)
    if trigger == ids.ADD_REGION_TO_ROUTE and view.region in known.regions:
        return with_stops(view, (view.region,), places)
    if trigger == ids.ROUTE_CLEAR:
        return view.with_changes(stops=()), ""
    return view, ""


class ViewReply(NamedTuple):
    """What the control bar's callback writes, in its outputs' order; ``no_update`` leaves a part as it is."""

    search: object  # the URL's query string
    store: object  # the view as the other sections read it
    network_field: object
    kreis_field: object
    date_field: object
    pressed: list  # aria-pressed of the level buttons, in the order of LEVELS
    message: str


def _pressed(view: ViewState) -> list[str]:
    return ["true" if level == view.level else "false" for level in LEVELS]


def _link_message(notes: list[str]) -> str:
    if not notes:
        return ""
    return (
        f"Der Link enthält Angaben, die nicht passen: {'; '.join(notes)}. Angezeigt wird die Voreinstellung."
    )


def _component_id(prop_id: str) -> str | dict:
    """``"kreis.n_submit"`` -> ``"kreis"``; pattern-matching ids come back as their dict."""
    component = prop_id.rsplit(".", 1)[0]
    return json.loads(component) if component.startswith("{") else component


def reduce_view(
    search: str | None,
    stored: object,
    triggered: Iterable[tuple[str, object]],
    known: KnownValues,
    places: Places,
) -> ViewReply:
    """The new view after the events Dash reports at once, and what the page shows of it.

    Parameters
    ----------
    search : str or None
        The URL's query string.
    stored : object
        The view store as the browser sent it (``None`` before the first view).
    triggered : iterable of (prop id, value)
        The events in Dash's order (``"kreis-eingabe.data"``, pattern ids as JSON): Enter in one field
        and leaving another arrive together, and all are folded in.
    known, places
        What the browser may name, and the places of the active layers.

    Returns
    -------
    ViewReply
        On the first load, a link or back/forward (the URL changed) the URL's view with a note on the
        parameters it could not use; otherwise the view after the events, with the URL only rewritten
        when the view changed, and each field only when its value changed or it was committed (never
        the field the user is typing in, never one whose input was refused).
    """
    triggered = list(triggered)
    if not stored or any(prop_id.startswith(f"{ids.URL}.") for prop_id, _ in triggered):
        view = ViewState.from_query(search, known)
        return ViewReply(
            no_update,
            view.to_store(),
            view.network,
            places.kreis_field(view.kreis),
            words.date(view.on),
            _pressed(view),
            _link_message(unused_link_parameters(search, view)),
        )
    before = ViewState.from_store(stored, known)
    view, messages, committed = before, [], set()
    for prop_id, value in triggered:
        trigger = _component_id(prop_id)
        view, message = apply_event(trigger, value, view, known, places)
        if message:
            messages.append(message)
        elif isinstance(trigger, str):  # pattern-matching ids are dicts; no field of those is committed
            committed.add(trigger)
    if view == before and not messages:
        # a button only re-rendered, Enter then leaving a field, tabbing through: nothing to redraw
        return ViewReply(no_update, no_update, no_update, no_update, no_update, [no_update] * len(LEVELS), "")

    def field(component_id: str, changed: bool, text: str):
        return text if changed or commit_id(component_id) in committed else no_update

    return ViewReply(
        view.to_query(known.networks[0], known.today),
        view.to_store(),
        field(ids.NETWORK, view.network != before.network, view.network),
        field(ids.KREIS, view.kreis != before.kreis, places.kreis_field(view.kreis)),
        field(ids.DATE, view.on != before.on, words.date(view.on)),
        _pressed(view),
        " ".join(messages),
    )
