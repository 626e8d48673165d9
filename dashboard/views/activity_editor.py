"""The editor panel's activity form: record a visit, call, meeting or e-mail, or correct and delete one.

A new activity is saved with the form's idempotency key (:data:`ids.ACTIVITY_KEY`, made when the form is
rendered and again after every save): a double click or a retried request reaches
:func:`lpr_geo.add_activity` twice with the same key and records one activity. "Korrigieren" beside an
activity in the region's detail loads it with its version into this form; saving then corrects it and
"Aktivität löschen" deletes it, both refused as a stale edit ("inzwischen von X geändert") when someone
changed it meanwhile. Every output is in :data:`OUTPUTS` (editors only). :func:`activity_event` is the
callback's whole logic, callable without Dash.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NamedTuple

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine

from lpr_geo import (
    ACTIVITY_KINDS,
    Boundaries,
    InvalidInput,
    PermissionDenied,
    StaleEdit,
    User,
    add_activity,
    correct_activity,
    delete_activity,
    region_activities,
)
from lpr_geo import vocabulary as words

from .. import browser_input, ids
from ..browser_input import BadInput, KnownValues
from ..forms import NO_REGION, buttons, clicked, done, error, field, stale, text
from ..login import current_user
from ..request_bounds import MAX_CHARS
from ..services import Services
from ..url_state import ViewState

#: The form's fields, in order: the names :func:`activity_event` takes them by.
FIELDS = ("kind", "day", "place", "outcome", "next_step", "due")
INPUTS = (
    ids.ACTIVITY_KIND,
    ids.ACTIVITY_DATE,
    ids.ACTIVITY_PLACE,
    ids.ACTIVITY_OUTCOME,
    ids.ACTIVITY_NEXT_STEP,
    ids.ACTIVITY_DUE,
)
#: Every output of the form's callback (editors only).
OUTPUTS: tuple[str, ...] = (
    *INPUTS,
    ids.ACTIVITY_LOADED,
    ids.ACTIVITY_MODE,
    ids.ACTIVITY_DELETE,
    ids.ACTIVITY_KEY,
    ids.ACTIVITY_MESSAGE,
)
NEW_ACTIVITY = "Neue Aktivität: Felder ausfüllen und speichern."
GONE = "Diese Aktivität gibt es nicht mehr."
#: Longest key the browser may send back (the register's column).
_MAX_KEY = 64


def new_key() -> str:
    """A fresh idempotency key for the form."""
    return secrets.token_urlsafe(16)


def _empty() -> dict:
    return {"kind": ACTIVITY_KINDS[0], "day": words.date(dt.date.today())}


def form() -> html.Form:
    """The activity form, empty, with a fresh key."""
    values = _empty()
    return html.Form(
        [
            html.H4("Aktivität erfassen / korrigieren"),
            dcc.Store(id=ids.ACTIVITY_KEY, data=new_key()),
            dcc.Store(id=ids.ACTIVITY_LOADED, data=None),
            html.P(NEW_ACTIVITY, id=ids.ACTIVITY_MODE, className="hint", **{"aria-live": "polite"}),
            html.Fieldset(
                [
                    html.Legend("Art"),
                    dcc.RadioItems(
                        id=ids.ACTIVITY_KIND,
                        options=[{"label": kind, "value": kind} for kind in ACTIVITY_KINDS],
                        value=values["kind"],
                        labelClassName="radio",
                    ),
                ]
            ),
            field(
                "Datum (TT.MM.JJJJ)",
                ids.ACTIVITY_DATE,
                text(ids.ACTIVITY_DATE, "TT.MM.JJJJ", value=values["day"]),
            ),
            field("Ort", ids.ACTIVITY_PLACE, text(ids.ACTIVITY_PLACE, max_length=200)),
            field("Ergebnis", ids.ACTIVITY_OUTCOME, dcc.Textarea(id=ids.ACTIVITY_OUTCOME, value="", rows=2)),
            field("Nächster Schritt", ids.ACTIVITY_NEXT_STEP, text(ids.ACTIVITY_NEXT_STEP)),
            field("Fällig am (TT.MM.JJJJ)", ids.ACTIVITY_DUE, text(ids.ACTIVITY_DUE, "TT.MM.JJJJ")),
            buttons(
                html.Button("Aktivität speichern", id=ids.ACTIVITY_SAVE, type="button", className="button"),
                html.Button("Abbrechen", id=ids.ACTIVITY_CANCEL, type="button", className="button secondary"),
                html.Button(
                    "Aktivität löschen",
                    id=ids.ACTIVITY_DELETE,
                    type="button",
                    className="button danger",
                    hidden=True,
                ),
            ),
            html.Div(id=ids.ACTIVITY_MESSAGE, role="status"),
        ],
        className="edit-form",
        **{"aria-label": "Aktivität erfassen / korrigieren"},
    )


class ActivityReply(NamedTuple):
    """The outputs of the form's callback, in order; ``no_update`` leaves a part as it is."""

    kind: object = no_update
    day: object = no_update
    place: object = no_update
    outcome: object = no_update
    next_step: object = no_update
    due: object = no_update
    loaded: object = no_update  # {"id", "version"} of the activity corrected; None: a new one
    mode: object = no_update
    delete_hidden: object = no_update
    key: object = no_update
    message: object = no_update
    saved: object = no_update  # bumped after every write: the detail panel shows the stored state


