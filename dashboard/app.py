"""The Dash application shell: configuration, compression, static assets, page layout.

Everything the browser loads comes from this app's own origin: Dash's scripts are served locally,
no external stylesheets or fonts, and Plotly's geo base map reads an (empty) topojson from our assets
instead of its CDN default (plotly.js #6767).
"""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_compress import Compress

from lpr_geo.boundaries import dataset_info
from lpr_geo.settings import Settings

from .figures import overview_map

INDEX = """<!DOCTYPE html>
<html lang="de">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app(settings: Settings) -> dash.Dash:
    """Build the Dash app for the given settings."""
    app = dash.Dash(
        __name__,
        title="Netzwerk Kriminalprävention vor Ort – Abdeckungskarte",
        serve_locally=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX
    app.server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "application/javascript",
        "application/json",
    ]
    Compress(app.server)
    app.server.config["LPR_GEO_SETTINGS"] = settings
    app.layout = _layout(app)
    return app


def _layout(app: dash.Dash) -> html.Div:
    info = dataset_info()
    counts = info["counts"]
    return html.Div(
        [
            html.A("Zur Karte springen", href="#karte", className="skip-link"),
            html.Header(
                [
                    html.H1("Netzwerk Kriminalprävention vor Ort"),
                    html.P("Landespräventionsrat Brandenburg · AG 4 Vernetzungsgremium · Abdeckungskarte"),
                ],
                className="site",
            ),
            html.Main(
                html.Section(
                    [
                        html.Div(
                            dcc.Graph(
                                id="karte",
                                figure=overview_map("gemeinde"),
                                className="map-graph",
                                responsive=True,
                                style={"height": "min(76vh, 820px)", "minHeight": "360px"},
                                config={
                                    "topojsonURL": app.get_asset_url("topojson/"),
                                    "displaylogo": False,
                                    "scrollZoom": True,
                                    "locale": "de",
                                },
                            ),
                            role="img",
                            **{"aria-label": "Karte der Gemeinden Brandenburgs mit Kreisgrenzen"},
                        ),
                        html.P(
                            f"Brandenburg: {counts['gemeinde']} Gemeinden, {counts['amt']} Ämter und "
                            f"amtsfreie Gemeinden in {counts['kreis']} Kreisen und kreisfreien Städten.",
                            className="map-summary",
                            id="karten-zusammenfassung",
                        ),
                    ],
                    className="map-card",
                    **{"aria-label": "Karte"},
                ),
            ),
            html.Footer(
                [
                    html.P(f"Grenzen: {info['dataset']}, Stand {_german_date(info['reference_date'])}."),
                    html.P(info["attribution"], id="namensnennung"),
                ],
                className="site",
            ),
        ]
    )


def _german_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"
