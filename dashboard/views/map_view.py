"""The coverage map with its legend and a text summary that screen readers announce."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import dash_ag_grid as dag
from dash import Input, Output, Patch, State, dcc, html, no_update

from lpr_geo import vocabulary as words

from .. import deferred, ids, palette
from ..grid_locale import GERMAN_TEXT
from ..plotly_figures import map_figure_dict, route_patch, status_arrays, status_patch
from ..services import Services
from ..url_state import ViewState

#: The map table is a part loaded when its <details> opens (see dashboard.deferred).
TABLE_PART = "kartentabelle"


def layout(app) -> html.Section:
    return html.Section(
        [
            html.H2("Karte", className="visually-hidden"),
            html.Div(
                dcc.Graph(
                    id=ids.MAP,
                    className="map-graph",
                    responsive=True,
                    # the height depends on the screen's width: style.css (--map-height)
                    style={"height": "var(--map-height)", "minHeight": "var(--map-min-height)"},
                    config={
                        "topojsonURL": app.get_asset_url("topojson/"),
                        "displaylogo": False,
                        "scrollZoom": True,
                        # the map only pans (dragmode), so no button to choose it; no upload to Plotly's cloud
                        "modeBarButtonsToRemove": ["select2d", "lasso2d", "pan2d", "toImage"],
                        "showSendToCloud": False,
                        "locale": "de",
                    },
                ),
                role="figure",
                **{
                    "aria-label": "Karte Brandenburgs: Status der Regionen im Netzwerk",
                    "aria-describedby": ids.MAP_SUMMARY,
                },
            ),
            html.Ul(id=ids.LEGEND, className="legend", **{"aria-label": "Legende"}),
            html.P(id=ids.MAP_SUMMARY, className="map-summary", **{"aria-live": "polite"}),
            html.Details(
                [
                    html.Summary("Karte als Tabelle"),
                    html.P(
                        "Alle Regionen der Kartenansicht mit ihrem Status. Zeile wählen (Leertaste oder Klick), "
                        "um die Details der Region anzuzeigen.",
                        className="hint",
                    ),
                    deferred.part(TABLE_PART, table_layout, titled=False),
                ],
                className="map-table",
            ),
            dcc.Store(id=ids.DRAWN),
        ],
        id=ids.MAP_SECTION,
        className="card map-card",
        **{"aria-label": "Karte"},
    )


def table_layout() -> dag.AgGrid:
    """The map's text alternative: every region of the view with its status (loaded when opened)."""
    return dag.AgGrid(
        id=ids.MAP_TABLE,
        columnDefs=[
            # the least widths keep each column readable; a narrow screen scrolls the grid sideways
            {"field": "name", "headerName": "Region", "minWidth": 170, "flex": 2},
            {"field": "bez", "headerName": "Art", "minWidth": 110, "flex": 1},
            {"field": "kreis", "headerName": "Kreis", "minWidth": 150, "flex": 2},
            {"field": "status", "headerName": "Status", "minWidth": 150, "flex": 2},
            {"field": "since", "headerName": "seit", "minWidth": 105, "flex": 1},
            {"field": "how", "headerName": "über", "minWidth": 140, "flex": 2},
        ],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            **GERMAN_TEXT,
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "pagination": True,
            "paginationPageSize": 20,
        },
        getRowId="params.data.key",
        style={"height": "480px"},
    )