def _cleared(message, saved: object) -> ActivityReply:
    """The empty form for the next activity, with a new key (saving clears the form)."""
    values = {**dict.fromkeys(FIELDS, ""), **_empty()}
    return ActivityReply(
        *(values[name] for name in FIELDS),
        loaded=None,
        mode=NEW_ACTIVITY,
        delete_hidden=True,
        key=new_key(),
        message=message,
        saved=_once_more(saved),
    )


def _once_more(saved: object) -> int:
    return browser_input.whole_number(saved, "Speicherzähler") + 1


def _ref(data: object) -> dict:
    """``{"id", "version"}`` of the activity in the form (``{}``: a new one); both or neither."""
    if data is None:
        return {}
    data = browser_input.mapping(data, "Aktivität")
    ref = {key: browser_input.whole_number(data.get(key), "Aktivität") for key in ("id", "version")}
    if not ref["id"] or not ref["version"]:
        raise BadInput("Aktivität: ungültige Angabe.")
    return ref


def _correcting(activity) -> str:
    return f"Sie korrigieren: {activity.kind} vom {words.date(activity.date)}. Abbrechen leert das Formular."


def activity_event(
    engine: Engine,
    user: User | None,
    known: KnownValues,
    stored: object,
    button: str | dict,
    entered: dict,
    state: dict,
    boundaries: Boundaries | None = None,
) -> ActivityReply:
    """Save, correct, delete or load an activity, or empty the form.

    Parameters
    ----------
    engine, user, known
        The register, the acting user and what the browser may name.
    stored : object
        The view store (its region is the one edited).
    button : str or dict
        ``ids.ACTIVITY_SAVE``, ``ids.ACTIVITY_CANCEL``, ``ids.ACTIVITY_DELETE`` or the id of a listed
        activity's "Korrigieren".
    entered : dict
        The form's fields by :data:`FIELDS` name.
    state : dict
        ``loaded`` (the form's activity store), ``key`` (its idempotency key), ``saved`` (the counter).
    """
    if button == ids.ACTIVITY_CANCEL:
        return _cleared(None, state.get("saved"))._replace(key=no_update, saved=no_update)
    view = ViewState.from_store(stored, known)
    level, key = view.region_level, view.region
    if level is None:
        return ActivityReply(message=error(NO_REGION))
    loaded = _ref(state.get("loaded"))
    try:
        if button == ids.ACTIVITY_SAVE:
            return _save(engine, user, view, entered, loaded, state, boundaries)
        if button == ids.ACTIVITY_DELETE and loaded:
            delete_activity(
                engine,
                user,
                level,
                key,
                loaded["id"],
                expected_version=loaded["version"],
                boundaries=boundaries,
            )
            return _cleared(done("Aktivität gelöscht."), state.get("saved"))
        if isinstance(button, dict):
            return _load(engine, level, key, browser_input.whole_number(button.get("index"), "Aktivität"))
    except StaleEdit as edit:
        again = {**loaded, "version": edit.current_version} if edit.current_version else None
        mode = no_update if again else "Die Aktivität wurde inzwischen gelöscht; Speichern legt sie neu an."
        return ActivityReply(
            loaded=again,
            mode=mode,
            delete_hidden=again is None,
            message=stale(edit),
            saved=_once_more(state.get("saved")),
        )
    except (InvalidInput, PermissionDenied) as problem:
        return ActivityReply(message=error(str(problem)))
    raise PreventUpdate


