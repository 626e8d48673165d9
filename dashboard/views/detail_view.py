"""Detail panel of the region clicked on the map or found by the search.

Shows status history and all activities, newest first (:mod:`dashboard.views.activity_list`); next steps
and their overdue flags only to editors. Contact persons and attendees are personal data and are not
part of any response to viewers.
"""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, dcc, html

from lpr_geo import has_role, open_followup
from lpr_geo import vocabulary as words

from .. import ids
from ..login import current_user
from ..services import Services
from ..url_state import ViewState
from .activity_list import activities_section


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Region", className="section-title"),
            html.Div(id=ids.DETAIL, **{"aria-live": "polite"}),
            html.Button(
                "Zur Besuchsplanung hinzufügen",
                id=ids.ADD_REGION_TO_ROUTE,
                type="button",
                className="button",
                hidden=True,
            ),
            # -- editing (issue 8): filled by dashboard/views/editor_view.py for editors only
            dcc.Store(id=ids.EDIT_SAVED, data=0),
            html.Div(id=ids.EDITOR),
            # -- end editing
        ],
        className="card detail-card",
        **{"aria-label": "Details zur gewählten Region"},
    )


def register(app, services: Services) -> None:
    _scroll_into_view(app)

    @app.callback(
        Output(ids.DETAIL, "children"),
        Output(ids.ADD_REGION_TO_ROUTE, "hidden"),
        Input(ids.VIEW, "data"),
        Input(ids.EDIT_SAVED, "data"),  # issue 8: show an editor's save at once
    )
    def show_detail(stored, _saved):
        view = ViewState.from_store(stored, services.known_values())
        if not view.region:
            return html.P(
                "Klicken Sie auf eine Region der Karte oder suchen Sie eine Gemeinde.", className="hint"
            ), True
        level = view.region_level
        table = services.tables(view.network, view.on).table(level).set_index("key")
        if view.region not in table.index:
            return html.P("Diese Region gibt es im aktiven Grenzdatensatz nicht.", className="hint"), True
        row = table.loc[view.region]
        kreis = services.geometry.kreis_names.get(row["kreis_key"], "")
        history = services.history(level, view.region, view.network)
        return [
            html.H3(f"{row['name']}"),
            html.P(f"{row['bez']} · {kreis} · Schlüssel {view.region}", className="muted"),
            *_kreis_membership(services, row),
            _status_line(row),
            html.H4("Verlauf"),
            html.Ol(
                [
                    html.Li(
                        f"{words.date(h.effective_date)}: {h.status.label}"
                        + (f" – {h.note}" if h.note else "")
                    )
                    for h in history
                ]
            )
            if history
            else html.P("Noch kein Kontakt erfasst.", className="hint"),
            *_activities(services, level, view.region),
        ], False


def _status_line(row) -> html.P:
    """``Status: Mitglied seit 07.06.2021 (über ...)``; without a known date no dangling "seit"."""
    code = row["effective_status"] if row["covered"] else row["status"]
    how = [f" ({row['how']})"] if row["how"] and row["how"] != "selbst" else []
    return html.P([html.Strong("Status: "), words.status_since(code, row["since"]), *how])


def _activities(services: Services, level: str, key: str) -> list:
    """The region's activities; an editor also gets next steps, the overdue flag and "Korrigieren"."""
    editor = has_role(current_user(), "editor")
    open_id = open_followup(services.engine, level, key) if editor else None
    return activities_section(services.activities(level, key), editor, open_id, dt.date.today())


def _kreis_membership(services: Services, row) -> list:
    """``Landkreis Havelland ist Mitglied seit 15.04.2021`` for a region in a member Landkreis.

    Said where the Kreis's membership is not already the way the region is covered ("über Landkreis …").
    """
    since = row.get("kreis_member_since")
    if row["via"] == "kreis" or not words.date(since):
        return []
    kreis = services.layers.frames["kreis"].set_index("key").loc[row["kreis_key"]]
    return [
        html.P(words.kreis_membership(f"{kreis['bez']} {kreis['name']}", since), className="kreis-member")
    ]


def _scroll_into_view(app) -> None:
    """A region chosen on the map or by the search: bring its detail panel into view where it is not.

    Beside the map on wide screens it usually is already; on narrow screens it sits under the map. Not on
    the first render (a link to a region opens at the top of the page), and not for the same region again.
    """
    app.clientside_callback(
        f"""
        function (children) {{
            const shown = () => {{
                const detail = document.getElementById("{ids.DETAIL}");
                const heading = detail && detail.querySelector("h3");
                const name = heading ? heading.textContent : "";
                const previous = window.lprDetailShown;
                window.lprDetailShown = name;
                if (!name || previous === undefined || previous === name) {{ return; }}
                const card = detail.closest("section") || detail;
                const box = card.getBoundingClientRect();
                if (box.top >= 0 && box.top <= window.innerHeight - 120) {{ return; }}
                const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
                card.scrollIntoView({{block: "start", behavior: still ? "auto" : "smooth"}});
            }};
            window.requestAnimationFrame(shown);  // after the new children are in the page
            return window.dash_clientside.no_update;
        }}
        """,
        Output(ids.DETAIL, "title"),
        Input(ids.DETAIL, "children"),
    )
