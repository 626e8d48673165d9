"""Read-only queries for the coverage engine and the dashboard (pure: no writes, no side effects)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

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


def last_contacts(engine: Engine, network: str | None = None) -> pd.DataFrame:
    """Return the most recent activity per region.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    network : str, optional
        Count activities of this network and those recorded without a network; all by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``level``, ``last_contact`` (:class:`datetime.date`) and ``last_kind``
        (Besuch, Telefonat, Sitzung or E-Mail), one row per region with activities, sorted by key.
    """
    ranked = select(
        Activity.participant_id,
        Activity.date,
        Activity.kind,
        func.row_number()
        .over(partition_by=Activity.participant_id, order_by=(Activity.date.desc(), Activity.id.desc()))
        .label("rank"),
    )
    if network is not None:
        ids = select(Network.id).where(Network.name == network).scalar_subquery()
        ranked = ranked.where((Activity.network_id == ids) | Activity.network_id.is_(None))
    ranked = ranked.subquery()
    query = (
        select(Participant.key, Participant.level, ranked.c.date, ranked.c.kind)
        .join(ranked, ranked.c.participant_id == Participant.id)
        .where(ranked.c.rank == 1)
        .order_by(Participant.key, Participant.level)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LAST_CONTACT_COLUMNS, dtype=object).astype(
        {"key": str, "level": str, "last_kind": str}
    )
