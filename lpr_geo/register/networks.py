"""Adding networks besides AG 4 (local prevention councils, "Communities That Care", ...)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from .database import register_session
from .errors import RegisterError
from .models import Network


def add_network(
    engine: Engine,
    name: str,
    *,
    founded: dt.date | None = None,
    description: str = "",
    user: str | None = None,
) -> None:
    """Add a network to the register.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        Unique name, as shown on the map and written in member files (column Netzwerk).
    founded : datetime.date, optional
        Founding date.
    description : str
        Free text.
    user : str, optional
        Who adds it (audit trail).

    Raises
    ------
    RegisterError
        If the name is empty or taken.
    """
    name = " ".join(name.split())
    if not name:
        raise RegisterError("Der Name des Netzwerks fehlt")
    with register_session(engine, user) as session:
        if session.scalar(select(Network.id).where(Network.name == name)) is not None:
            raise RegisterError(f"Netzwerk »{name}« gibt es bereits")
        session.add(Network(name=name, founded=founded, description=description))
