"""Setting a region's status in a network: the status event, versioned and audited.

The rules every edit follows are in :mod:`lpr_geo.register.edits`. The first contact rule is here too:
a region that is not a participant yet gets its first status from the form that did not know it
(``expected_version=0``), and a second first status that lost the race is a stale edit, not a second row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lpr_geo.status import Status

from . import sample_switch
from .database import register_session
from .edits import (
    Outdated,
    Saved,
    check_not_future,
    checked_date,
    checked_region,
    checked_status,
    checked_text,
    find_participant,
    last_change,
    network_named,
    participant_for,
    retrying,
)
from .errors import ConflictError, InvalidInput, StaleEdit
from .models import Network, Participant, StatusEvent
from .permissions import require_role
from .regions import Region, describe
from .validation import status_date_problem

if TYPE_CHECKING:
    from lpr_geo.auth import User
    from lpr_geo.boundaries import Boundaries


@dataclass(frozen=True)
class CurrentStatus:
    """A region's latest status in one network, with the version to send when changing it."""

    status: Status
    effective_date: dt.date | None
    note: str
    version: int


def _status_values(status: Status | None, day: dt.date | None, note: str) -> dict[str, str]:
    if status is None:
        return {"Status": Status.NOT_CONTACTED.label}
    return {"Status": status.label, "Seit": f"{day:%d.%m.%Y}" if day else "", "Notiz": note}


def _current_status(session: Session, participant: Participant | None, network: Network) -> CurrentStatus:
    if participant is None:
        return CurrentStatus(Status.NOT_CONTACTED, None, "", 0)
    event = session.scalar(
        select(StatusEvent)
        .where(StatusEvent.participant_id == participant.id, StatusEvent.network_id == network.id)
        .order_by(StatusEvent.effective_date.desc(), StatusEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return CurrentStatus(Status.NOT_CONTACTED, None, "", participant.version)
    return CurrentStatus(Status(event.status), event.effective_date, event.note or "", participant.version)


def _has_status(session: Session, participant: Participant | None, network: Network) -> bool:
    if participant is None:
        return False
    return (
        session.scalar(
            select(StatusEvent.id)
            .where(StatusEvent.participant_id == participant.id, StatusEvent.network_id == network.id)
            .limit(1)
        )
        is not None
    )


def _stale_status(
    engine: Engine, region: Region, network_name: str | None, expected: int, submitted: dict[str, str]
) -> StaleEdit:
    with register_session(engine) as session:
        network = network_named(session, network_name)
        participant = find_participant(session, region)
        current = _current_status(session, participant, network)
        records: list[tuple[str, list[int]]] = []
        if participant is not None:
            events = session.scalars(
                select(StatusEvent.id).where(StatusEvent.participant_id == participant.id)
            )
            records = [("participants", [participant.id]), ("status_events", list(events))]
        who, when = last_change(session, records) if records else ("unbekannt", None)
    return StaleEdit(
        f"Der Status von {describe(region)}",
        who,
        when,
        expected,
        current.version,
        _status_values(
            current.status if current.effective_date else None, current.effective_date, current.note
        ),
        submitted,
    )


def set_status(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    network: str | None,
    status: Status | str,
    effective_date: dt.date | str,
    note: str = "",
    expected_version: int | None = None,
    remove_sample: bool = False,
    boundaries: Boundaries | None = None,
) -> Saved:
    """Record a region's status in a network from a date on (a status event).

    The region becomes a participant if it is not one yet. An event on the same day in the same
    network is corrected in place (one event per day); otherwise a new event is added.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level : {"kreis", "amt", "gemeinde"}
        Level of the region.
    key : str
        Official key of the region in the active boundary dataset.
    network : str or None
        Network name; ``None`` for AG 4.
    status : Status or str
        New status (code or German label); not "Nicht kontaktiert".
    effective_date : datetime.date or str
        From when (``YYYY-MM-DD`` or ``TT.MM.JJJJ``); not in the future, not before the network's founding.
    note : str
        Free text, stored verbatim.
    expected_version : int or None
        :attr:`Versions.participant` as loaded into the form (0 for a region not yet in the register).
        0 still matches when the region has entered the register since without a status in this
        network (by a contact person or an activity): the first contact, then the status.
    remove_sample : bool
        Going live: delete the sample register in the same transaction first (if the register holds it),
        so that this status is the first real entry; the form's version then no longer applies.
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

    Returns
    -------
    Saved
        Participant id and its new version.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        For an unknown level, key, network or status, or an impossible date.
    StaleEdit
        If the region's status was changed since the form was loaded.
    """
    require_role(user, "editor")
    region = checked_region(level, key, boundaries)
    new_status = checked_status(status)
    day = checked_date("effective_date", "Gültig ab", effective_date)
    check_not_future("effective_date", "Gültig ab", day)  # before the transaction; the rest needs the network
    note = checked_text("note", "Notiz", note)
    submitted = _status_values(new_status, day, note)

    def write() -> Saved:
        with register_session(engine, user.name) as session:
            net = network_named(session, network)
            if problem := status_date_problem(day, net.name, net.founded):
                raise InvalidInput("effective_date", f"Gültig ab: {problem}")
            expected = None if remove_sample and sample_switch.remove_sample(session) else expected_version
            participant = find_participant(session, region)
            version = participant.version if participant is not None else 0
            if expected is not None and expected != version:
                # A form loaded before the region was in the register (version 0) may meet the row that
                # a contact person or an activity has created since, often the editor's own: with no
                # status in this network yet there is nothing to overwrite. The save goes against the
                # version just read, so a status saved at the same moment is still a conflict.
                if expected != 0 or _has_status(session, participant, net):
                    raise Outdated
            if participant is None:
                participant = participant_for(session, region)
                new_version = participant.version
            else:
                # Compare-and-set on the participant row: of two concurrent saves only one matches.
                bumped = session.execute(
                    update(Participant.__table__)
                    .where(Participant.id == participant.id, Participant.version == version)
                    .values(version=version + 1)
                )
                if bumped.rowcount != 1:
                    raise Outdated
                new_version = version + 1
            event = session.scalar(
                select(StatusEvent).where(
                    StatusEvent.participant_id == participant.id,
                    StatusEvent.network_id == net.id,
                    StatusEvent.effective_date == day,
                )
            )
            if event is None:
                session.add(
                    StatusEvent(
                        participant_id=participant.id,
                        network_id=net.id,
                        status=new_status.value,
                        effective_date=day,
                        note=note,
                        created_by=user.name,
                    )
                )
            else:
                event.status, event.note = new_status.value, note
            return Saved(participant.id, new_version)

    try:
        return retrying(write)
    except (Outdated, ConflictError, IntegrityError) as error:
        raise _stale_status(engine, region, network, expected_version or 0, submitted) from error


def current_status(engine: Engine, level: str, key: str, network: str | None = None) -> CurrentStatus:
    """A region's latest status in a network and the version to send with :func:`set_status`.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    level, key : str
        The region.
    network : str, optional
        Network name; AG 4 by default.

    Returns
    -------
    CurrentStatus
        "Nicht kontaktiert" without a date for a region without events in that network.
    """
    with register_session(engine) as session:
        participant = session.scalar(
            select(Participant).where(Participant.level == level, Participant.key == key)
        )
        return _current_status(session, participant, network_named(session, network))
