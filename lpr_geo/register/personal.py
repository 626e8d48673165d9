"""The only way to read personal data of the register: contact persons, for editors and admins.

Other read functions (:mod:`.history`, :mod:`.queries`) never return names, e-mail addresses or phone
numbers, so a viewer's response cannot carry them; this one checks the role itself.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from .models import Contact, Participant
from .permissions import User, require_role

CONTACT_COLUMNS = ["id", "name", "role", "organisation", "email", "phone", "version"]


def contacts_for(engine: Engine, user: User | None, level: str, key: str) -> pd.DataFrame:
    """Contact persons of one region, for an editor's view.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User or None
        The logged-in user; needs the role ``editor`` (admins included).
    level : {"kreis", "amt", "gemeinde"}
        Level of the region.
    key : str
        Its official key.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name``, ``role``, ``organisation``, ``email``, ``phone`` and ``version`` (send
        it back with :func:`lpr_geo.register.contact_edits.save_contact`), sorted by name; values verbatim
        (not escaped). Empty for a region without contacts.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        For anonymous users, viewers and deactivated accounts; nothing is read.
    """
    require_role(user, "editor")
    query = (
        select(*(getattr(Contact, column) for column in CONTACT_COLUMNS))
        .join(Contact.participant)
        .where(Participant.level == level, Participant.key == key)
        .order_by(Contact.name, Contact.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=CONTACT_COLUMNS)
