"""Besuchsplanung: stops picked from the gap list or the map, the ordered route, nearby gaps.

"Drucken" and "Als PDF" are links to the Besuchsplan of the view (:mod:`dashboard.route_sheet`): the
sheet prints itself, the PDF is rendered offline like the map exports. Printing the dashboard itself
would put the whole page on paper.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from dash import Input, Output, State, dcc, html
from flask import Response, request

from lpr_geo import vocabulary as words

from .. import exports, ids, route_sheet
from ..services import Services
from ..standalone import PLOTLY_JS, plotly_js_version
from ..url_state import ViewState


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Besuchsplanung", id=ids.ROUTE_TITLE, className="section-title"),
            html.P(
                "Regionen über die Liste »Noch nicht im Netzwerk« (Auswahl zur Besuchsplanung) oder über die "
                "Karte (Region anklicken, »Zur Besuchsplanung hinzufügen«) wählen. Start und Ziel: "
                "Ministerium des Innern und für Kommunales, Potsdam.",
                className="hint",
            ),
            html.Div(id=ids.ROUTE_RESULT, **{"aria-live": "polite"}),
            html.Div(
                [
                    html.A(
                        "Drucken",
                        id=ids.ROUTE_PRINT,
                        target="_blank",
                        title="Öffnet den Besuchsplan (eine A4-Seite) in einem neuen Tab zum Drucken",
                        className="button secondary",
                    ),
                    html.A("Als PDF", id=ids.ROUTE_PDF, download="", className="button secondary"),
                    html.Button(
                        "Route als CSV", id=ids.ROUTE_EXPORT, type="button", className="button secondary"
                    ),
                    html.Button(
                        "Route leeren", id=ids.ROUTE_CLEAR, type="button", className="button secondary"
                    ),
                    dcc.Download(id=ids.ROUTE_DOWNLOAD),
                ],
                className="toolbar no-print",
            ),
        ],
        className="card route-card",
        **{"aria-labelledby": ids.ROUTE_TITLE},
    )


def sheet_query(view: ViewState) -> str:
    """Query string of the Besuchsplan of a view: network, date and stops (nothing else of the view)."""
    return urlencode({"netz": view.network, "stand": view.on.isoformat(), "stopps": ",".join(view.stops)})


def _sheet(services: Services, geojson_url: str | None = None) -> route_sheet.RouteSheet | Response:
    """The Besuchsplan the request's query names, or the answer why there is none."""
    known = services.known_values()
    view = ViewState.from_query(request.query_string.decode("utf-8", errors="replace"), known)
    stops = [key for key in view.stops if key in known.regions]  # a link may outlive its dataset
    if not stops:
        return Response("Keine Stationen gewählt.", status=404, mimetype="text/plain")
    return route_sheet.build(services, view.network, view.on, stops, geojson_url=geojson_url)


def _register_sheet_routes(app, services: Services) -> None:
    settings = services.settings
    plotly_js = f"{app.get_asset_url(PLOTLY_JS.name)}?v={plotly_js_version()}"

    @app.server.route(route_sheet.SHEET_PATH)
    def sheet_page() -> Response:
        sheet = _sheet(services, services.geometry_url("gemeinde", None))  # the browser caches the file
        if isinstance(sheet, Response):
            return sheet
        printing = request.args.get("drucken") == "1"
        return Response(
            route_sheet.page(sheet, plotly_js=plotly_js, print_on_load=printing), mimetype="text/html"
        )

    @app.server.route(route_sheet.PDF_PATH)
    def sheet_pdf() -> Response:
        sheet = _sheet(services)
        if isinstance(sheet, Response):
            return sheet
        return exports.download(
            lambda: route_sheet.pdf(sheet, settings.chromium),
            "pdf",
            route_sheet.filename(sheet.on),
            exports.render_lock(settings.data_dir),
        )


def register(app, services: Services) -> None:
    if services.settings is not None:  # the app's services; a command's have no server
        _register_sheet_routes(app, services)

    @app.callback(Output(ids.ROUTE_RESULT, "children"), Input(ids.VIEW, "data"))
    def show_route(stored):
        view = ViewState.from_store(stored, services.known_values())
        if not view.stops:
            return html.P("Noch keine Stationen gewählt.", className="hint")
        route, suggestions = services.route(view.network, view.on, list(view.stops))
        rows = [
            html.Tr(
                [
                    html.Td(str(i)),
                    html.Td(leg.origin.name),
                    html.Td(leg.destination.name),
                    html.Td(words.number(leg.km, 1), className="num"),
                    html.Td(words.duration(leg.minutes), className="num"),
                ]
            )
            for i, leg in enumerate(route.legs, start=1)
        ]
        table = html.Table(
            [
                html.Caption(
                    f"Rundfahrt mit {words.STOP.count(len(route.stops))}: {words.km(route.total_km, 1)}, "
                    f"etwa {words.duration(route.total_minutes)} Fahrzeit"
                ),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Etappe"),
                            html.Th("von"),
                            html.Th("nach"),
                            html.Th("km"),
                            html.Th("Fahrzeit"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="route-table",
        )
        note = html.P(
            "Entfernungen: Luftlinie zwischen den Ortsmitten × 1,3 (Umwegfaktor Straße), Fahrzeit bei 60 km/h.",
            className="hint",
        )
        ideas = (
            [html.H3("In der Nähe, noch nicht im Netzwerk"), html.Ul([html.Li(s.text) for s in suggestions])]
            if suggestions
            else []
        )
        return [table, note, *ideas]

    @app.callback(
        Output(ids.ROUTE_DOWNLOAD, "data"),
        Input(ids.ROUTE_EXPORT, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def export_route(_clicks, stored):
        view = ViewState.from_store(stored, services.known_values())
        if not view.stops:
            return None
        route, _ = services.route(view.network, view.on, list(view.stops))
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Etappe", "von", "nach", "km", "Minuten"])
        for i, leg in enumerate(route.legs, start=1):
            writer.writerow(
                [i, leg.origin.name, leg.destination.name, words.number(leg.km, 1), round(leg.minutes)]
            )
        writer.writerow(["", "Summe", "", words.number(route.total_km, 1), round(route.total_minutes)])
        return dcc.send_bytes(
            buffer.getvalue().encode("utf-8-sig"), f"besuchsplanung-{view.on.isoformat()}.csv"
        )

    @app.callback(
        Output(ids.ROUTE_PRINT, "href"),
        Output(ids.ROUTE_PDF, "href"),
        Input(ids.VIEW, "data"),
    )
    def sheet_links(stored):
        view = ViewState.from_store(stored, services.known_values())
        if not view.stops:
            return None, None
        query = "?" + sheet_query(view)
        return (
            app.get_relative_path(route_sheet.SHEET_PATH) + query + "&drucken=1",
            app.get_relative_path(route_sheet.PDF_PATH) + query,
        )
