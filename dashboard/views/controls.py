"""The control bar and the one callback that owns the view state (URL <-> controls <-> store).

Every user action that changes what is shown arrives here; the callback turns it into a new
:class:`~dashboard.url_state.ViewState`, writes it to the URL (so links and back/forward work) and to
a store that all other sections read. Keeping it in one callback avoids circular callbacks.
"""

from __future__ import annotations

import datetime as dt

from dash import ALL, Input, Output, State, callback_context, dcc, html, no_update

from lpr_geo.boundaries import load_layer
from lpr_geo.register.regions import regions

from .. import ids
from ..services import Services
from ..url_state import ViewState

LEVEL_OPTIONS = [
    {"label": "Kreise", "value": "kreis"},
    {"label": "Ämter", "value": "amt"},
    {"label": "Gemeinden", "value": "gemeinde"},
]


def layout(services: Services) -> html.Div:
    kreise = load_layer("kreis", "land")
    networks = services.networks()
    kreis_options = [{"label": "Ganz Brandenburg", "value": ""}] + [
        {"label": name, "value": key} for key, name in zip(kreise["key"], kreise["name"], strict=True)
    ]
    today = dt.date.today().isoformat()
    return html.Form(
        [
            html.Div(
                [
                    html.Label("Netzwerk", htmlFor=ids.NETWORK),
                    dcc.Dropdown(
                        id=ids.NETWORK,
                        options=[{"label": n, "value": n} for n in networks],
                        value=networks[0] if networks else None,
                        clearable=False,
                    ),
                ],
                id=ids.NETWORK_FIELD,
                className="field field-wide",
                hidden=len(networks) < 2,
            ),
            html.Fieldset(
                [
                    html.Legend("Ebene"),
                    dcc.RadioItems(id=ids.LEVEL, options=LEVEL_OPTIONS, value="gemeinde", inline=True),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Kreis", htmlFor=ids.KREIS),
                    dcc.Dropdown(id=ids.KREIS, options=kreis_options, value="", clearable=False),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Stand am", htmlFor=ids.DATE),
                    dcc.DatePickerSingle(
                        id=ids.DATE,
                        date=today,
                        min_date_allowed="2020-02-20",
                        max_date_allowed=today,
                        display_format="DD.MM.YYYY",
                        month_format="MMMM YYYY",
                        first_day_of_week=1,
                        placeholder="Stand am (TT.MM.JJJJ)",  # the picker uses it as accessible name
                        clearable=False,
                    ),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Gemeinde suchen", htmlFor=ids.SEARCH),
                    dcc.Input(
                        id=ids.SEARCH,
                        type="search",
                        placeholder="Name, z. B. Elsterwerda",
                        debounce=0.3,
                        autoComplete="off",
                    ),
                    html.Ul(id=ids.SEARCH_HITS, className="search-hits", **{"aria-live": "polite"}),
                ],
                className="field field-wide search-field",
            ),
        ],
        className="controls",
        role="search",
        **{"aria-label": "Ansicht wählen"},
    )


def register(app, services: Services) -> None:
    kreis_keys = set(load_layer("kreis", "land")["key"])
    gemeinde_kreis = load_layer("gemeinde", "land").set_index("key")["kreis_key"].to_dict()

    def current(search: str | None) -> ViewState:
        return ViewState.from_query(search, services.networks(), dt.date.today(), kreis_keys)

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.VIEW, "data"),
        Output(ids.NETWORK, "value"),
        Output(ids.LEVEL, "value"),
        Output(ids.KREIS, "value"),
        Output(ids.DATE, "date"),
        Input(ids.URL, "search"),
        Input(ids.NETWORK, "value"),
        Input(ids.LEVEL, "value"),
        Input(ids.KREIS, "value"),
        Input(ids.DATE, "date"),
        Input({"type": ids.SEARCH_HIT, "key": ALL}, "n_clicks"),
        Input(ids.MAP, "clickData"),
        Input(ids.MAP_TABLE, "selectedRows"),
        Input(ids.GAPS_GRID, "selectedRows"),
        Input(ids.GAPS_TO_ROUTE, "n_clicks"),
        Input(ids.ADD_REGION_TO_ROUTE, "n_clicks"),
        Input(ids.ROUTE_CLEAR, "n_clicks"),
        State(ids.VIEW, "data"),
    )
    def reduce_view(
        search, network, level, kreis, date, _hits, click, table_rows, gap_rows, _to_route, _add, _clear, stored
    ):
        trigger = callback_context.triggered_id
        if trigger in (None, ids.URL) or not stored:
            view = current(search)
            return no_update, view.to_store(), view.network, view.level, view.kreis or "", view.on.isoformat()
        if not callback_context.triggered[0]["value"] and trigger not in (ids.KREIS, ids.GAPS_GRID):
            return (no_update,) * 6  # a button or search hit that was only (re)rendered, not pressed
        view = ViewState.from_store(stored)
        if trigger == ids.NETWORK and network:
            view = view.with_changes(network=network)
        elif trigger == ids.LEVEL and level:
            view = view.with_changes(level=level)
        elif trigger == ids.KREIS:
            # choosing a Kreis zooms in and switches to the finer geometry
            view = view.with_changes(
                kreis=kreis or None, level="gemeinde" if kreis and view.level == "kreis" else view.level
            )
        elif trigger == ids.DATE:
            view = view.with_changes(
                on=ViewState.from_query(f"stand={date}", [view.network], dt.date.today(), set()).on
            )
        elif isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_HIT:
            found = trigger["key"]
            view = view.with_changes(
                region=found, kreis=gemeinde_kreis.get(found), level="gemeinde", selected=(found,)
            )
        elif trigger == ids.MAP and click:
            key = click["points"][0].get("location")
            if key:
                view = view.with_changes(region=key)
        elif trigger == ids.MAP_TABLE and table_rows:
            view = view.with_changes(region=table_rows[0]["key"])
        elif trigger == ids.GAPS_GRID:
            view = view.with_changes(selected=tuple(row["key"] for row in gap_rows or []))
        elif trigger == ids.GAPS_TO_ROUTE:
            view = view.with_changes(stops=tuple(dict.fromkeys(view.stops + view.selected)))
        elif trigger == ids.ADD_REGION_TO_ROUTE and view.region:
            view = view.with_changes(stops=tuple(dict.fromkeys((*view.stops, view.region))))
        elif trigger == ids.ROUTE_CLEAR:
            view = view.with_changes(stops=())
        query = view.to_query(services.networks()[0], dt.date.today())
        controls = {
            ids.NETWORK: view.network,
            ids.LEVEL: view.level,
            ids.KREIS: view.kreis or "",
            ids.DATE: view.on.isoformat(),
        }
        # never write back into the control the user is operating (the date input loses its caret)
        values = [no_update if key == trigger else value for key, value in controls.items()]
        return (query, view.to_store(), *values)

    @app.callback(Output(ids.SEARCH_HITS, "children"), Input(ids.SEARCH, "value"), prevent_initial_call=True)
    def search_hits(text):
        if not text or len(text.strip()) < 2:
            return []
        index = regions()
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
