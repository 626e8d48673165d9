"""The Wiedervorlage for editors: a card on the map page and a count in the header's link to it.

The card lists the open next steps due today or earlier (:func:`lpr_geo.followups`), the most overdue
first, each region a link that opens it in the detail panel. It is built by a callback, and only for
editors: a viewer's response holds no follow-up. The header's count (:func:`badge`) is made with the
page's links (:mod:`dashboard.pages`) and refreshed after every save; that callback's only output is in
:data:`OUTPUTS`, so it runs for editors only.
"""

from __future__ import annotations

from dash import Input, Output, dcc, html
from sqlalchemy import Engine

from lpr_geo import FollowUp, User, followups, has_role
from lpr_geo import vocabulary as words

from .. import ids
from ..login import current_user
from ..services import Services

#: Outputs only editors may have written (the header's count).
OUTPUTS: tuple[str, ...] = (ids.FOLLOWUPS_BADGE,)
HEADERS = ("Fällig am", "Region (Aktivität)", "Nächster Schritt")


def layout() -> html.Div:
    """The card's place on the map page (empty for everyone but editors)."""
    return html.Div(id=ids.FOLLOWUPS)


def badge(count: int) -> html.Span:
    """The count of due follow-ups in the header's link."""
    return html.Span(words.number(count), id=ids.FOLLOWUPS_BADGE, className="badge")


def due_count(engine: Engine, user: User | None) -> int | None:
    """How many follow-ups are due for the header (``None`` for anyone but an editor)."""
    return len(followups(engine)) if has_role(user, "editor") else None


def _row(item: FollowUp) -> html.Tr:
    late = html.Span(words.lateness(item.days_late), className="flag flag-overdue" if item.overdue else None)
    return html.Tr(
        [
            html.Td([words.date(item.due), html.Br(), late]),
            html.Td(
                [
                    dcc.Link(item.region, href=f"?region={item.key}"),
                    html.Br(),
                    html.Span(f"{item.kind} {words.date(item.date)}", className="muted"),
                ]
            ),
            html.Td(item.next_step),
        ]
    )


def card(items: list[FollowUp]) -> html.Section:
    """The card: heading with the counts, then the table (or a line that nothing is due)."""
    late = sum(item.overdue for item in items)
    summary = f"{words.FOLLOW_UP.count(len(items))} fällig, davon {words.number(late)} überfällig."
    body = (
        html.Table(
            [
                html.Thead(html.Tr([html.Th(header, scope="col") for header in HEADERS])),
                html.Tbody([_row(item) for item in items]),
            ],
            className="route-table followups-table",
        )
        if items
        else html.P("Heute ist nichts fällig.", className="hint")
    )
    return html.Section(
        [
            html.H2("Wiedervorlage", id=ids.FOLLOWUPS_TITLE, className="section-title"),
            html.P(
                [summary, " Offen ist der nächste Schritt der letzten Aktivität einer Region."],
                className="hint",
            ),
            body,
        ],
        className="card followups-card",
        **{"aria-labelledby": ids.FOLLOWUPS_TITLE},
    )


def register(app, services: Services) -> None:
    """Add the callbacks of the card and of the header's count."""

    @app.callback(Output(ids.FOLLOWUPS, "children"), Input(ids.EDIT_SAVED, "data"))
    def show_followups(_saved):
        if not has_role(current_user(), "editor"):
            return None
        return card(followups(services.engine))

    # the count sits in the frame's header, the counter on the map page: both are shown (and gone) with
    # the map page, since the header's links are made with it
    @app.callback(
        Output(ids.FOLLOWUPS_BADGE, "children"),
        Input(ids.EDIT_SAVED, "data"),
        prevent_initial_call=True,
    )
    def refresh_badge(_saved):
        return words.number(due_count(services.engine, current_user()) or 0)
