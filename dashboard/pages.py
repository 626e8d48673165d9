"""The dashboard's two pages: the map at ``/`` and, for admins, the Verwaltung at ``/verwaltung``.

One Dash app serves both. Its layout (:func:`dashboard.app.create_app`) is the frame every page shares:
header, footer and a ``dcc.Location`` whose path names the page; :func:`register`'s callback puts that
page and the header's links for it into the frame. So the map page never loads the admin grids and the
Verwaltung page never the map. This is Dash's "multi-page apps without Pages" pattern: Dash Pages
(``use_pages``) does the same with a callback of its own, but rebuilds ``app.validation_layout`` from the
page layouts at the first request, dropping the forms that only exist for editors and admins.

Callbacks never span frame and page: the map page has its own ``dcc.Location`` for the view state, and
the frame's location learns of each change of the view from it (``refresh="callback-nav"``), which is
what the header's embed dialog follows. The server refuses ``/verwaltung`` to anyone but admins before
Dash runs (:func:`dashboard.login.register`, see :data:`PROTECTED_PAGES`), and the callback checks the
role once more.
"""

from __future__ import annotations

from dash import Input, Output, dcc, html

from lpr_geo import has_role
from lpr_geo.vocabulary import ROLE_LABELS

from . import browser_input, deferred, ids
from .login import current_user
from .request_bounds import MAX_CHARS
from .services import Services
from .view_reducer import RELAYED
from .views import (
    accounts_view,
    audit_view,
    controls,
    data_view,
    detail_view,
    editor_view,
    followups_view,
    gaps_view,
    key_figures_view,
    map_view,
    networks_view,
    privacy_view,
    route_view,
    timeline_view,
)

ADMIN_PATH = "/verwaltung"
#: Pages only a role may open: anyone else gets the login page (no login yet) or 403.
PROTECTED_PAGES = {ADMIN_PATH: "admin"}
#: The sections of the map page, and those of the Verwaltung page (each declares its ``ADMIN_OUTPUTS``).
MAP_SECTIONS = (
    controls,
    map_view,
    detail_view,
    editor_view,
    followups_view,
    key_figures_view,
    gaps_view,
    route_view,
    timeline_view,
)
ADMIN_SECTIONS = (audit_view, data_view, accounts_view, networks_view, privacy_view)
#: The parts of the map page that load after the map, when they come near the screen (map first).
DEFERRED_PARTS = {
    "luecken": gaps_view.layout,
    "besuchsplanung": route_view.layout,
    "entwicklung": timeline_view.layout,
    "kreise": key_figures_view.kreise_layout,
    map_view.TABLE_PART: map_view.table_layout,
}


def map_page(app, services: Services) -> list:
    """The map page: the control bar and the map with its panels, lists and charts."""
    return [
        # the view's own location: a change of the view pushes its query string and tells the frame's
        # location (callback-nav), which the embed dialog follows
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.VIEW),
        dcc.Store(id=ids.SCOPE),
        deferred.watch_store(),
        *(deferred.relay_store(trigger) for trigger in RELAYED.values()),
        controls.layout(services),
        html.Main(
            [
                html.Div(
                    [
                        map_view.layout(app),
                        # the region's details first: beside the map when a region is chosen
                        html.Div(
                            [detail_view.layout(), key_figures_view.cards_layout(), followups_view.layout()],
                            className="aside",
                        ),
                    ],
                    className="top-grid",
                ),
                deferred.part("luecken", gaps_view.layout),
                html.Div(
                    [
                        deferred.part("besuchsplanung", route_view.layout),
                        deferred.part("entwicklung", timeline_view.layout),
                    ],
                    className="two-columns",
                ),
                deferred.part("kreise", key_figures_view.kreise_layout),
            ],
            id=ids.CONTENT,
            tabIndex="-1",
        ),
    ]


def admin_page(services: Services) -> html.Main:
    """The Verwaltung page: Änderungsprotokoll, register import and export, accounts, networks."""
    return html.Main(
        html.Section(
            [
                html.H2("Verwaltung", id=ids.ADMIN_TITLE, className="section-title"),
                *(section.layout(services) for section in ADMIN_SECTIONS),
            ],
            className="admin-area",
            **{"aria-labelledby": ids.ADMIN_TITLE},
        ),
        id=ids.CONTENT,
        tabIndex="-1",
    )


def _refused() -> html.Main:
    return html.Main(
        html.P(f"Dafür ist die Rolle »{ROLE_LABELS['admin']}« nötig.", className="hint"),
        id=ids.CONTENT,
        tabIndex="-1",
    )


def _links(*items: tuple[str, str], current: str | None = None) -> html.Ul:
    return html.Ul(
        [
            html.Li(html.A(label, href=href, **({"aria-current": "page"} if label == current else {})))
            for label, href in items
        ]
    )


def map_links(app, admin: bool, due: int | None = None) -> html.Ul:
    """The header's links on the map page: its parts, the Wiedervorlage with its count ``due`` for
    editors (``None``: not an editor), and the Verwaltung page for admins."""
    followups = (
        [] if due is None else [(["Wiedervorlage ", followups_view.badge(due)], f"#{ids.FOLLOWUPS_TITLE}")]
    )
    parts = [
        ("Karte", f"#{ids.CONTENT}"),
        *followups,
        ("Noch nicht im Netzwerk", f"#{ids.GAPS_TITLE}"),
        ("Besuchsplanung", f"#{ids.ROUTE_TITLE}"),
        ("Entwicklung", f"#{ids.TIMELINE_TITLE}"),
        ("Kreise", f"#{ids.KREISE_TITLE}"),
    ]
    return _links(*parts, *([("Verwaltung", app.get_relative_path(ADMIN_PATH))] if admin else []))


def admin_links(app) -> html.Ul:
    """The header's links on the Verwaltung page."""
    return _links(
        ("Karte", app.get_relative_path("/")),
        ("Verwaltung", app.get_relative_path(ADMIN_PATH)),
        current="Verwaltung",
    )


def register(app, services: Services) -> None:
    """Add the callback that puts the page of the browser's path into the frame, and each page's sections."""
    # the renderer checks every callback's ids against the layout: the frame holds no page at first
    # (the header's Wiedervorlage count exists for editors only)
    app.validation_layout = html.Div(
        [
            app.validation_layout,
            *map_page(app, services),
            *(layout() for layout in DEFERRED_PARTS.values()),
            followups_view.badge(0),
        ]
    )
    admin_path = app.get_relative_path(ADMIN_PATH).rstrip("/")

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.PAGE_LINKS, "children"),
        Output(ids.EMBED_DIALOG, "hidden"),
        Input(ids.PAGE_URL, "pathname"),
        prevent_initial_call=True,  # the location reports its path once the frame is shown
    )
    def show_page(pathname):
        path = browser_input.text(pathname, "Adresse", MAX_CHARS)
        user = current_user()
        admin = has_role(user, "admin")
        if path.rstrip("/") != admin_path:
            due = followups_view.due_count(services.engine, user)
            return map_page(app, services), map_links(app, admin, due), False
        # the embed dialog offers the map of the current view: there is none here
        return (admin_page(services) if admin else _refused()), admin_links(app), True

    for section in (*MAP_SECTIONS, *ADMIN_SECTIONS):
        section.register(app, services)
    deferred.register(app, DEFERRED_PARTS)
