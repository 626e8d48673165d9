"""``members export``: the register as a member file that imports back without loss."""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from lpr_geo.boundaries import Boundaries
from lpr_geo.status import Status

from .columns import EXPORT_FIELDS, HEADERS
from .errors import RegisterError
from .models import KEY_LENGTHS, Contact, Network, Participant, StatusEvent
from .regions import LEVEL_LABELS, regions
from .tabular import Cell, write_table

_LEVEL_ORDER = {level: i for i, level in enumerate(KEY_LENGTHS)}


def member_rows(
    session: Session, network: str | None = None, boundaries: Boundaries | None = None
) -> list[dict[str, Cell]]:
    """Return the register as member-file rows, one per status event, contacts alongside.

    A region with more contacts than events gets extra rows without a status. Sorted by level,
    key, network and date.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        Session on the register.
    network : str, optional
        Only events of this network (and the contacts of the regions listed); all networks by default.
    boundaries : Boundaries, optional
        The active boundary dataset (Kreis names); the bundled one if omitted.

    Returns
    -------
    list of dict
        Field id (see :data:`lpr_geo.register.columns.COLUMNS`) to cell value.
    """
    index = regions(boundaries)
    participants = session.scalars(
        select(Participant).options(
            selectinload(Participant.events).selectinload(StatusEvent.network),
            selectinload(Participant.contacts),
        )
    ).all()
    rows = []
    for p in sorted(participants, key=lambda p: (_LEVEL_ORDER[p.level], p.key)):
        events = sorted(
            (e for e in p.events if network in (None, e.network.name)),
            key=lambda e: (e.network.name, e.effective_date),
        )
        if network is not None and not events:
            continue
        contacts: list[Contact] = sorted(p.contacts, key=lambda c: c.name)
        for event, contact in zip_longest(events, contacts):
            row: dict[str, Cell] = dict.fromkeys(EXPORT_FIELDS, "")
            row.update(
                level=LEVEL_LABELS[p.level], key=p.key, name=p.name, kreis=index.kreis_name(p.kreis_key)
            )
            if event is not None:
                row.update(
                    network=event.network.name,
                    status=Status(event.status).label,
                    since=event.effective_date,
                    note=event.note,
                )
            if contact is not None:
                row.update(
                    contact=contact.name,
                    role=contact.role,
                    organisation=contact.organisation,
                    email=contact.email,
                    phone=contact.phone,
                )
            rows.append(row)
    return rows


def export_members(
    engine: Engine, path: Path, *, network: str | None = None, boundaries: Boundaries | None = None
) -> int:
    """Write the register to a member file (CSV or XLSX, by the suffix of ``path``).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    path : Path
        Target file, ``.csv`` (UTF-8 with BOM, ``;``) or ``.xlsx``.
    network : str, optional
        Export only this network; all networks by default.
    boundaries : Boundaries, optional
        The active boundary dataset (Kreis names); the bundled one if omitted.

    Returns
    -------
    int
        Number of data rows written.

    Raises
    ------
    RegisterError
        If the suffix is not supported or the network does not exist.
    """
    with Session(engine) as session:
        if network is not None and session.scalar(select(Network.id).where(Network.name == network)) is None:
            raise RegisterError(f"unbekanntes Netzwerk »{network}«")
        rows = member_rows(session, network, boundaries)
    write_table(
        Path(path), [HEADERS[f] for f in EXPORT_FIELDS], [[r[f] for f in EXPORT_FIELDS] for r in rows]
    )
    return len(rows)
