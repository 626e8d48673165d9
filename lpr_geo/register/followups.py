"""Wiedervorlage: the next steps that are due, region by region.

A region's open next step is the one its latest activity carries: recording the visit or call that
followed up (with a next step of its own, or none) settles the earlier one, so nothing needs to be ticked
off. Only next steps with a due date can be due. Used by the dashboard's Wiedervorlage (editors only) and
``lpr-geo followups``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from .models import Activity, Participant


@dataclass(frozen=True)
class FollowUp:
    """One due next step: the region, the activity that set it, and how late it is.

    Attributes
    ----------
    level, key, region : str
        The region (its name as the register holds it).
    activity_id, version : int
        The activity carrying the next step, and its version (to correct it).
    date : datetime.date
        When the activity happened.
    kind : str
        Besuch, Telefonat, Sitzung or E-Mail.
    next_step : str
        What is to be done.
    due : datetime.date
        By when.
    days_late : int
        Days since ``due`` on the day asked about (0: due that day; negative: due later, for a list
        that looks ahead).
    """

    level: str
    key: str
    region: str
    activity_id: int
    version: int
    date: dt.date
    kind: str
    next_step: str
    due: dt.date
    days_late: int

    @property
    def overdue(self) -> bool:
        """Whether the due date has passed."""
        return self.days_late > 0


#: A region's activities from the latest on: by date, then in the order recorded.
NEWEST_FIRST = (Activity.date.desc(), Activity.id.desc())


def _latest_activities():
    """Each participant's latest activity, the one whose next step is open."""
    rank = func.row_number().over(partition_by=Activity.participant_id, order_by=NEWEST_FIRST).label("rank")
    return select(Activity.id, rank).subquery()


def followups(engine: Engine, until: dt.date | None = None, today: dt.date | None = None) -> list[FollowUp]:
    """The open next steps due on or before ``until``, the most overdue first.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    until : datetime.date, optional
        Last due date to include; ``today`` by default (what is due or overdue).
    today : datetime.date, optional
        The day lateness is counted from; the current date by default.

    Returns
    -------
    list of FollowUp
        Sorted by due date, then region name.
    """
    today = today or dt.date.today()
    until = until or today
    latest = _latest_activities()
    query = (
        select(
            Participant.level,
            Participant.key,
            Participant.name,
            Activity.id,
            Activity.version,
            Activity.date,
            Activity.kind,
            Activity.next_step,
            Activity.next_step_due,
        )
        .join(latest, (latest.c.id == Activity.id) & (latest.c.rank == 1))
        .join(Participant, Participant.id == Activity.participant_id)
        .where(Activity.next_step_due.is_not(None), Activity.next_step_due <= until)
        .order_by(Activity.next_step_due, Participant.name, Activity.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [FollowUp(*row, (today - row.next_step_due).days) for row in rows]


def open_followup(engine: Engine, level: str, key: str) -> int | None:
    """The id of the activity whose next step is still open for a region (``None``: none with a due date)."""
    query = (
        select(Activity.id, Activity.next_step_due)
        .join(Activity.participant)
        .where(Participant.level == level, Participant.key == key)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return row.id if row is not None and row.next_step_due is not None else None
