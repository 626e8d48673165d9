"""Recording, correcting and deleting activities: a region's history of visits, calls, meetings and e-mails.

The same rules as every edit of :mod:`lpr_geo.register.edits`: the role is checked here, input is
validated before anything is written, every change goes through the audited session, and a correction
or deletion takes the version the form showed (:class:`StaleEdit` instead of overwriting a newer change).

A form may send the same activity twice (a double click, a request the browser retries): each form
carries an idempotency key, and :func:`add_activity` answers a key it has already stored for the region
with that record instead of a second one. A correction is idempotent by content: saving exactly what is
stored changes nothing, so its retry is no conflict either.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .database import register_session
from .edits import (
    Outdated,
    Saved,
    check_not_future,
    checked_date,
    checked_region,
    checked_text,
    find_participant,
    last_change,
    network_named,
    participant_for,
    retrying,
)
from .errors import ConflictError, InvalidInput, StaleEdit
from .models import ACTIVITY_KINDS, Activity
from .permissions import require_role
from .regions import Region, describe

if TYPE_CHECKING:
    from lpr_geo.auth import User
    from lpr_geo.boundaries import Boundaries

#: Longest idempotency key a form may send (the column's width).
MAX_REQUEST_KEY = 64
#: Form labels of an activity's fields, in form order (the stale-edit table shows them).
_LABELS = {
    "date": "Datum",
    "kind": "Art",
    "place": "Ort",
    "outcome": "Ergebnis",
    "next_step": "Nächster Schritt",
    "next_step_due": "Fällig am",
}


def _values(
    date: dt.date | str,
    kind: str,
    place: str,
    outcome: str,
    next_step: str,
    next_step_due: dt.date | str | None,
) -> dict:
    """The checked, stored form of an activity's fields (:class:`InvalidInput` on the first problem)."""
    day = checked_date("date", "Datum", date)
    check_not_future("date", "Datum", day)
    if kind not in ACTIVITY_KINDS:
        raise InvalidInput("kind", f"Art: »{kind}« ist unbekannt; erlaubt: {', '.join(ACTIVITY_KINDS)}")
    due = None
    if next_step_due not in (None, ""):
        due = checked_date("next_step_due", "Fällig am", next_step_due)
        if due < day:
            raise InvalidInput("next_step_due", f"Fällig am: der {due:%d.%m.%Y} liegt vor dem Datum")
    values = {
        "date": day,
        "kind": kind,
        "place": checked_text("place", "Ort", place, 200),
        "outcome": checked_text("outcome", "Ergebnis", outcome),
        "next_step": checked_text("next_step", "Nächster Schritt", next_step),
        "next_step_due": due,
    }
    if due is not None and not values["next_step"]:
        # a date alone is no follow-up anyone could act on
        raise InvalidInput("next_step", f"Nächster Schritt: bitte angeben, was am {due:%d.%m.%Y} fällig ist")
    return values


def _shown(values: dict) -> dict[str, str]:
    """An activity's values as the stale-edit table shows them (German dates)."""
    shown = {}
    for field, label in _LABELS.items():
        value = values.get(field)
        shown[label] = f"{value:%d.%m.%Y}" if isinstance(value, dt.date) else (value or "")
    return shown


def _stored(activity: Activity | None) -> dict:
    return {} if activity is None else {field: getattr(activity, field) for field in _LABELS}


def _request_key(value: str | None) -> str | None:
    key = (value or "").strip()
    if len(key) > MAX_REQUEST_KEY:
        raise InvalidInput("request_key", "Formularschlüssel: zu lang; bitte das Formular neu laden")
    return key or None


def _activity_of(
    session: Session, region: Region, activity_id: int, expected_version: int | None
) -> Activity:
    """The region's activity ``activity_id``, checked against the version the form showed."""
    activity = session.get(Activity, activity_id)
    if activity is None and expected_version is not None:
        raise Outdated  # deleted since the form showed it
    participant = find_participant(session, region)
    if activity is None or participant is None or activity.participant_id != participant.id:
        raise InvalidInput("activity_id", f"Aktivität Nr. {activity_id} gibt es bei {describe(region)} nicht")
    return activity


def _stale_activity(
    engine: Engine, region: Region, activity_id: int, expected: int, submitted: dict[str, str]
) -> StaleEdit:
    with register_session(engine) as session:
        activity = session.get(Activity, activity_id)
        who, when = last_change(session, [("activities", [activity_id])])
        current, version = _shown(_stored(activity)), (activity.version if activity is not None else 0)
    what = f"Die Aktivität bei {describe(region)}"
    if activity is None:
        what += " (inzwischen gelöscht)"
    return StaleEdit(what, who, when, expected, version, current, submitted)