def _save(
    engine: Engine,
    user: User | None,
    view: ViewState,
    entered: dict,
    loaded: dict,
    state: dict,
    boundaries: Boundaries | None,
) -> ActivityReply:
    # the browser's word: strings of bounded length, or the request is refused (BadInput)
    values = {name: browser_input.text(entered.get(name), "Aktivität", MAX_CHARS) for name in FIELDS}
    fields = {
        "place": values["place"],
        "outcome": values["outcome"],
        "next_step": values["next_step"],
        "next_step_due": values["due"] or None,
    }
    level, key = view.region_level, view.region
    if loaded:
        correct_activity(
            engine, user, level, key, loaded["id"], date=values["day"], kind=values["kind"],
            expected_version=loaded["version"], boundaries=boundaries, **fields,
        )  # fmt: skip
        return _cleared(done("Aktivität korrigiert."), state.get("saved"))
    add_activity(
        engine, user, level, key, values["day"], values["kind"], network=view.network,
        request_key=browser_input.text(state.get("key"), "Formularschlüssel", _MAX_KEY),
        boundaries=boundaries, **fields,
    )  # fmt: skip
    return _cleared(done("Aktivität gespeichert."), state.get("saved"))


def _load(engine: Engine, level: str, key: str, activity_id: int) -> ActivityReply:
    found = [a for a in region_activities(engine, level, key) if a.id == activity_id]
    if not found:
        return ActivityReply(message=error(GONE))
    activity = found[0]
    return ActivityReply(
        kind=activity.kind,
        day=words.date(activity.date),
        place=activity.place,
        outcome=activity.outcome,
        next_step=activity.next_step,
        due=words.date(activity.next_step_due),
        loaded={"id": activity.id, "version": activity.version},
        mode=_correcting(activity),
        delete_hidden=False,
        message=None,
    )


def register(app, services: Services) -> None:
    """Add the callback of the activity form."""

    @app.callback(
        *(Output(component, "value") for component in INPUTS),
        Output(ids.ACTIVITY_LOADED, "data"),
        Output(ids.ACTIVITY_MODE, "children"),
        Output(ids.ACTIVITY_DELETE, "hidden"),
        Output(ids.ACTIVITY_KEY, "data"),
        Output(ids.ACTIVITY_MESSAGE, "children"),
        Output(ids.EDIT_SAVED, "data", allow_duplicate=True),
        Input(ids.ACTIVITY_SAVE, "n_clicks"),
        Input(ids.ACTIVITY_CANCEL, "n_clicks"),
        Input(ids.ACTIVITY_DELETE, "n_clicks"),
        Input({"type": ids.ACTIVITY_CORRECT, "index": ALL}, "n_clicks"),
        *(State(component, "value") for component in INPUTS),
        State(ids.ACTIVITY_LOADED, "data"),
        State(ids.ACTIVITY_KEY, "data"),
        State(ids.EDIT_SAVED, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def activity_form(_save, _cancel, _delete, _corrections, *form):
        button = clicked()
        if button is None:
            raise PreventUpdate
        *entered, loaded, key, saved, stored = form
        values = dict(zip(FIELDS, entered, strict=True))
        state = {"loaded": loaded, "key": key, "saved": saved}
        known = services.known_values()
        return tuple(
            activity_event(
                services.engine, current_user(), known, stored, button, values, state, services.boundaries
            )
        )
