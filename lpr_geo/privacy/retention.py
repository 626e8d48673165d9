"""Retention: which contact persons are due for erasure, for a person to review (never erased silently).

Contact data serves the work with a region. It is due for erasure ``retention_years`` (a setting, 3 by
default) after that work ended, which the register tells in two ways:

- the region's last activity (or, if later, its last status event) lies longer ago;
- the region declined ("Kein Interesse") or left ("Ausgetreten") longer ago: in every network it has a
  status in, its latest one is one of the two, set before the cut-off.

A contact record that belongs to no region any more is due at once. A region with neither activities nor
status events has nothing to measure by and is never due. The review lists the records with the reason
and the day they became due; erasing one is :func:`lpr_geo.privacy.erase_person` with its number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select

from lpr_geo.register.models import Activity, StatusEvent
from lpr_geo.status import Status
from lpr_geo.vocabulary import STATUS_LABELS, date

from .person import RegionRef, load_contacts
from .trail import acting

if TYPE_CHECKING:
    from lpr_geo.auth import User

_ENDED = (Status.DECLINED.value, Status.LEFT.value)


@dataclass(frozen=True)
class DueContact:
    """A contact record due for erasure.

    Attributes
    ----------
    contact_id : int
        The record's number (``lpr-geo privacy erase --contact N``).
    name : str
        The contact person's name.
    region : RegionRef or None
        Their region; ``None`` if the record belongs to none any more.
    reason : str
        Why it is due, in German ("letzte Aktivität am 03.05.2021").
    due_since : datetime.date or None
        The day it became due (``None``: at once, no region).
    """

    contact_id: int
    name: str
    region: RegionRef | None
    reason: str
    due_since: dt.date | None


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _ended(statuses: dict[int, tuple[dt.date, str]]) -> tuple[dt.date, str] | None:
    """(since, status) if the region's latest status is "declined" or "left" in every network."""
    if not statuses or any(status not in _ENDED for _, status in statuses.values()):
        return None
    return max(statuses.values())


def due_contacts(
    engine: Engine,
    years: int,
    *,
    actor: User | None = None,
    by: str | None = None,
    today: dt.date | None = None,
) -> list[DueContact]:
    """Contact records due for erasure under the retention period, longest overdue first.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    years : int
        The retention period (``Settings.retention_years``).
    actor : lpr_geo.auth.User, optional
        The dashboard user asking; must be an admin (the list names contact persons).
    by : str, optional
        Instead of ``actor``: the command-line caller.
    today : datetime.date, optional
        The day to judge on; tests inject a date here.

    Returns
    -------
    list of DueContact

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If ``actor`` is not an admin (or neither is given).
    """
    acting(actor, by)
    today = today or dt.date.today()
    with engine.connect() as connection:
        contacts = load_contacts(connection)
        activities = dict(
            connection.execute(
                select(Activity.participant_id, func.max(Activity.date)).group_by(Activity.participant_id)
            ).all()
        )
        latest: dict[int, dict[int, tuple[dt.date, str]]] = {}
        events = select(
            StatusEvent.participant_id, StatusEvent.network_id, StatusEvent.effective_date, StatusEvent.status
        )
        for participant, network, day, status in connection.execute(
            events.order_by(StatusEvent.effective_date, StatusEvent.id)
        ):
            latest.setdefault(participant, {})[network] = (day, status)
    due = []
    for contact in contacts:
        if contact.participant_id is None:
            due.append(DueContact(contact.id, contact.name, None, "keiner Region zugeordnet", None))
            continue
        reasons: list[tuple[dt.date, str]] = []
        statuses = latest.get(contact.participant_id, {})
        activity = activities.get(contact.participant_id)
        event = max((day for day, _ in statuses.values()), default=None)
        last = max((d for d in (activity, event) if d is not None), default=None)
        ended = _ended(statuses)
        if ended is not None and years_later(ended[0], years) <= today:
            reasons.append((years_later(ended[0], years), f"{STATUS_LABELS[ended[1]]} seit {date(ended[0])}"))
        # the decline or departure is often the last entry itself: one reason is enough then
        if last is not None and years_later(last, years) <= today and (ended is None or ended[0] != last):
            what = "letzte Aktivität" if last == activity else "letzter Statuseintrag"
            reasons.append((years_later(last, years), f"{what} am {date(last)}"))
        if reasons:
            reasons.sort()
            text = "; ".join(reason for _, reason in reasons)
            due.append(DueContact(contact.id, contact.name, contact.region, text, reasons[0][0]))
    return sorted(
        due,
        key=lambda d: (d.due_since or dt.date.min, d.region.label() if d.region else "", d.name.casefold()),
    )
