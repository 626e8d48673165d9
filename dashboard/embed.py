"""``/embed``: the map alone for intranet iframes, its downloads, and the "Einbetten" dialog.

The embed is a small static page (no Dash renderer, no callbacks): read-only, no personal data, sized to
its iframe, configured by the dashboard's URL parameters (``netz``, ``ebene``, ``kreis``, ``stand``) plus
``legende=0|1``. plotly.js, the GeoJSON and the topojson come from this app's own origin.
"""

from __future__ import annotations

import contextlib
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

import dash
from dash import Input, Output, dcc, html
from flask import Response, request

from lpr_geo import Settings

from . import browser_input, exports, ids
from .request_bounds import MAX_CHARS
from .services import Services
from .standalone import PLOTLY_JS, build, page, plotly_js_version
from .url_state import ViewState

EMBED_PATH = "/embed"
EXPORT_PATH = "/export/karte."
#: Parameters of the dashboard URL that the embed understands (selection and route stay private).
_EMBED_PARAMS = ("netz", "ebene", "kreis", "stand")


def embed_query(search: str | None, legend: bool) -> str:
    """The embed's query string from the dashboard's: view parameters only, plus the legend switch."""
    params = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items() if k in _EMBED_PARAMS}
    if not legend:
        params["legende"] = "0"
    return "?" + urlencode(params) if params else ""


def snippet(embed_url: str, title: str = "Karte Netzwerk Kriminalprävention vor Ort") -> str:
    """The ``<iframe>`` to paste into an intranet page (full width, 4:3 up to 640 px high).

    Parameters
    ----------
    embed_url : str
        Absolute URL of ``/embed`` with its query string.
    title : str
        Accessible name of the frame.
    """
    return (
        f'<iframe src="{escape(embed_url)}" title="{escape(title)}" loading="lazy" '
        'style="width:100%;aspect-ratio:4/3;max-height:640px;min-height:320px;border:0"></iframe>'
    )


def dialog_layout() -> html.Details:
    """The "Einbetten" disclosure for the page header: iframe code and downloads of the current view."""
    return html.Details(
        [
            html.Summary("Einbetten / Export"),
            html.Div(
                [
                    html.Label("Code für das Intranet (iframe)", htmlFor=ids.EMBED_SNIPPET),
                    dcc.Textarea(id=ids.EMBED_SNIPPET, readOnly=True, rows=4, className="embed-code"),
                    dcc.Checklist(
                        id=ids.EMBED_LEGEND,
                        options=[{"label": "Legende aufgeklappt", "value": "1"}],
                        value=["1"],
                    ),
                    html.P("Karte der aktuellen Ansicht herunterladen (ohne Internetverbindung nutzbar):"),
                    html.Ul(id=ids.EMBED_DOWNLOADS, className="embed-downloads"),
                ],
                className="embed-panel",
            ),
        ],
        id=ids.EMBED_DIALOG,
        className="embed-dialog",
    )


def _query() -> str:
    # A WSGI server may pass raw bytes that are no UTF-8 (werkzeug's request.args then fails with a 500):
    # such values can only fall back to the defaults.
    return request.query_string.decode("utf-8", errors="replace")


def _view(services: Services, search: str) -> ViewState:
    return ViewState.from_query(search, services.known_values())


def register(app: dash.Dash, services: Services, settings: Settings) -> None:
    """Add ``/embed``, ``/export/karte.<format>`` and the dialog's callback to the app."""
    lock = exports.render_lock(settings.data_dir)
    plotly_js = f"{app.get_asset_url(PLOTLY_JS.name)}?v={plotly_js_version()}"  # the dashboard's own

    @app.server.route(EMBED_PATH)
    def embed() -> Response:
        query = _query()
        view = _view(services, query)
        doc = build(services, view, services.geometry_url(view.level, view.kreis))
        body = page(
            doc,
            plotly_js=plotly_js,
            topojson_url=app.get_asset_url("topojson/"),
            legend_open=parse_qs(query).get("legende", ["1"])[-1] != "0",
        )
        return Response(body, mimetype="text/html")

    @app.server.route(EXPORT_PATH + "<fmt>")
    def export_file(fmt: str) -> Response:
        if fmt not in exports.FORMATS:
            return Response("Unbekanntes Format", status=404, mimetype="text/plain")
        view = _view(services, _query())
        slot = contextlib.nullcontext() if fmt == "html" else exports.render_slot(lock)
        try:
            with slot:
                result = exports.export(services, view, fmt, chromium=settings.chromium)
        except exports.ExportError as exc:
            response = Response(str(exc), status=503, mimetype="text/plain")
            if isinstance(exc, exports.ExportBusy):
                response.headers["Retry-After"] = "10"
            return response
        # content_type as it is: mimetype= would append a second "; charset=utf-8" to the HTML type
        response = Response(result.content, content_type=exports.MEDIA_TYPES[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{exports.filename(view, fmt)}"'
        return response

    @app.callback(
        Output(ids.EMBED_SNIPPET, "value"),
        Output(ids.EMBED_DOWNLOADS, "children"),
        Input(ids.PAGE_URL, "href"),
        Input(ids.EMBED_LEGEND, "value"),
    )
    def show_snippet(href, legend):
        """The frame's location tells every change of the view (see :func:`dashboard.pages.map_page`)."""
        parts = urlsplit(browser_input.text(href, "Adresse", MAX_CHARS))
        query = embed_query(parts.query, bool(legend))
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        code = snippet(origin + app.get_relative_path(EMBED_PATH) + query)
        view_query = embed_query(parts.query, True)
        labels = {"html": "HTML (interaktiv)", "png": "PNG (Folien)", "svg": "SVG", "pdf": "PDF (A4 quer)"}
        links = [
            html.Li(html.A(label, href=app.get_relative_path(EXPORT_PATH + fmt) + view_query, download=""))
            for fmt, label in labels.items()
        ]
        return code, links
