"""The control bar and the one callback that owns the view state (URL <-> controls <-> store).

Every user action that changes what is shown arrives here; the callback turns it into a new
:class:`~dashboard.url_state.ViewState`, writes it to the URL (so links and back/forward work) and to
a store that all other sections read. Keeping it in one callback avoids circular callbacks.
"""

from __future__ import annotations

import datetime as dt
import json

from dash import ALL, Input, Output, State, callback_context, html, no_update

from lpr_geo import regions

from .. import browser_input, ids
from ..browser_input import MAX_SEARCH_CHARS, MAX_STOPS, BadInput
from ..inputs import commit_id, commit_store, register_commit, text_input
from ..services import Services
from ..text import german_date
from ..url_state import ViewState, unused_link_parameters

LEVELS = {"kreis": "Kreise", "amt": "Ämter", "gemeinde": "Gemeinden"}
WHOLE_STATE = "Ganz Brandenburg"
#: Longest text a field of the control bar commits (network names, Kreis names, dates are far shorter).
MAX_FIELD_CHARS = 200


def _text_field(label: str, field_id: str, options: list[str], value: str, **extra) -> list:
    """A labelled text input with suggestions (native <datalist>: works with keyboard and screen readers)."""
    return [
        html.Label(label, htmlFor=field_id),
        text_input(field_id, type="text", list=f"{field_id}-liste", value=value, autoComplete="off", **extra),
        commit_store(field_id),
        html.Datalist([html.Option(value=o) for o in options], id=f"{field_id}-liste"),
    ]


def layout(services: Services) -> html.Div:
    kreise = services.boundaries.layer("kreis", "land")
    networks = services.networks()
    return html.Form(
        [
            html.Div(
                _text_field("Netzwerk", ids.NETWORK, networks, networks[0] if networks else ""),
                className="field field-wide",
                hidden=len(networks) < 2,
            ),
            html.Div(
                [
                    html.Span("Ebene", id="ebene-titel", className="field-title"),
                    html.Div(
                        [
                            html.Button(
                                label,
                                id={"type": ids.LEVEL, "level": level},
                                type="button",
                                className="toggle",
                                **{"aria-pressed": "true" if level == "gemeinde" else "false"},
                            )
                            for level, label in LEVELS.items()
                        ],
                        role="group",
                        className="toggle-group",
                        **{"aria-labelledby": "ebene-titel"},
                    ),
                ],
                className="field",
            ),
            html.Div(
                _text_field("Kreis", ids.KREIS, [WHOLE_STATE, *kreise["name"]], WHOLE_STATE),
                className="field",
            ),
            html.Div(
                [
                    html.Label("Stand am (TT.MM.JJJJ)", htmlFor=ids.DATE),
                    text_input(
                        ids.DATE,
                        type="text",
                        value=german_date(dt.date.today()),
                        inputMode="numeric",
                        autoComplete="off",
                        className="date-field",
                    ),
                    commit_store(ids.DATE),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Gemeinde suchen", htmlFor=ids.SEARCH),
                    text_input(
                        ids.SEARCH,
                        type="search",
                        placeholder="Name, z. B. Elsterwerda",
                        autoComplete="off",
                        maxLength=MAX_SEARCH_CHARS,
                    ),
                    html.Ul(id=ids.SEARCH_HITS, className="search-hits", **{"aria-live": "polite"}),
                ],
                className="field field-wide search-field",
            ),
            html.P(id=ids.CONTROL_MESSAGE, role="status", className="control-message"),
        ],
        className="controls",
        role="search",
        **{"aria-label": "Ansicht wählen"},
    )


