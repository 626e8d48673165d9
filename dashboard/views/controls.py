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
from ..text import german_date
from ..url_state import ViewState

LEVELS = {"kreis": "Kreise", "amt": "Ämter", "gemeinde": "Gemeinden"}
WHOLE_STATE = "Ganz Brandenburg"
FOUNDED = dt.date(2020, 2, 20)


def _text_field(label: str, field_id: str, options: list[str], value: str, **extra) -> list:
    """A labelled text input with suggestions (native <datalist>: works with keyboard and screen readers)."""
    return [
        html.Label(label, htmlFor=field_id),
        dcc.Input(id=field_id, type="text", list=f"{field_id}-liste", value=value, debounce=True, autoComplete="off", **extra),
        html.Datalist([html.Option(value=o) for o in options], id=f"{field_id}-liste"),
    ]


def layout(services: Services) -> html.Div:
    kreise = load_layer("kreis", "land")
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
            html.Div(_text_field("Kreis", ids.KREIS, [WHOLE_STATE, *kreise["name"]], WHOLE_STATE), className="field"),
            html.Div(
                [
                    html.Label("Stand am (TT.MM.JJJJ)", htmlFor=ids.DATE),
                    dcc.Input(
                        id=ids.DATE,
                        type="text",
                        value=german_date(dt.date.today()),
                        debounce=True,
                        inputMode="numeric",
                        autoComplete="off",
                        className="date-field",
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
            html.P(id=ids.CONTROL_MESSAGE, role="status", className="control-message"),
        ],
        className="controls",
        role="search",
        **{"aria-label": "Ansicht wählen"},
    )


def parse_date(text: str | None, today: dt.date) -> tuple[dt.date | None, str]:
    """A date typed as TT.MM.JJJJ (or ISO), kept between the founding of AG 4 and today; with a message."""
    text = (text or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            value = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        return None, f"»{text}« ist kein Datum. Bitte als TT.MM.JJJJ eingeben, z. B. 01.01.2021."
    if value < FOUNDED:
        return FOUNDED, f"Das Netzwerk besteht seit dem {german_date(FOUNDED)}; gezeigt wird dieser Tag."
    if value > today:
        return today, "Zukünftige Daten sind nicht möglich; gezeigt wird der heutige Stand."
    return value, ""


def register(app, services: Services) -> None:
    kreise = load_layer("kreis", "land")
    kreis_keys = set(kreise["key"])
    kreis_by_name = {name.casefold(): key for key, name in zip(kreise["key"], kreise["name"], strict=True)}
    kreis_names = dict(zip(kreise["key"], kreise["name"], strict=True))
    gemeinde_kreis = load_layer("gemeinde", "land").set_index("key")["kreis_key"].to_dict()
    level_ids = [{"type": ids.LEVEL, "level": level} for level in LEVELS]

    def current(search: str | None) -> ViewState:
        return ViewState.from_query(search, services.networks(), dt.date.today(), kreis_keys)

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.VIEW, "data"),
        Output(ids.SCOPE, "data"),
        Output(ids.NETWORK, "value"),
        Output(ids.KREIS, "value"),
        Output(ids.DATE, "value"),
        Output({"type": ids.LEVEL, "level": ALL}, "aria-pressed"),
        Output(ids.CONTROL_MESSAGE, "children"),
        Input(ids.URL, "search"),
        Input(ids.NETWORK, "value"),
        Input({"type": ids.LEVEL, "level": ALL}, "n_clicks"),
        Input(ids.KREIS, "value"),
        Input(ids.DATE, "value"),
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
        search, network, _levels, kreis, date, _hits, click, table_rows, gap_rows, _to_route, _add, _clear, stored
    ):
        trigger = callback_context.triggered_id
        today = dt.date.today()
        message = ""
        if trigger in (None, ids.URL) or not stored:
            view = current(search)
            trigger = ids.URL
        elif not callback_context.triggered[0]["value"] and trigger not in (ids.KREIS, ids.GAPS_GRID):
            # a button or search hit that was only (re)rendered, not pressed
            return (*(no_update,) * 6, [no_update] * len(LEVELS), no_update)
        else:
            view = ViewState.from_store(stored)
        if isinstance(trigger, dict) and trigger.get("type") == ids.LEVEL:
            view = view.with_changes(level=trigger["level"])
        elif trigger == ids.NETWORK:
            if network in services.networks():
                view = view.with_changes(network=network)
            else:
                message = f"Netzwerk »{network}« gibt es nicht; bitte aus der Liste wählen."
        elif trigger == ids.KREIS:
            wanted = (kreis or "").strip()
            key = None if wanted in ("", WHOLE_STATE) else kreis_by_name.get(wanted.casefold())
            if wanted not in ("", WHOLE_STATE) and key is None:
                message = f"Kreis »{wanted}« nicht gefunden; bitte aus der Liste wählen."
            else:
                # choosing a Kreis zooms in and switches to the finer geometry
                view = view.with_changes(kreis=key, level="gemeinde" if key and view.level == "kreis" else view.level)
        elif trigger == ids.DATE:
            value, message = parse_date(date, today)
            if value is not None:
                view = view.with_changes(on=value)
        elif isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_HIT:
            found = trigger["key"]
            view = view.with_changes(region=found, kreis=gemeinde_kreis.get(found), level="gemeinde", selected=(found,))
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
        query = no_update if trigger == ids.URL else view.to_query(services.networks()[0], today)
        # the field the user is typing in is left alone unless its input had to be corrected
        typed = trigger if not message else None
        unchanged_scope = stored and ViewState.from_store(stored).scope() == view.scope() and trigger != ids.URL
        return (
            query,
            view.to_store(),
            no_update if unchanged_scope else view.scope(),
            no_update if typed == ids.NETWORK else view.network,
            no_update if typed == ids.KREIS else kreis_names.get(view.kreis, WHOLE_STATE),
            no_update if typed == ids.DATE else german_date(view.on),
            ["true" if level_id["level"] == view.level else "false" for level_id in level_ids],
            message,
        )

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
