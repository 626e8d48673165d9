"""Networks besides AG 4 (local prevention councils, "Communities That Care", ...): add and rename.

A network's status events and activities point at its row, so renaming keeps its whole history (and the
audit trail records the old name). The default network is found by its name (:data:`DEFAULT_NETWORK`)
when importing member files without a Netzwerk column, when editing without a chosen network, in the
analysis commands and when filling the sample, so it keeps that name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from .database import register_session
from .errors import RegisterError
from .models import DEFAULT_NETWORK, Network
from .permissions import User, require_role

#: Longest network name (the column ``networks.name``).
MAX_NETWORK_NAME_LENGTH = 200


@dataclass(frozen=True)
class NetworkInfo:
    """A network as the admin area lists it (``id``: its row, stable across renames)."""

    id: int
    name: str
    description: str
    founded: dt.date | None
    is_sample: bool
    is_default: bool


def network_overview(engine: Engine) -> list[NetworkInfo]:
    """All networks with description and founding date, the default network first, then by name.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.

    Returns
    -------
    list of NetworkInfo
    """
    query = select(Network.id, Network.name, Network.description, Network.founded, Network.is_sample)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    found = [NetworkInfo(i, n, d or "", f, bool(s), n == DEFAULT_NETWORK) for i, n, d, f, s in rows]
    return sorted(found, key=lambda network: (not network.is_default, network.name.casefold()))


def founding_dates(engine: Engine) -> dict[str, dt.date]:
    """The day each network's history starts, by name: the default network first, then by name.

    A network's founding date; for a network added without one, the default network's (its date comes
    with the register's first migration); if that is missing too, today. The dashboard keeps the dates
    it shows from that day on, the time series starts there and the export refuses earlier days.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.

    Returns
    -------
    dict of str to datetime.date
    """
    with engine.connect() as connection:
        rows = connection.execute(select(Network.name, Network.founded)).all()
    founded = dict(rows)
    fallback = founded.get(DEFAULT_NETWORK) or dt.date.today()
    names = sorted(founded, key=lambda name: (name != DEFAULT_NETWORK, name))
    return {name: founded[name] or fallback for name in names}


def _clean_name(name: str | None) -> str:
    """The name with surrounding and repeated blanks removed; refused if empty or too long."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise RegisterError("Der Name des Netzwerks fehlt")
    if len(cleaned) > MAX_NETWORK_NAME_LENGTH:
        raise RegisterError(
            f"Der Name des Netzwerks ist {len(cleaned)} Zeichen lang; "
            f"erlaubt sind höchstens {MAX_NETWORK_NAME_LENGTH}"
        )
    return cleaned


def _check_free(session, name: str, keep: int | None = None) -> None:
    """Refuse a name another network has, also in other capitalisation (the map would show both)."""
    wanted = name.casefold()
    for network_id, existing in session.execute(select(Network.id, Network.name)):
        if existing.casefold() == wanted and network_id != keep:
            raise RegisterError(f"Netzwerk »{existing}« gibt es bereits")


def _acting(actor: User | None, user: str | None) -> str | None:
    return require_role(actor, "admin").name if actor is not None else user


def add_network(
    engine: Engine,
    name: str,
    *,
    founded: dt.date | None = None,
    description: str = "",
    user: str | None = None,
    actor: User | None = None,
) -> str:
    """Add a network to the register.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        Unique name (also in other capitalisation), as shown on the map and written in member files
        (column Netzwerk); surrounding and repeated blanks are removed; at most 200 characters.
    founded : datetime.date, optional
        Founding date.
    description : str
        Free text.
    user : str, optional
        Who adds it (audit trail); the operating-system user by default.
    actor : lpr_geo.auth.User, optional
        The logged-in dashboard user adding it; must be an admin and is recorded instead of ``user``.

    Returns
    -------
    str
        The name as stored.

    Raises
    ------
    RegisterError
        If the name is empty, too long or taken (German; nothing is written).
    lpr_geo.auth.PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    user = _acting(actor, user)
    name = _clean_name(name)
    with register_session(engine, user) as session:
        _check_free(session, name)
        session.add(Network(name=name, founded=founded, description=(description or "").strip()))
    return name


def rename_network(
    engine: Engine, name: str, new_name: str, *, user: str | None = None, actor: User | None = None
) -> str:
    """Give a network a new name; its members, history and activities stay with it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The network's current name.
    new_name : str
        The new name (same rules as in :func:`add_network`).
    user : str, optional
        Who renames it (audit trail); the operating-system user by default.
    actor : lpr_geo.auth.User, optional
        The logged-in dashboard user; must be an admin and is recorded instead of ``user``.

    Returns
    -------
    str
        The new name as stored.

    Raises
    ------
    RegisterError
        If the network does not exist, is the default network, or the new name is empty, too long,
        unchanged or taken (German; nothing is written).
    lpr_geo.auth.PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    user = _acting(actor, user)
    name = " ".join((name or "").split())
    new_name = _clean_name(new_name)
    if name == DEFAULT_NETWORK:
        raise RegisterError(
            f"Das Standardnetzwerk »{DEFAULT_NETWORK}« kann nicht umbenannt werden: Importe, Bearbeitung "
            "und Auswertungen finden es unter diesem Namen"
        )
    with register_session(engine, user) as session:
        network = session.scalar(select(Network).where(Network.name == name))
        if network is None:
            raise RegisterError(f"Netzwerk »{name}« gibt es nicht")
        if new_name == network.name:
            raise RegisterError(f"Das Netzwerk heißt bereits »{new_name}«")
        _check_free(session, new_name, keep=network.id)
        network.name = new_name
    return new_name
