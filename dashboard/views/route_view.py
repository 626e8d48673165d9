"""Besuchsplanung: stops picked from the gap list or the map, the ordered route, nearby gaps."""

from __future__ import annotations

import csv
import io

from dash import Input, Output, State, clientside_callback, dcc, html

from lpr_geo import vocabulary as words

from .. import ids
from ..services import Services
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
                    html.Button("Drucken", id=ids.ROUTE_PRINT, type="button", className="button secondary"),
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


def _minutes(value: float) -> str:
    hours, minutes = divmod(int(round(value)), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def register(app, services: Services) -> None:
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
                    html.Td(_minutes(leg.minutes), className="num"),
                ]
            )
            for i, leg in enumerate(route.legs, start=1)
        ]
        table = html.Table(
            [
                html.Caption(
                    f"Rundfahrt mit {len(route.stops)} Stationen: {words.number(route.total_km, 1)} km, "
                    f"etwa {_minutes(route.total_minutes)} Fahrzeit"
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

    clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output(ids.ROUTE_PRINT, "title"),
        Input(ids.ROUTE_PRINT, "n_clicks"),
        prevent_initial_call=True,
    )
