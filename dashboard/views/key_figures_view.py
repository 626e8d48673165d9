"""The key-figure cards of the view and the Kreis overview (bar chart and table), from one callback."""

from __future__ import annotations

from functools import lru_cache

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, dcc, html

from lpr_geo import Status
from lpr_geo import vocabulary as words

from .. import ids
from ..grid_locale import GERMAN_TEXT, ONE_DECIMAL_DE
from ..key_figure_cards import area_figures, key_figures
from ..plotly_figures import kreis_bar_figure
from ..services import Services
from ..url_state import ViewState


def cards_layout() -> html.Section:
    return html.Section(
        [html.H2("Kennzahlen", className="section-title"), html.Div(id=ids.CARDS, className="cards")],
        className="card",
        **{"aria-label": "Kennzahlen"},
    )


def kreise_layout() -> html.Section:
    return html.Section(
        [
            html.H2("Kreise im Überblick", id=ids.KREISE_TITLE, className="section-title"),
            dcc.Graph(id=ids.KREIS_BARS, config={"displaylogo": False, "displayModeBar": False}),
            dag.AgGrid(
                id=ids.KREIS_GRID,
                columnDefs=[
                    {"field": "name", "headerName": "Kreis", "flex": 2, "minWidth": 200},
                    {"field": "status", "headerName": "Status des Kreises", "flex": 2, "minWidth": 170},
                    {"field": "gemeinden", "headerName": "Gemeinden", "type": "numericColumn", "flex": 1},
                    {"field": "covered", "headerName": "im Netzwerk", "type": "numericColumn", "flex": 1},
                    {
                        "field": "pct",
                        "headerName": "Anteil %",
                        "type": "numericColumn",
                        "flex": 1,
                        "valueFormatter": ONE_DECIMAL_DE,
                    },
                    {
                        "field": "committed",
                        "headerName": "Mitarbeit zugesagt",
                        "type": "numericColumn",
                        "flex": 1,
                    },
                    {
                        "field": "area_pct",
                        "headerName": "Fläche %",
                        "type": "numericColumn",
                        "flex": 1,
                        "valueFormatter": ONE_DECIMAL_DE,
                    },
                ],
                defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 110},
                dashGridOptions={**GERMAN_TEXT, "domLayout": "autoHeight"},
                className="ag-theme-quartz",
            ),
        ],
        className="card",
        **{"aria-labelledby": ids.KREISE_TITLE},
    )


def _card(title: str, value: str, detail: str = "") -> html.Div:
    return html.Div(
        [html.H3(title), html.P(value, className="card-value"), html.P(detail, className="card-detail")],
        className="figure-card",
    )


def register(app, services: Services) -> None:
    # The cards, the bar chart (plotly's validation is the expensive part) and the rows depend on the
    # network, date, Kreis and the register only: built once per combination and register revision.
    @lru_cache(maxsize=64)
    def outputs(network: str, on, kreis: str | None, revision: tuple[int, ...]) -> tuple:
        view = ViewState(network=network, on=on, level="gemeinde", kreis=kreis)
        figures = services.figures(view.network, view.on)
        _, scope = area_figures(figures, view.kreis)
        names = {k.key: k.name for k in figures.kreise}
        without = [names[k] for k in figures.kreise_without_member]
        cards = [
            html.P(f"{scope}, Stand {words.date(view.on)}", className="cards-scope"),
            *(_card(title, value, detail) for title, value, detail in key_figures(figures, view.kreis)),
            _card(
                "Kreise ohne Mitglied",
                str(len(without)),
                ", ".join(without) if without else "In jedem Kreis gibt es mindestens ein Mitglied.",
            ),
        ]
        rows = [
            {
                "key": k.key,
                "name": k.name,
                "status": Status(k.status).label,
                "gemeinden": k.figures.gemeinden,
                "covered": k.figures.gemeinden_covered,
                "pct": round(k.figures.gemeinden_covered_pct, 1),
                "committed": k.figures.gemeinden_committed,
                "area_pct": round(k.figures.area_covered_pct, 1),
            }
            for k in figures.kreise
        ]
        return cards, kreis_bar_figure(pd.DataFrame(rows)), rows

    def scope_outputs(scope) -> tuple:
        view = ViewState.from_scope(scope, services.known_values())
        return outputs(view.network, view.on, view.kreis, services.revision())

    @app.callback(Output(ids.CARDS, "children"), Input(ids.SCOPE, "data"))
    def show_cards(scope):
        return scope_outputs(scope)[0]

    # the Kreis overview is a part loaded below the map (dashboard.deferred): a callback of its own
    @app.callback(
        Output(ids.KREIS_BARS, "figure"), Output(ids.KREIS_GRID, "rowData"), Input(ids.SCOPE, "data")
    )
    def show_kreise(scope):
        return scope_outputs(scope)[1:]
