"""Going live from the sample register: it is created only once, and removed only on request.

The embedded default register is filled with the sample (:mod:`.sample`) the first time any command or
the dashboard opens it, so that both show the same register from the start. Real data never mixes with
it: an import into a register that still holds the sample is refused unless the sample is removed in the
same transaction (``lpr-geo members import --beispiel-entfernen``, the Verwaltung page), and
``lpr-geo db sample`` brings it back on an empty or sample register only. A network flagged
``is_sample`` marks a register holding the sample; a register whose participants were ever deleted
(the audit trail says so) is not refilled when it is empty.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lpr_geo.boundaries import Boundaries
from lpr_geo.settings import Settings

from .database import open_register, register_session
from .errors import RegisterError
from .models import DEFAULT_NETWORK, Activity, AuditEntry, Contact, Network, Participant, StatusEvent
from .sample import SAMPLE_USER, add_sample

#: AG 4's description without the sample (as the first migration stores it).
NETWORK_DESCRIPTION = "Arbeitsgruppe 4 des Landespräventionsrates Brandenburg"


class SampleRegisterError(RegisterError):
    """The register still holds the sample register, and the change would mix real data into it."""


SAMPLE_IN_THE_WAY = (
    "Das Register enthält noch das Beispielregister (fiktive Einträge); echte Daten würden sich mit ihm "
    "mischen. Es muss zuerst entfernt werden."
)


def holds_sample(session: Session) -> bool:
    """Whether the register still holds the sample register."""
    return bool(session.scalar(select(func.count()).select_from(Network).where(Network.is_sample)))


def register_holds_sample(engine: Engine) -> bool:
    """:func:`holds_sample` in a short session of its own."""
    with Session(engine) as session:
        return holds_sample(session)


def remove_sample(session: Session) -> int:
    """Delete the sample register in the session's transaction; return how many regions it held.

    Every region with its status entries, contact persons and activities goes (the sample holds nothing
    else; the audit trail records each deletion), and AG 4 gets back its own description. Networks and
    user accounts stay.
    """
    if not holds_sample(session):
        return 0
    # Record by record, not by bulk delete: the audit trail is written from the flushed objects.
    for model in (Activity, Contact, StatusEvent):
        for record in session.scalars(select(model)):
            session.delete(record)
    session.flush()
    participants = list(session.scalars(select(Participant)))
    for participant in participants:
        session.delete(participant)
    for network in session.scalars(select(Network).where(Network.is_sample)):
        network.is_sample = False
        if network.name == DEFAULT_NETWORK:
            network.description = NETWORK_DESCRIPTION
    session.flush()
    return len(participants)


def _held_data(session: Session) -> bool:
    """Whether the register holds regions, or ever held some (the audit trail keeps their deletion)."""
    if session.scalar(select(func.count()).select_from(Participant)):
        return True
    deleted = select(func.count()).select_from(AuditEntry).where(AuditEntry.table_name == "participants")
    return bool(session.scalar(deleted))


def recreate_sample(engine: Engine, boundaries: Boundaries | None = None) -> None:
    """Put the sample register back, in one transaction: on an empty register or over the sample.

    Raises
    ------
    RegisterError
        If the register holds real data (regions, and no sample flag); nothing is changed.
    """
    with register_session(engine, SAMPLE_USER) as session:
        if not holds_sample(session) and session.scalar(select(func.count()).select_from(Participant)):
            raise RegisterError(
                "Das Register enthält echte Daten; das Beispielregister wird nur in ein leeres Register "
                "oder anstelle des Beispielregisters geschrieben. Nichts geändert."
            )
        remove_sample(session)
        add_sample(session, boundaries)


def ensure_sample_register(settings: Settings, boundaries: Boundaries) -> Engine:
    """Open the register; fill the embedded default with the sample the first time it is opened.

    The dashboard (``lpr-geo serve``) and every ``lpr-geo`` command that reads the register call this,
    so both see the same register from the first command on. A register that held data once (the sample
    removed, regions deleted) stays as it is.

    Parameters
    ----------
    settings : Settings
        Resolved settings. An explicitly configured database (``settings.db_url``) is never filled.
    boundaries : Boundaries
        The active boundary dataset (names and Kreise of the sample's regions).

    Returns
    -------
    sqlalchemy.Engine
        Engine of the (possibly just filled) register.
    """
    engine = open_register(settings)
    if settings.db_url is None:
        with Session(engine) as session:
            fresh = not _held_data(session)
        if fresh:
            with register_session(engine, SAMPLE_USER) as session:
                if not _held_data(session):  # another process may have filled it meanwhile
                    add_sample(session, boundaries)
    return engine
