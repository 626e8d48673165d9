"""The control bar and the one callback that owns the view state (URL <-> controls <-> store).

Every user action that changes what is shown arrives here; the callback hands the events to
:func:`dashboard.view_reducer.reduce_view`, which makes a new :class:`~dashboard.url_state.ViewState`
of them, and writes it to the URL (so links and back/forward work) and to a store that all other
sections read. Keeping it in one callback avoids circular callbacks.
"""

from __future__ import annotations

import datetime as dt

from dash import ALL, Input, Output, State, callback_context, html

from lpr_geo import regions
from lpr_geo import vocabulary as words
from lpr_geo.vocabulary import LEVELS

from .. import browser_input, deferred, ids
from ..browser_input import MAX_SEARCH_CHARS
from ..forms import committed_field
from ..inputs import register_commit, text_input
from ..services import Services
from ..view_reducer import WHOLE_STATE, Places, reduce_view


def _suggesting(label: str, field_id: str, options: list[str], value: str) -> list:
    """A field of the bar that suggests its values and acts on Enter or when left."""
    return committed_field(label, field_id, (f"{field_id}-liste", options), type="text", value=value)


def layout(services: Services) -> html.Div:
    kreise = services.boundaries.layer("kreis", "land")
    networks = services.networks()
    return html.Form(
        [
            html.Div(
                _suggesting("Netzwerk", ids.NETWORK, networks, networks[0] if networks else ""),
                className="field field-wide",
                hidden=len(networks) < 2,
            ),
            html.Div(
                [
                    html.Span("Ebene", id=ids.LEVEL_TITLE, className="field-title"),
                    html.Div(
                        [
                            html.Button(
                                words.label,
                                id={"type": ids.LEVEL, "level": level},
                                type="button",
                                className="toggle",
                                **{"aria-pressed": "true" if level == "gemeinde" else "false"},
                            )
                            for level, words in LEVELS.items()
                        ],
                        role="group",
                        className="toggle-group",
                        **{"aria-labelledby": ids.LEVEL_TITLE},
                    ),
                ],
                className="field",
            ),
            html.Div(
                _suggesting("Kreis", ids.KREIS, [WHOLE_STATE, *kreise["name"]], WHOLE_STATE),
                className="field",
            ),
            html.Div(
                committed_field(
                    "Stand am (TT.MM.JJJJ)",
                    ids.DATE,
                    type="text",
                    value=words.date(dt.date.today()),
                    inputMode="numeric",
                    className="date-field",
                ),
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


def register(app, services: Services) -> None:
    places = Places.from_layers(services.layers)

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
        deferred.relay(app, ids.MAP_TABLE, "selectedRows"),
        deferred.relay(app, ids.GAPS_GRID, "selectedRows"),
        deferred.relay(app, ids.GAPS_TO_ROUTE, "n_clicks"),
        Input(ids.ADD_REGION_TO_ROUTE, "n_clicks"),
        deferred.relay(app, ids.ROUTE_CLEAR, "n_clicks"),
        State(ids.VIEW, "data"),
    )
    def view_callback(search, *events_and_state):
        # the events are read from callback_context.triggered: Dash hands over every event since the
        # last call (Enter in one field, leaving another)
        triggered = [(item["prop_id"], item["value"]) for item in callback_context.triggered]
        return tuple(reduce_view(search, events_and_state[-1], triggered, services.known_values(), places))

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