def parse_date(text: str | None, today: dt.date, founded: dt.date) -> tuple[dt.date | None, str]:
    """A date typed as TT.MM.JJJJ (or ISO), kept between the network's founding and today; with a message."""
    text = str(text or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            value = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        shown = text if len(text) <= 40 else text[:40] + "…"  # the message must not grow with the input
        return None, f"»{shown}« ist kein Datum. Bitte als TT.MM.JJJJ eingeben, z. B. 01.01.2021."
    if value < founded:
        return founded, f"Das Netzwerk besteht seit dem {german_date(founded)}; gezeigt wird dieser Tag."
    if value > today:
        return today, "Zukünftige Daten sind nicht möglich; gezeigt wird der heutige Stand."
    return value, ""


def _component_id(prop_id: str) -> str | dict:
    """``"kreis.n_submit"`` -> ``"kreis"``; pattern-matching ids come back as their dict."""
    component = prop_id.rsplit(".", 1)[0]
    return json.loads(component) if component.startswith("{") else component


def _not_added(names: list[str]) -> str:
    """``»A« wurde`` / ``»A« und »B« wurden`` / ``»A«, »B«, »C« und 4 weitere wurden`` nicht hinzugefügt."""
    quoted = [f"»{name}«" for name in names[:3]]
    if len(names) > 3:
        listed = f"{', '.join(quoted)} und {len(names) - 3} weitere"
    else:
        listed = " und ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    return f"{listed} {'wurde' if len(names) == 1 else 'wurden'} nicht hinzugefügt"


def _link_message(notes: list[str]) -> str:
    if not notes:
        return ""
    return f"Der Link enthält Angaben, die nicht passen: {'; '.join(notes)}. Angezeigt wird die Voreinstellung."


def register(app, services: Services) -> None:
    kreise = services.boundaries.layer("kreis", "land")
    kreis_by_name = {name.casefold(): key for key, name in zip(kreise["key"], kreise["name"], strict=True)}
    kreis_names = dict(zip(kreise["key"], kreise["name"], strict=True))
    gemeinde_kreis = services.boundaries.layer("gemeinde", "land").set_index("key")["kreis_key"].to_dict()
    level_ids = [{"type": ids.LEVEL, "level": level} for level in LEVELS]
    layers = services.layers

    def region_name(key: str) -> str:
        level = next(lvl for lvl in LEVELS if key in layers.index[lvl])
        return str(layers.frames[level]["name"].iat[layers.index[level][key]])

    def with_stops(view: ViewState, added: tuple[str, ...]) -> tuple[ViewState, str]:
        """The view with ``added`` appended to its stops, up to :data:`MAX_STOPS`; a message names the rest."""
        stops = tuple(dict.fromkeys(view.stops + added))
        if len(stops) <= MAX_STOPS:
            return view.with_changes(stops=stops), ""
        left_out = [region_name(key) for key in stops[MAX_STOPS:]]
        message = f"Höchstens {MAX_STOPS} Stationen je Route; {_not_added(left_out)}."
        return view.with_changes(stops=stops[:MAX_STOPS]), message

    def current(search: str | None) -> ViewState:
        return ViewState.from_query(search, services.known_values())

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.VIEW, "data"),
        Output(ids.NETWORK, "value"),
        Output(ids.KREIS, "value"),
        Output(ids.DATE, "value"),
        Output({"type": ids.LEVEL, "level": ALL}, "aria-pressed"),
        Output(ids.CONTROL_MESSAGE, "children"),
        Input(ids.URL, "search"),
        register_commit(app, ids.NETWORK),
        Input({"type": ids.LEVEL, "level": ALL}, "n_clicks"),
        register_commit(app, ids.KREIS),
        register_commit(app, ids.DATE),
        Input({"type": ids.SEARCH_HIT, "key": ALL}, "n_clicks"),
        Input(ids.MAP, "clickData"),
        Input(ids.MAP_TABLE, "selectedRows"),
        Input(ids.GAPS_GRID, "selectedRows"),
        Input(ids.GAPS_TO_ROUTE, "n_clicks"),
        Input(ids.ADD_REGION_TO_ROUTE, "n_clicks"),
        Input(ids.ROUTE_CLEAR, "n_clicks"),
        State(ids.VIEW, "data"),
    )
    def reduce_view(search, *events_and_state):
        stored = events_and_state[-1]  # the events are read from callback_context.triggered
        today = dt.date.today()
        if not stored or any(
            item["prop_id"].startswith(f"{ids.URL}.") for item in callback_context.triggered
        ):
            view = current(search)  # first load, a link, back/forward: the URL is the truth
            return (
                no_update,
                view.to_store(),
                view.network,
                kreis_names.get(view.kreis, WHOLE_STATE),
                german_date(view.on),
                ["true" if level_id["level"] == view.level else "false" for level_id in level_ids],
                _link_message(unused_link_parameters(search, view)),
            )
        known = services.known_values()
        before = ViewState.from_store(stored, known)
        view, messages, committed = before, [], set()
        # Dash hands over every event since the last call (Enter in one field, leaving another): fold them all
        for item in callback_context.triggered:
            trigger = _component_id(item["prop_id"])
            view, message = apply_event(trigger, item["value"], view, known)
            if message:
                messages.append(message)
            elif isinstance(trigger, str):  # pattern-matching ids are dicts; no field of those is committed
                committed.add(trigger)
        if view == before and not messages:
            # a button only re-rendered, Enter then leaving a field, tabbing through: nothing to redraw
            return (*(no_update,) * 5, [no_update] * len(LEVELS), "")

        def field(component_id: str, changed: bool, text: str):
            # a field is rewritten only when its value changed or it was committed (normalised spelling):
            # never the field the user is typing in, and never a field whose input was refused
            return text if changed or commit_id(component_id) in committed else no_update

        return (
            view.to_query(services.networks()[0], today),
            view.to_store(),
            field(ids.NETWORK, view.network != before.network, view.network),
            field(ids.KREIS, view.kreis != before.kreis, kreis_names.get(view.kreis, WHOLE_STATE)),
            field(ids.DATE, view.on != before.on, german_date(view.on)),
            ["true" if level_id["level"] == view.level else "false" for level_id in level_ids],
            " ".join(messages),
        )

    def apply_event(trigger, value, view: ViewState, known) -> tuple[ViewState, str]:
        """The view after one user event, and a German message if its input could not be used.

        The event's value and a pattern-matching id are the browser's word: parsed by
        :mod:`dashboard.browser_input`, which refuses what no page sends.
        """
        if not value and trigger not in (ids.MAP_TABLE, ids.GAPS_GRID):
            return view, ""  # a button or search hit that was only (re)rendered, not pressed
        if isinstance(trigger, dict) and trigger.get("type") == ids.LEVEL:
            if trigger.get("level") not in LEVELS:
                raise BadInput("Ebene: unbekannt.")
            return view.with_changes(level=trigger["level"]), ""
        if isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_HIT:
            found = trigger.get("key")
            if found not in gemeinde_kreis:
                raise BadInput("Suchtreffer: unbekannte Gemeinde.")
            return view.with_changes(
                region=found, kreis=gemeinde_kreis.get(found), level="gemeinde", selected=(found,)
            ), ""
        if trigger == commit_id(ids.NETWORK):
            network = browser_input.committed_text(value, "Netzwerk", MAX_FIELD_CHARS)
            if network in known.networks:
                return view.with_changes(network=network, on=known.date_within(network, view.on)), ""
            return view, f"Netzwerk »{network}« gibt es nicht; bitte aus der Liste wählen."
        if trigger == commit_id(ids.KREIS):
            wanted = browser_input.committed_text(value, "Kreis", MAX_FIELD_CHARS).strip()
            key = None if wanted in ("", WHOLE_STATE) else kreis_by_name.get(wanted.casefold())
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
            return with_stops(view, view.selected)
        if trigger == ids.ADD_REGION_TO_ROUTE and view.region in known.regions:
            return with_stops(view, (view.region,))
        if trigger == ids.ROUTE_CLEAR:
            return view.with_changes(stops=()), ""
        return view, ""

    @app.callback(Output(ids.SEARCH_HITS, "children"), Input(ids.SEARCH, "value"), prevent_initial_call=True)
    def search_hits(text):
        text = browser_input.text(text, "Suche", MAX_SEARCH_CHARS)
        if len(text.strip()) < 2:
            return []
        index = regions(services.boundaries)
        hits = index.search("gemeinde", text)
        if not hits:
            return [html.Li("Keine Gemeinde gefunden.", className="search-none")]
        return [
            html.Li(
                html.Button(
                    f"{r.name} ({index.kreis_name(r.kreis_key)})",
                    id={"type": ids.SEARCH_HIT, "key": r.key},
                    type="button",
                    className="link-button",
                )
            )
            for r in hits
        ]
