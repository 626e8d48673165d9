"""``/embed``: the map alone for intranet iframes, its downloads, and the "Einbetten" dialog.

The embed is a small static page (no Dash renderer, no callbacks): read-only, no personal data, sized to
its iframe, configured by the dashboard's URL parameters (``netz``, ``ebene``, ``kreis``, ``stand``,
``stopps``) plus ``legende=0|1``. plotly.js, the GeoJSON and the topojson come from this app's own origin.
The host page may include ``/embed.js``: the embed posts its height, the script sets the frame's (as
Datawrapper's responsive embeds do). The dialog's code, links and the link to the view follow every change
of the view; they are built from :class:`~dashboard.url_state.ViewState`, like the dashboard's URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
from dash import Input, Output, State, dcc, html
from flask import Response, request

from lpr_geo import Settings

from . import browser_input, exports, ids
from .browser_input import KnownValues
from .plotly_figures import route_patch
from .request_bounds import MAX_CHARS
from .services import Services
from .standalone import PLOTLY_JS, build, page, plotly_js_version
from .url_state import ViewState

EMBED_PATH = "/embed"
EXPORT_PATH = "/export/karte."
#: The script a host page includes to size its frames to the map (a stable URL: host pages cannot follow
#: a versioned one, so browsers keep it an hour and then ask again).
HOST_SCRIPT_PATH = "/embed.js"
HOST_SCRIPT = Path(__file__).parent / "assets" / "embed-host.js"
#: Fits labels and hover texts into small maps and tells a host page the embed's height (also a dashboard
#: asset, which Dash loads by itself).
FIT_SCRIPT = Path(__file__).parent / "assets" / "map-fit.js"
#: The frame's attribute the host script looks for.
FRAME_MARKER = "data-lpr-geo-karte"
#: Frame origins that are no other host: with only these, no intranet page may show the embed.
_ONLY_THE_APP = {"'self'", "'none'"}
DOWNLOADS = {"html": "HTML (interaktiv)", "png": "PNG (Folien)", "svg": "SVG", "pdf": "PDF (A4 quer)"}


@dataclass(frozen=True)
class SharedView:
    """Query strings of what the dashboard shows, for each way of taking it elsewhere."""

    #: The dashboard's own link: the whole view, detail panel and selection included.
    link: str
    #: The embed and the downloads: network, level, Kreis, date and route (no selection, no detail).
    map: str

    @classmethod
    def of(cls, search: str | None, known: KnownValues) -> SharedView:
        """The shared forms of the view a dashboard query string describes (checked as any link)."""
        view = ViewState.from_query(search, known)
        default, today = known.networks[0], known.today
        return cls(
            link=view.to_query(default, today),
            map=view.with_changes(region=None, selected=()).to_query(default, today),
        )

    def embed(self, legend: bool) -> str:
        """The embed's query: the map's plus the legend switch."""
        if legend:
            return self.map
        return self.map + ("&" if self.map else "?") + "legende=0"


def snippet(embed_url: str, script_url: str, title: str = "Karte Netzwerk Kriminalprävention vor Ort") -> str:
    """The ``<iframe>`` and the sizing script to paste into an intranet page.

    Without the script (a page that strips scripts) the frame is full width and 4:3 up to 640 px high;
    with it, the frame takes the height of the map, its legend and its source.

    Parameters
    ----------
    embed_url : str
        Absolute URL of ``/embed`` with its query string.
    script_url : str
        Absolute URL of ``/embed.js``.
    title : str
        Accessible name of the frame.
    """
    return (
        f'<iframe src="{escape(embed_url)}" title="{escape(title)}" loading="lazy" {FRAME_MARKER} '
        'style="width:100%;aspect-ratio:4/3;max-height:640px;min-height:320px;border:0"></iframe>\n'
        f'<script src="{escape(script_url)}" async></script>'
    )


def frame_note(frame_ancestors: tuple[str, ...]) -> str | None:
    """Why the code will not work on an intranet page, if the settings allow only the app to frame it."""
    if not set(frame_ancestors) <= _ONLY_THE_APP:
        return None
    return (
        "Hinweis: Zurzeit darf nur diese Anwendung selbst die Karte einbetten; eine Intranetseite auf "
        "einem anderen Server zeigt statt der Karte einen Fehler. Die Administration erlaubt weitere "
        "Seiten mit der Einstellung LPR_GEO_FRAME_ANCESTORS (Abschnitt Web), z. B. "
        "https://intranet.example."
    )


def dialog_layout(frame_ancestors: tuple[str, ...] = ("'self'",)) -> html.Details:
    """The "Einbetten" disclosure for the page header: the view's link, iframe code and downloads."""
    note = frame_note(frame_ancestors)
    return html.Details(
        [
            html.Summary("Einbetten / Export"),
            html.Div(
                [
                    html.Label("Link zu dieser Ansicht", htmlFor=ids.SHARE_LINK),
                    html.Div(
                        [
                            dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, className="share-link"),
                            html.Button(
                                "Link zu dieser Ansicht kopieren",
                                id=ids.SHARE_COPY,
                                type="button",
                                className="button secondary small",
                            ),
                        ],
                        className="share-row",
                    ),
                    html.P(id=ids.SHARE_COPIED, className="hint", role="status"),
                    html.Label("Code für das Intranet (iframe)", htmlFor=ids.EMBED_SNIPPET),
                    dcc.Textarea(id=ids.EMBED_SNIPPET, readOnly=True, rows=8, className="embed-code"),
                    html.P(note, id=ids.EMBED_FRAME_NOTE, className="embed-note") if note else None,
                    # a toggle button: Dash's Checklist is a listbox without an accessible name
                    html.Button(
                        "Legende aufgeklappt",
                        id=ids.EMBED_LEGEND,
                        type="button",
                        className="button secondary small",
                        **{"aria-pressed": "true"},
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
    """Add ``/embed``, ``/embed.js``, ``/export/karte.<format>`` and the dialog's callbacks to the app."""
    lock = exports.render_lock(settings.data_dir)
    plotly_js = f"{app.get_asset_url(PLOTLY_JS.name)}?v={plotly_js_version()}"  # the dashboard's own
    fit_js = f"{app.get_asset_url(FIT_SCRIPT.name)}?v={int(FIT_SCRIPT.stat().st_mtime)}"

    @app.server.route(EMBED_PATH)
    def embed() -> Response:
        query = _query()
        view = _view(services, query)
        doc = build(services, view, services.geometry_url(view.level, view.kreis))
        if view.stops:
            route_patch(services.route(view.network, view.on, list(view.stops))[0], doc.figure)
        body = page(
            doc,
            plotly_js=plotly_js,
            topojson_url=app.get_asset_url("topojson/"),
            legend_open=parse_qs(query).get("legende", ["1"])[-1] != "0",
            scripts=(fit_js,),
        )
        return Response(body, mimetype="text/html")

    @app.server.route(HOST_SCRIPT_PATH)
    def host_script() -> Response:
        response = Response(HOST_SCRIPT.read_bytes(), mimetype="text/javascript")
        response.headers["Cache-Control"] = "public, max-age=3600"
        # host pages on other origins load it
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    @app.server.route(EXPORT_PATH + "<fmt>")
    def export_file(fmt: str) -> Response:
        if fmt not in exports.FORMATS:
            return Response("Unbekanntes Format", status=404, mimetype="text/plain")
        view = _view(services, _query())
        return exports.download(
            lambda: exports.export(services, view, fmt, chromium=settings.chromium).content,
            fmt,
            exports.filename(view, fmt),
            None if fmt == "html" else lock,
        )

    @app.callback(
        Output(ids.SHARE_LINK, "value"),
        Output(ids.EMBED_SNIPPET, "value"),
        Output(ids.EMBED_DOWNLOADS, "children"),
        Output(ids.EMBED_LEGEND, "aria-pressed"),
        Input(ids.PAGE_URL, "href"),
        Input(ids.EMBED_LEGEND, "n_clicks"),
    )
    def show_snippet(href, clicks):
        """The frame's location tells every change of the view (see :func:`dashboard.pages.map_page`)."""
        legend = not browser_input.whole_number(clicks, "Legende") % 2
        parts = urlsplit(browser_input.text(href, "Adresse", MAX_CHARS))
        shared = SharedView.of(parts.query, services.known_values())
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        link = origin + parts.path + shared.link
        code = snippet(
            origin + app.get_relative_path(EMBED_PATH) + shared.embed(legend),
            origin + app.get_relative_path(HOST_SCRIPT_PATH),
        )
        links = [
            html.Li(html.A(label, href=app.get_relative_path(EXPORT_PATH + fmt) + shared.map, download=""))
            for fmt, label in DOWNLOADS.items()
        ]
        return link, code, links, "true" if legend else "false"

    app.clientside_callback(
        """function (clicks, link) {
            var field = document.getElementById("LINK_FIELD");
            field.select();
            function done() { return "Link kopiert."; }
            function byHand() {
                return document.execCommand && document.execCommand("copy")
                    ? done() : "Link ist markiert: mit Strg+C kopieren.";
            }
            if (!navigator.clipboard) { return byHand(); }
            return navigator.clipboard.writeText(link).then(done, byHand);
        }""".replace("LINK_FIELD", ids.SHARE_LINK),
        Output(ids.SHARE_COPIED, "children"),
        Input(ids.SHARE_COPY, "n_clicks"),
        State(ids.SHARE_LINK, "value"),
        prevent_initial_call=True,
    )
