"""The editor panel's status form, and what a click on its save button does.

Saving a status sends the participant version the form was loaded with; a stale form gets "inzwischen
von X geändert" with both versions side by side, never an overwrite, and then saves against the stored
version. Whether a region's first contact may move that version is the register's rule
(:func:`lpr_geo.register.status_edits.set_status`), not this form's. :func:`save_status` is the callback's
whole logic, callable without Dash; it answers a missing region or bad input with a German message and
changes nothing. The activity form is :mod:`dashboard.views.activity_editor`.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine

from lpr_geo import (
    EVENT_STATUSES,
    Boundaries,
    InvalidInput,
    PermissionDenied,
    StaleEdit,
    User,
    set_status,
)
from lpr_geo import vocabulary as words

from .. import browser_input, ids
from ..browser_input import KnownValues
from ..forms import NO_REGION, done, error, field, stale, text
from ..login import current_user
from ..services import Services
from ..url_state import ViewState

#: Outputs only this form's callback writes (with the editor role, see :mod:`dashboard.views.editor_view`).
OUTPUTS: tuple[str, ...] = (ids.STATUS_MESSAGE,)


#: The going-live question of the first real status, asked in the browser's confirmation dialog.
REMOVE_SAMPLE_QUESTION = (
    "Das Register enthält noch das Beispielregister (fiktive Einträge). Es wird jetzt mit allen seinen "
    "Einträgen entfernt, auch mit Probe-Eingaben, und dieser Status als erster echter Eintrag gespeichert, "
    "beides in einem Schritt. Fortfahren?"
)


def _going_live(sample: bool) -> html.Div:
    """While the register holds the sample: the save that removes it first (after a confirmation)."""
    return html.Div(
        dcc.ConfirmDialogProvider(
            html.Button(
                "Beispielregister entfernen, dann speichern", type="button", className="button secondary"
            ),
            id=ids.STATUS_SAVE_REMOVING_SAMPLE,
            message=REMOVE_SAMPLE_QUESTION,
        ),
        hidden=not sample,
        className="toolbar",
    )


def forms(status: str | None, version: int, sample: bool = False) -> list:
    """The status form, loaded with the region's status and version.

    ``sample``: the register still holds the sample register; "Status speichern" then writes into it (to
    try the editor out), and a second button removes it and saves the first real status.
    """
    today = words.date(dt.date.today())
    return [
        html.Form(
            [
                html.H4("Status setzen"),
                dcc.Store(id=ids.EDIT_VERSION, data=version),
                html.Fieldset(
                    [
                        html.Legend("Status"),
                        dcc.RadioItems(
                            id=ids.STATUS_VALUE,
                            options=[{"label": s.label, "value": s.value} for s in EVENT_STATUSES],
                            value=status,
                            labelClassName="radio",
                        ),
                    ]
                ),
                field(
                    "Gültig ab (TT.MM.JJJJ)",
                    ids.STATUS_DATE,
                    text(ids.STATUS_DATE, "TT.MM.JJJJ", value=today),
                ),
                field("Notiz", ids.STATUS_NOTE, dcc.Textarea(id=ids.STATUS_NOTE, value="", rows=2)),
                html.Button("Status speichern", id=ids.STATUS_SAVE, type="button", className="button"),
                _going_live(sample),
                html.Div(id=ids.STATUS_MESSAGE, role="status"),
            ],
            className="edit-form",
            **{"aria-label": "Status setzen"},
        ),
    ]


class StatusReply(NamedTuple):
    """What a status save shows: the message, the version the form saves against next, the saves counter."""

    message: object
    version: object
    saved: object  # bumped after every write (and after a conflict): the detail panel shows the stored state


def _saved_once_more(saved: object) -> int:
    return browser_input.whole_number(saved, "Speicherzähler") + 1


def save_status(
    engine: Engine,
    user: User | None,
    known: KnownValues,
    stored: object,
    status: str | None,
    day: str | None,
    note: str | None,
    version: object,
    saved: object,
    remove_sample: bool = False,
    boundaries: Boundaries | None = None,
) -> StatusReply:
    """Save the status form for the region of the view ``stored``, against the form's ``version``.

    ``remove_sample``: the editor confirmed going live; the sample register goes in the same transaction.
    """
    version = browser_input.whole_number(version, "Version")
    view = ViewState.from_store(stored, known)
    if view.region_level is None:
        return StatusReply(error(NO_REGION), no_update, no_update)
    if not status:
        return StatusReply(error("Status: bitte einen Status wählen."), no_update, no_update)
    try:
        result = set_status(
            engine,
            user,
            view.region_level,
            view.region,
            view.network,
            status,
            day or "",
            note=note or "",
            expected_version=version,
            remove_sample=remove_sample,
            boundaries=boundaries,
        )
    except StaleEdit as edit:
        # the detail panel shows the stored state; the form keeps the input and saves against it next
        return StatusReply(stale(edit), edit.current_version, _saved_once_more(saved))
    except (InvalidInput, PermissionDenied) as problem:
        return StatusReply(error(str(problem)), no_update, no_update)
    message = "Beispielregister entfernt, Status gespeichert." if remove_sample else "Status gespeichert."
    return StatusReply(done(message), result.version, _saved_once_more(saved))


def register(app, services: Services) -> None:
    """Add the save callback of the status form."""

    @app.callback(
        Output(ids.STATUS_MESSAGE, "children"),
        Output(ids.EDIT_VERSION, "data"),
        Output(ids.EDIT_SAVED, "data"),
        Input(ids.STATUS_SAVE, "n_clicks"),
        Input(ids.STATUS_SAVE_REMOVING_SAMPLE, "submit_n_clicks"),
        State(ids.STATUS_VALUE, "value"),
        State(ids.STATUS_DATE, "value"),
        State(ids.STATUS_NOTE, "value"),
        State(ids.EDIT_VERSION, "data"),
        State(ids.VIEW, "data"),
        State(ids.EDIT_SAVED, "data"),
        prevent_initial_call=True,
    )
    def status_saved(clicks, confirmed, status, day, note, version, stored, saved):
        going_live = ctx.triggered_id == ids.STATUS_SAVE_REMOVING_SAMPLE
        if not (confirmed if going_live else clicks):  # called once when the panel appears: no click yet
            raise PreventUpdate
        known = services.known_values()
        return tuple(
            save_status(
                services.engine,
                current_user(),
                known,
                stored,
                status,
                day,
                note,
                version,
                saved,
                going_live,
                services.boundaries,
            )
        )
