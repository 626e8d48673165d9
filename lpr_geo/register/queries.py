"""Read-only queries for the coverage engine and the dashboard (pure: no writes, no side effects)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from lpr_geo.status import Status

from .models import Activity, Network, Participant, StatusEvent

STATUS_EVENT_COLUMNS = ["network", "level", "key", "name", "status", "effective_date"]
LAST_CONTACT_COLUMNS = ["key", "level", "last_contact", "last_kind"]


def networks(engine: Engine) -> list[str]:
    """Names of all networks in the register, sorted.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.

    Returns
    -------
    list of str
    """
    with engine.connect() as connection:
        return list(connection.scalars(select(Network.name).order_by(Network.name)))


def status_events(engine: Engine, network: str | None = None) -> pd.DataFrame:
    """Every status event, the input of the coverage engine.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    network : str, optional
        Only events of this network; all networks by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``network`` (name), ``level`` ("kreis", "amt" or "gemeinde"), ``key`` (str),
        ``name``, ``status`` (a :class:`lpr_geo.status.Status` code) and ``effective_date``
        (:class:`datetime.date`), sorted by key and effective_date (then network). A region without
        events is "not contacted" and has no row.
    """
    query = (
        select(
            Network.name.label("network"),
            Participant.level,
            Participant.key,
            Participant.name,
            StatusEvent.status,
            StatusEvent.effective_date,
        )
        .join(StatusEvent.participant)
        .join(StatusEvent.network)
        .order_by(Participant.key, StatusEvent.effective_date, Network.name, Participant.level)
    )
    if network is not None:
        query = query.where(Network.name == network)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=STATUS_EVENT_COLUMNS, dtype=object).astype(
        {"network": str, "level": str, "key": str, "name": str, "status": str}
    )


def _contact_history(engine: Engine, network: str | None) -> pd.DataFrame:
    """Every status change and activity as (key, level, date, kind), oldest first.

    On one day status changes come before activities, so that the activity ("Besuch") is the day's last
    contact rather than the status it led to.
    """
    events = select(
        Participant.key, Participant.level, StatusEvent.effective_date, StatusEvent.status, StatusEvent.id
    ).join(StatusEvent.participant)
    activities = select(Participant.key, Participant.level, Activity.date, Activity.kind, Activity.id).join(
        Activity.participant
    )
    if network is not None:
        ids = select(Network.id).where(Network.name == network).scalar_subquery()
        events = events.where(StatusEvent.network_id == ids)
        activities = activities.where((Activity.network_id == ids) | Activity.network_id.is_(None))
    with engine.connect() as connection:
        rows = [
            (key, level, day, f"Statusänderung: {Status(status).label}", 0, row_id)
            for key, level, day, status, row_id in connection.execute(events)
        ]
        rows += [(*row[:4], 1, row[4]) for row in connection.execute(activities)]
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[4], row[5]))
    return pd.DataFrame([row[:4] for row in rows], columns=["key", "level", "date", "kind"], dtype=object)


def last_contacts(engine: Engine, network: str | None = None, on: dt.date | None = None) -> pd.DataFrame:
    """Return the most recent contact per region: its latest status change or activity.

    A status change is a contact as much as a visit ("Kein Interesse" was said to someone), so both
    count, each with its kind as users read it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    network : str, optional
        Count status changes in this network, its activities and those recorded without a network; all
        by default.
    on : datetime.date, optional
        Only contacts on or before this day (the date of a view); all by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``level``, ``last_contact`` (:class:`datetime.date`) and ``last_kind``
        ("Besuch", "Telefonat", "Sitzung", "E-Mail" or "Statusänderung: Kein Interesse" and the like),
        one row per region with a contact, sorted by key. Of a day's contacts an activity wins.
    """
    history = _contact_history(engine, network)
    if on is not None:
        history = history[history["date"] <= on]
    latest = history.groupby(["key", "level"], sort=False).tail(1)
    return (
        latest.rename(columns={"date": "last_contact", "kind": "last_kind"})
        .loc[:, LAST_CONTACT_COLUMNS]
        .sort_values(["key", "level"], kind="stable")
        .reset_index(drop=True)
        .astype({"key": str, "level": str, "last_kind": str})
    )


def status_changes(engine: Engine, network: str, since: dt.date, until: dt.date) -> pd.DataFrame:
    """The status changes of a network in a period, each with the status the region had before.

    For the Sitzungsbericht: what happened between two meetings. No personal data.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    network : str
        The network.
    since, until : datetime.date
        The period: changes effective after ``since`` up to and including ``until`` (the state on
        ``since`` is the "before" of the period).

    Returns
    -------
    pandas.DataFrame
        Columns ``effective_date``, ``level``, ``key``, ``name``, ``previous`` (a status code, or
        ``not_contacted`` for a region's first event) and ``status``, sorted by date, then name.
    """
    events = status_events(engine, network)
    previous = events.groupby(["level", "key"], sort=False)["status"].shift().fillna("not_contacted")
    events = events.assign(previous=previous.astype(str))
    dates = events["effective_date"]
    period = events[(dates > since) & (dates <= until)]
    return period.sort_values(["effective_date", "name"], kind="stable").reset_index(drop=True)[
        ["effective_date", "level", "key", "name", "previous", "status"]
    ]
