"""The Dash application shell: configuration, compression and the frame every page shares.

Everything the browser loads comes from this app's own origin: Dash's scripts are served locally, no
external stylesheets or fonts, and Plotly's geo base map reads an (empty) topojson from our assets
instead of its CDN default (plotly.js #6767).
"""

from __future__ import annotations

import secrets

import dash
from dash import dcc, html
from flask import has_request_context
from flask_compress import Compress

from lpr_geo import (
    SAMPLE_FACTS,
    Boundaries,
    ImportStaging,
    ReadLimits,
    Settings,
    ensure_sample_register,
)
from lpr_geo import vocabulary as words

from . import embed, health, ids, login, pages, request_bounds, security_headers
from .accessibility import register_statement_route
from .plotly_figures import map_figure_dict
from .proxy import PrefixMiddleware
from .services import Services
from .standalone import SAMPLE_NOTICE
from .static_routes import (
    ON_DEMAND_SCRIPTS,
    StaticCompressionCache,
    buffer_asset_files,
    compression_cache_key,
    geometry_path,
    precompress,
    register_geometry_route,
)
from .views import editor_view

INDEX = """<!DOCTYPE html>
<html lang="de">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app(settings: Settings) -> dash.Dash:
    """Build the Dash app for the given settings (opens the register, fills the sample if empty)."""
    boundaries = Boundaries.active(settings)
    engine = ensure_sample_register(settings, boundaries)
    services = Services(
        engine,
        boundaries,
        geometry_url=lambda level, kreis: app.get_relative_path(
            geometry_path(boundaries.token, level, kreis)
        ),
        imports=ImportStaging(settings.data_dir, engine, ReadLimits.from_settings(settings), boundaries),
        settings=settings,
    )
    app = dash.Dash(
        __name__,
        title="Netzwerk Kriminalprävention vor Ort – Abdeckungskarte",
        serve_locally=True,
        update_title=None,
        # the host pages' script (served at /embed.js) is no part of the dashboard
        assets_ignore=r"^embed-host\.js$",
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # -- deployment (issue 7): public prefix; routes stay at the root, see dashboard/proxy.py
        requests_pathname_prefix=settings.url_prefix,
        routes_pathname_prefix="/",
    )
    app.server.secret_key = settings.secret_key or secrets.token_hex(32)
    # no request body beyond the largest upload (base64 in a Dash callback: 4/3 of the file, plus JSON):
    # anyone can POST, and the role check reads the body before it can refuse
    app.server.config["MAX_CONTENT_LENGTH"] = ReadLimits.from_settings(settings).max_bytes * 4 // 3 + 2**20
    app.server.wsgi_app = PrefixMiddleware(app.server.wsgi_app, settings.url_prefix)
    health.register(app.server, engine, boundaries)
    # -- end deployment
    protected = dict.fromkeys(editor_view.EDITING_OUTPUTS, "editor")
    for section in pages.ADMIN_SECTIONS:
        protected.update(dict.fromkeys(section.ADMIN_OUTPUTS, "admin"))
    login.register(app.server, engine, settings, protected, pages.PROTECTED_PAGES)
    # issue 14: size of every callback request before anything reads it, its form after the role check;
    # the upload's file arrives as one long string, limited by MAX_CONTENT_LENGTH above
    request_bounds.register(app, large_inputs=[(ids.DATA_UPLOAD, "contents")])
    app.index_string = INDEX
    app.server.config.update(
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=6,  # plotly.js: 440 KB instead of 486 KB at the default 4; static files are cached
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
        COMPRESS_CACHE_KEY=compression_cache_key,
    )
    Compress(app.server)
    buffer_asset_files(app.server)
    register_geometry_route(app.server, services.geometry)
    register_statement_route(app.server, app.get_relative_path)
    services.warm_up()
    for level in ("kreis", "amt", "gemeinde"):  # the statewide views: geometry files and figure templates
        services.geometry.geojson_bytes(level)
        map_figure_dict(services.geometry, level, None, services.geometry_url(level, None))
    app.layout = lambda: _layout(app, services, settings)
    pages.register(app, services)
    static = [app.get_relative_path(path) for path in ON_DEMAND_SCRIPTS]
    static += [services.geometry_url(level, None) for level in ("kreis", "amt", "gemeinde")]
    static.append(app.get_asset_url("topojson/world_50m.json"))
    # -- embedding and exports (issue 7)
    embed.register(app, services, settings)
    security_headers.register(app.server, app.csp_hashes(), settings.frame_ancestors, [embed.EMBED_PATH])
    # -- end embedding and exports
    precompress(app.server, app.get_relative_path("/"), static)
    return app


def _layout(app: dash.Dash, services: Services, settings: Settings) -> html.Div:
    """The frame of every page; :mod:`dashboard.pages` puts the page and the header's links into it."""
    info = services.boundaries.info()
    networks = services.networks()
    sample = any(services.is_sample(n) for n in networks)
    return html.Div(
        [
            dcc.Location(id=ids.PAGE_URL, refresh=False),
            html.A("Zum Inhalt springen", href=f"#{ids.CONTENT}", className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1("Netzwerk Kriminalprävention vor Ort"),
                            html.P(
                                "Landespräventionsrat Brandenburg · AG 4 Vernetzungsgremium · Abdeckungskarte"
                            ),
                        ]
                    ),
                    html.Nav(id=ids.PAGE_LINKS, **{"aria-label": "Bereiche"}),
                    embed.dialog_layout(settings.frame_ancestors),  # issue 7/17: link, iframe code, downloads
                    _login_status(app, settings.login_mode),  # issue 8
                ],
                className="site",
            ),
            html.P(
                # the facts give way on a phone (style.css), so that the map is on the first screen
                [SAMPLE_NOTICE, " ", html.Span(SAMPLE_FACTS, className="sample-facts")],
                id=ids.SAMPLE_BANNER,
                className="sample-banner",
                hidden=not sample,
            ),
            html.Div(id=ids.PAGE),
            html.Footer(
                [
                    html.P(f"Grenzen: {info['dataset']}, Stand {words.date(info['reference_date'])}."),
                    html.P(info["attribution"], id=ids.ATTRIBUTION),
                    html.P(
                        html.A(
                            "Erklärung zur Barrierefreiheit", href=app.get_relative_path("/barrierefreiheit")
                        )
                    ),
                ],
                className="site",
            ),
        ]
    )


# -- login (issue 8)
def _login_status(app: dash.Dash, mode: str) -> html.Div | None:
    """``Anmelden`` or ``Angemeldet als X (Rolle) · Abmelden`` (nothing when logins are off)."""
    if mode == "none" or not has_request_context():  # Dash also builds the layout once at start-up
        return None
    user = login.current_user()
    if user is None:
        if mode != "local":
            return html.Div("Nicht angemeldet", id=ids.LOGIN_STATUS, className="login-status")
        return html.Div(
            html.A("Anmelden", href=app.get_relative_path(login.LOGIN_PATH)),
            id=ids.LOGIN_STATUS,
            className="login-status",
        )
    parts: list = [f"Angemeldet als {login.user_label(user)}"]
    if mode == "local":
        parts += [
            " · ",
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=login.csrf_token()),
                    html.Button("Abmelden", type="submit", className="link-button"),
                ],
                action=app.get_relative_path(login.LOGOUT_PATH),
                method="POST",
                className="inline-form",
            ),
        ]
    return html.Div(parts, id=ids.LOGIN_STATUS, className="login-status")


# -- end login
