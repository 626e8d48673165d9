"""The region detail's list of activities: the whole history, newest first.

Everyone sees when, what, where and with which outcome (:func:`lpr_geo.region_activities` holds no
personal data). Next steps and their due dates are the Wiedervorlage, an editor's working list: only an
editor's detail shows them, with the open one flagged when it is overdue and a "Korrigieren" button on
each activity that loads it into the activity form (:mod:`dashboard.views.activity_editor`).
"""

from __future__ import annotations

import datetime as dt

from dash import html

from lpr_geo import vocabulary as words

from .. import ids


def _next_step(activity, open_id: int | None, today: dt.date) -> html.P:
    due = f" (fällig am {words.date(activity.next_step_due)})" if activity.next_step_due else ""
    parts: list = [html.Strong("Nächster Schritt: "), activity.next_step + due]
    if activity.id == open_id and activity.next_step_due and activity.next_step_due < today:
        late = words.lateness((today - activity.next_step_due).days)
        parts += [" ", html.Span(late, className="flag flag-overdue")]
    return html.P(parts)


def _item(activity, editor: bool, open_id: int | None, today: dt.date) -> html.Li:
    when = words.date(activity.date)
    parts: list = [html.P(f"{when}: {activity.kind}" + (f" in {activity.place}" if activity.place else ""))]
    if activity.outcome:
        parts.append(html.P([html.Strong("Ergebnis: "), activity.outcome]))
    if editor and activity.next_step:
        parts.append(_next_step(activity, open_id, today))
    if editor:
        parts.append(
            html.Button(
                "Korrigieren",
                id={"type": ids.ACTIVITY_CORRECT, "index": activity.id},
                type="button",
                className="button secondary small",
                **{"aria-label": f"Korrigieren: {activity.kind} vom {when}"},
            )
        )
    return html.Li(parts, className="activity")


def activities_section(activities: list, editor: bool, open_id: int | None, today: dt.date) -> list:
    """Heading, count and list of a region's activities (``activities`` newest first).

    ``open_id`` is the activity whose next step is still open (:func:`lpr_geo.open_followup`).
    """
    heading = html.H4(
        ["Aktivitäten ", html.Span(f"({words.ACTIVITY.count(len(activities))})", className="muted")]
    )
    if not activities:
        return [heading, html.P("Keine Aktivität erfasst.", className="hint")]
    return [
        heading,
        html.Ol(
            [_item(activity, editor, open_id, today) for activity in activities],
            id=ids.ACTIVITIES,
            reversed=True,  # numbered as recorded: the newest, on top, has the highest number
            className="activity-list",
        ),
    ]
