"""Entwicklung: members and covered Gemeinden over time, the "Stand am" date marked."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dash import Input, Output, dcc, html

from .. import ids
from ..plotly_figures import timeline_figure, with_date_marker
from ..services import Services
from ..url_state import ViewState


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Entwicklung", id=ids.TIMELINE_TITLE, className="section-title"),
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
        **{"aria-labelledby": ids.TIMELINE_TITLE},
    )


def register(app, services: Services) -> None:
    # The series costs about a second per network and revision: computed once, up to today; a date
    # change only moves the marker.
    @lru_cache(maxsize=32)
    def figure(network: str, today: dt.date, revision: tuple[int, ...]) -> dict:
        return timeline_figure(services.series(network, today))

    @app.callback(Output(ids.TIMELINE, "figure"), Input(ids.SCOPE, "data"))
    def show_timeline(scope):
        view = ViewState.from_scope(scope, services.known_values())
        return with_date_marker(figure(view.network, dt.date.today(), services.revision()), view.on)
