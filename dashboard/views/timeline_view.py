"""Entwicklung: members and covered Gemeinden over time, the "Stand am" date marked; the Sitzungsbericht.

The Sitzungsbericht (:mod:`dashboard.session_report`) covers a period ending on the view's date; its
start is typed here (default: half a year before) and the PDF is a plain link, rendered on request.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import urlencode

from dash import Input, Output, dcc, html
from flask import Response, request

from lpr_geo import vocabulary as words

from .. import browser_input, exports, ids, session_report
from ..inputs import text_input
from ..plotly_figures import timeline_figure, with_date_marker
from ..services import Services
from ..url_state import ViewState

#: Default length of a report's period: AG 4 meets twice a year.
REPORT_DAYS = 182


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
            html.Div(
                [
                    html.Label("Sitzungsbericht seit", htmlFor=ids.REPORT_SINCE),
                    text_input(
                        ids.REPORT_SINCE, type="text", placeholder="TT.MM.JJJJ", maxLength=10, size=11
                    ),
                    html.A(
                        "Sitzungsbericht (PDF)", id=ids.REPORT_LINK, download="", className="button secondary"
                    ),
                ],
                className="toolbar no-print",
            ),
            html.P(id=ids.REPORT_NOTE, className="hint", **{"aria-live": "polite"}),
        ],
        className="card",
        **{"aria-labelledby": ids.TIMELINE_TITLE},
    )


def _period(services: Services, network: str, since_text: str, until: dt.date) -> tuple[dt.date, str | None]:
    """The report's start (typed, else half a year before ``until``) and why it cannot be used, if so."""
    try:
        since = (
            words.parse_date(since_text, "Beginn")
            if since_text.strip()
            else until - dt.timedelta(REPORT_DAYS)
        )
    except ValueError as error:
        return until, str(error)
    return since, session_report.period_error(services, network, since, until)


def _register_report_route(app, services: Services) -> None:
    settings = services.settings

    @app.server.route(session_report.PDF_PATH)
    def report_pdf() -> Response:
        known = services.known_values()
        args = request.args
        network = args.get("netz") if args.get("netz") in known.networks else known.networks[0]
        try:
            since, until = (words.parse_date(args.get(k, "")[:10], k) for k in ("seit", "bis"))
        except ValueError as error:
            return Response(str(error), status=400, mimetype="text/plain")
        problem = session_report.period_error(services, network, since, until)
        if problem:
            return Response(problem, status=400, mimetype="text/plain")
        report = session_report.build_report(services, network, since, until)
        return exports.download(
            lambda: session_report.pdf(report, settings.chromium),
            "pdf",
            session_report.filename(report),
            exports.render_lock(settings.data_dir),
        )


def register(app, services: Services) -> None:
    if services.settings is not None:  # the app's services; a command's have no server
        _register_report_route(app, services)

    @app.callback(
        Output(ids.REPORT_LINK, "href"),
        Output(ids.REPORT_NOTE, "children"),
        Input(ids.REPORT_SINCE, "value"),
        Input(ids.VIEW, "data"),
    )
    def report_link(since_text, stored):
        view = ViewState.from_store(stored, services.known_values())
        since, problem = _period(
            services, view.network, browser_input.text(since_text, "Beginn", 20), view.on
        )
        if problem:
            return None, problem
        query = urlencode({"netz": view.network, "seit": since.isoformat(), "bis": view.on.isoformat()})
        note = f"Berichtszeitraum {words.date(since)} bis {words.date(view.on)} (Ende: der gewählte Stand)."
        return app.get_relative_path(session_report.PDF_PATH) + "?" + query, note

    # The series costs about a second per network and revision: computed once, up to today; a date
    # change only moves the marker.
    @lru_cache(maxsize=32)
    def figure(network: str, today: dt.date, revision: tuple[int, ...]) -> dict:
        return timeline_figure(services.series(network, today))

    @app.callback(Output(ids.TIMELINE, "figure"), Input(ids.SCOPE, "data"))
    def show_timeline(scope):
        view = ViewState.from_scope(scope, services.known_values())
        return with_date_marker(figure(view.network, dt.date.today(), services.revision()), view.on)