def add_activity(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    date: dt.date | str,
    kind: str,
    place: str = "",
    attendees: str = "",
    outcome: str = "",
    next_step: str = "",
    next_step_due: dt.date | str | None = None,
    network: str | None = None,
    request_key: str | None = None,
    boundaries: Boundaries | None = None,
) -> Saved:
    """Record a visit, call, meeting or e-mail concerning a region.

    Adding never conflicts with other edits (nothing existing changes), so there is no version to send.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level, key : str
        The region (it becomes a participant if it is not one yet).
    date : datetime.date or str
        When it happened; not in the future (plan future contacts as the next step).
    kind : str
        One of :data:`lpr_geo.register.ACTIVITY_KINDS` ("Besuch", "Telefonat", "Sitzung", "E-Mail").
    place : str
        Where (at most 200 characters).
    attendees : str
        Who took part (personal data: shown to editors only).
    outcome, next_step : str
        Free text, stored verbatim. A due date needs a next step.
    next_step_due : datetime.date or str, optional
        Due date of the next step; not before ``date``. It puts the activity on the follow-up list
        (:func:`lpr_geo.register.followups.followups`).
    network : str, optional
        The network it concerns.
    request_key : str, optional
        Idempotency key of the form (at most 64 characters). A second call with a key already stored
        for this region adds nothing and returns the record of the first.
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

    Returns
    -------
    Saved
        The activity's id and version.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        For an unknown region, kind or network, an impossible date or a due date without a next step.
    """
    require_role(user, "editor")
    region = checked_region(level, key, boundaries)
    values = _values(date, kind, place, outcome, next_step, next_step_due)
    values["attendees"] = checked_text("attendees", "Teilnehmende", attendees)
    request = _request_key(request_key)

    def write() -> Saved:
        with register_session(engine, user.name) as session:
            net = network_named(session, network) if network else None
            participant = participant_for(session, region)
            if request is not None:
                earlier = session.scalar(
                    select(Activity).where(
                        Activity.participant_id == participant.id, Activity.request_key == request
                    )
                )
                if earlier is not None:
                    return Saved(earlier.id, earlier.version)
            activity = Activity(
                participant_id=participant.id,
                network_id=net.id if net else None,
                request_key=request,
                **values,
            )
            session.add(activity)
            session.flush()
            return Saved(activity.id, activity.version)

    # the same key sent twice at the same moment: the loser's insert violates the unique index and
    # its one retry finds the winner's row
    return retrying(write)


def correct_activity(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    activity_id: int,
    *,
    date: dt.date | str,
    kind: str,
    place: str = "",
    outcome: str = "",
    next_step: str = "",
    next_step_due: dt.date | str | None = None,
    expected_version: int | None = None,
    boundaries: Boundaries | None = None,
) -> Saved:
    """Correct a recorded activity (its attendees and network stay as they are).

    Saving exactly the stored values changes nothing and is no conflict, whatever the version: a
    retried correction finds its own result.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level, key : str
        The region the activity belongs to.
    activity_id : int
        The activity.
    date, kind, place, outcome, next_step, next_step_due
        The corrected values, checked as in :func:`add_activity`.
    expected_version : int, optional
        The version the form was loaded with; required in the UI.
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

    Returns
    -------
    Saved
        The activity's id and new version.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        For invalid values or an activity the region does not have.
    StaleEdit
        If the activity was changed or deleted since the form was loaded.
    """
    require_role(user, "editor")
    region = checked_region(level, key, boundaries)
    values = _values(date, kind, place, outcome, next_step, next_step_due)
    try:
        with register_session(engine, user.name) as session:
            activity = _activity_of(session, region, activity_id, expected_version)
            if _stored(activity) == values:
                return Saved(activity.id, activity.version)
            if expected_version is not None and activity.version != expected_version:
                raise Outdated
            for field, value in values.items():
                setattr(activity, field, value)
            session.flush()
            return Saved(activity.id, activity.version)
    except (Outdated, ConflictError, IntegrityError) as error:
        raise _stale_activity(engine, region, activity_id, expected_version or 0, _shown(values)) from error


def delete_activity(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    activity_id: int,
    expected_version: int | None = None,
    boundaries: Boundaries | None = None,
) -> None:
    """Delete a recorded activity (recorded by mistake); the audit trail keeps its values.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level, key : str
        The region the activity belongs to.
    activity_id : int
        The activity.
    expected_version : int, optional
        Its version as shown; a newer stored version (or a deletion meanwhile) raises :class:`StaleEdit`.
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        If the region has no such activity.
    StaleEdit
        If the activity was changed or deleted since it was shown.
    """
    require_role(user, "editor")
    region = checked_region(level, key, boundaries)
    shown: dict[str, str] = {}
    try:
        with register_session(engine, user.name) as session:
            activity = _activity_of(session, region, activity_id, expected_version)
            shown = _shown(_stored(activity))
            if expected_version is not None and activity.version != expected_version:
                raise Outdated
            session.delete(activity)
    except (Outdated, ConflictError) as error:
        submitted = {**shown, "Aktion": "löschen"}
        raise _stale_activity(engine, region, activity_id, expected_version or 0, submitted) from error
