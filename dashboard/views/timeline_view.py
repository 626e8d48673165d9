"""Entwicklung: members and covered Gemeinden over time, the "Stand am" date marked."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dash import Input, Output, dcc, html

from .. import ids
from ..figures import timeline_figure
from ..services import Services
from ..url_state import ViewState


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Entwicklung", id="entwicklung-titel", className="section-title"),
            html.P(
                "Mitglieder und Gemeinden im Netzwerk je Monatsende seit der Gründung am 20.02.2020. "
                "Die gestrichelte Linie markiert den gewählten Stand; Karte und Kennzahlen zeigen diesen Tag.",
                className="hint",
            ),
            dcc.Graph(
                id=ids.TIMELINE, config={"displaylogo": False, "displayModeBar": False, "locale": "de"}
            ),
        ],
        className="card",
        **{"aria-labelledby": "entwicklung-titel"},
    )


def register(app, services: Services) -> None:
    # Building the figure (plotly's validation) costs far more than the series; built once per view and
    # register revision, as the JSON-ready dict Dash would otherwise make of it on every request.
    @lru_cache(maxsize=32)
    def figure(network: str, today: dt.date, on: dt.date, revision: tuple[int, ...]) -> dict:
        return timeline_figure(services.series(network, today), on).to_plotly_json()

    @app.callback(Output(ids.TIMELINE, "figure"), Input(ids.SCOPE, "data"))
    def show_timeline(scope):
        view = ViewState.from_scope(scope)
        return figure(view.network, dt.date.today(), view.on, services.revision())
