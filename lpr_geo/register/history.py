"""Read-only views of one region for the dashboard's detail panel, and the register's revision.

Nothing here returns personal data: contact persons and the attendees of activities stay out, so a
viewer's response can never carry them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from lpr_geo.status import Status

from .models import Activity, AuditEntry, Network, Participant, StatusEvent


@dataclass(frozen=True)
class HistoryEntry:
    """One status change of a region in a network."""

    network: str
    status: Status
    effective_date: dt.date
    note: str


@dataclass(frozen=True)
class ActivitySummary:
    """An activity without personal data (no attendees), with the id and version to correct it."""

    id: int
    version: int
    date: dt.date
    kind: str
    place: str
    outcome: str
    next_step: str
    next_step_due: dt.date | None


def region_history(engine: Engine, level: str, key: str, network: str | None = None) -> list[HistoryEntry]:
    """Status events of one region, oldest first.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    level : {"kreis", "amt", "gemeinde"}
        Level of the region.
    key : str
        Its official key.
    network : str, optional
        Only this network.

    Returns
    -------
    list of HistoryEntry
    """
    query = (
        select(Network.name, StatusEvent.status, StatusEvent.effective_date, StatusEvent.note)
        .join(StatusEvent.participant)
        .join(StatusEvent.network)
        .where(Participant.level == level, Participant.key == key)
        .order_by(StatusEvent.effective_date, Network.name)
    )
    if network is not None:
        query = query.where(Network.name == network)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [HistoryEntry(name, Status(status), date, note or "") for name, status, date, note in rows]


def region_activities(
    engine: Engine, level: str, key: str, limit: int | None = None
) -> list[ActivitySummary]:
    """The activities concerning one region, newest first (without attendees); all unless ``limit``."""
    query = (
        select(
            Activity.id,
            Activity.version,
            Activity.date,
            Activity.kind,
            Activity.place,
            Activity.outcome,
            Activity.next_step,
            Activity.next_step_due,
        )
        .join(Activity.participant)
        .where(Participant.level == level, Participant.key == key)
        .order_by(Activity.date.desc(), Activity.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [ActivitySummary(*row) for row in connection.execute(query).all()]


def revision(engine: Engine) -> tuple[int, ...]:
    """A token that changes whenever the register changes (cache key for derived figures).

    Counts and highest ids of status events and activities plus the newest audit entry: cheap
    (index-only) and changed by every insert, update (audited) or delete.
    """
    with engine.connect() as connection:
        events = connection.execute(select(func.count(), func.coalesce(func.max(StatusEvent.id), 0))).one()
        activities = connection.scalar(select(func.coalesce(func.max(Activity.id), 0)))
        audit = connection.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
    return (int(events[0]), int(events[1]), int(activities), int(audit))