def register(app, services: Services) -> None:
    # Everything derived from the register is computed once per view and register revision (an edit
    # changes the revision, so it shows at once); many viewers looking at the same view share it.
    @lru_cache(maxsize=128)
    def view_parts(network: str, on, level: str, kreis: str | None, revision: tuple[int, ...]) -> tuple:
        view = ViewState(network=network, on=on, level=level, kreis=kreis)
        table = _view_table(services, view)
        kreis_covers = services.coverage_options.kreis_covers_gemeinden
        arrays = status_arrays(services.geometry, table, level, kreis_covers_gemeinden=kreis_covers)
        return arrays, _legend(table, kreis_covers), _summary(table, view)

    @lru_cache(maxsize=64)
    def table_rows(network: str, on, level: str, kreis: str | None, revision: tuple[int, ...]) -> list[dict]:
        table = _view_table(services, ViewState(network=network, on=on, level=level, kreis=kreis))
        return _table_rows(
            table, services.geometry.kreis_names, services.coverage_options.kreis_covers_gemeinden
        )

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.DRAWN, "data"),
        Output(ids.LEGEND, "children"),
        Output(ids.MAP_SUMMARY, "children"),
        Output(ids.SCOPE, "data"),
        Input(ids.VIEW, "data"),
        State(ids.DRAWN, "data"),
        State(ids.SCOPE, "data"),
    )
    def draw_map(stored, drawn, scope):
        """The map first; its answer then sets the scope that the figures, lists and charts follow.

        Were the scope set together with the view, those ~40 ms of panels would share the server with
        the map (one GIL) and delay the part of the page the user is looking at.
        """
        view = ViewState.from_store(stored, services.known_values())
        arrays, legend, summary = view_parts(
            view.network, view.on, view.level, view.kreis, services.revision()
        )
        geometry_key = f"{view.level}|{view.kreis or ''}"
        if geometry_key != drawn:
            url = services.geometry_url(view.level, view.kreis)
            figure = map_figure_dict(services.geometry, view.level, view.kreis, url)
        else:
            figure = Patch()
        selected = {*view.selected, *([view.region] if view.region else [])}
        status_patch(arrays, selected, figure)
        route = services.route(view.network, view.on, list(view.stops))[0] if view.stops else None
        route_patch(route, figure)
        return figure, geometry_key, legend, summary, no_update if view.scope() == scope else view.scope()

    @app.callback(Output(ids.MAP_TABLE, "rowData"), Input(ids.SCOPE, "data"))
    def show_table(scope):
        view = ViewState.from_scope(scope, services.known_values())
        return table_rows(view.network, view.on, view.level, view.kreis, services.revision())


def _view_table(services: Services, view: ViewState):
    """The coverage table of the regions the map shows (one level, whole Land or one Kreis)."""
    table = services.tables(view.network, view.on).table(view.level)
    return table[table["kreis_key"] == view.kreis] if view.kreis else table


def _legend(table, kreis_covers_gemeinden: bool) -> list:
    counts = Counter(palette.categories(table))
    labels = palette.labels(kreis_covers_gemeinden)
    return [
        html.Li(
            [
                html.Span(className="swatch", style={"background": c.colour}),
                f"{labels[c.code]} ({counts.get(c.code, 0)})",
            ],
            className="legend-item",
        )
        for c in palette.CATEGORIES
        if counts.get(c.code, 0) or c.code in ("member", "not_contacted")
    ]


def _table_rows(table, kreise: dict[str, str], kreis_covers_gemeinden: bool) -> list[dict]:
    """Rows of the text alternative: what the map shows, as text."""
    labels = palette.labels(kreis_covers_gemeinden)
    columns = ("key", "name", "bez", "kreis_key", "since", "how")
    return [
        {
            "key": key,
            "name": name,
            "bez": bez,
            "kreis": kreise.get(kreis_key, ""),
            "status": labels[code],
            "since": words.date(since) if code != "not_contacted" else "",
            "how": how if how != "selbst" else "",
        }
        for key, name, bez, kreis_key, since, how, code in zip(
            *(table[c].tolist() for c in columns), palette.categories(table), strict=True
        )
    ]


def _summary(table, view: ViewState) -> str:
    n = len(table)
    covered = int(table["covered"].sum())
    committed = int(table["committed"].sum())
    where = "im gewählten Kreis" if view.kreis else "in Brandenburg"
    return (
        f"Stand {words.date(view.on)}: {words.LEVELS[view.level].noun.of(covered, n)} {where} "
        f"({words.percent(100 * covered / n if n else 0)}) {words.conjugated(covered, 'ist', 'sind')} im "
        f"Netzwerk, {committed} {words.conjugated(committed, 'hat', 'haben')} die Mitarbeit zugesagt."
    )
