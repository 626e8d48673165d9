"""What every edit of the register shares: checked input, the participant it writes to, versions.

The edits themselves live by subject: :mod:`~lpr_geo.register.status_edits`,
:mod:`~lpr_geo.register.contact_edits` and :mod:`~lpr_geo.register.activity_edits`. Every one of them

- checks the acting user's role itself (:func:`lpr_geo.auth.require_role`, at least ``editor``), so a
  forgotten check in the web layer cannot change anything;
- validates its input first and raises :class:`InvalidInput` (German message, ``field`` names the form
  field) before anything is written;
- looks the region up in the boundary dataset it is given (the dashboard and the commands pass the
  active one; without one, the bundled dataset);
- writes through :func:`register_session`, so the audit trail records who changed what;
- takes the ``expected_version`` the form was loaded with (see :func:`participant_versions`) and raises
  :class:`StaleEdit` ("inzwischen von X geändert", with both versions' values) instead of overwriting a
  newer change. ``expected_version=None`` skips that check and is meant for scripts only.

Text fields are stored verbatim, markup included: escaping is the job of whatever displays them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lpr_geo.boundaries import Boundaries
from lpr_geo.status import Status
from lpr_geo.vocabulary import parse_date

from .database import register_session
from .errors import InvalidInput
from .models import DEFAULT_NETWORK, KEY_LENGTHS, AuditEntry, Base, Contact, Network, Participant
from .regions import LEVEL_LABELS, Region, regions
from .validation import future_problem, text_problem


@dataclass(frozen=True)
class Saved:
    """What a save produced: the record's id and its new version (send it with the next save)."""

    id: int
    version: int


@dataclass(frozen=True)
class Versions:
    """Versions of a region's records for an edit form (0: the region is not in the register yet).

    Attributes
    ----------
    participant : int
        Version to send as ``expected_version`` to :func:`set_status`.
    contacts : dict of int to int
        Contact id to version, for :func:`save_contact` and :func:`delete_contact`.
    """

    participant: int
    contacts: dict[int, int]


class Outdated(Exception):
    """Signal within an edit: the stored version differs from the expected one (turned into StaleEdit)."""


def checked_date(field: str, label: str, value: dt.date | str | None) -> dt.date:
    """A date as a form or a file gives it (one parser: :func:`lpr_geo.vocabulary.parse_date`)."""
    try:
        return parse_date(value, label)
    except ValueError as error:
        raise InvalidInput(field, str(error)) from error


def check_not_future(field: str, label: str, day: dt.date) -> None:
    """Refuse a day after today (what happened cannot lie ahead)."""
    if problem := future_problem(day):
        raise InvalidInput(field, f"{label}: {problem}")


def checked_text(field: str, label: str, value: str | None, limit: int | None = None) -> str:
    """The text, stripped, if it is within ``limit`` characters and free of control characters."""
    text = (value or "").strip()
    if problem := text_problem(text, limit):
        raise InvalidInput(field, f"{label}: {problem}")
    return text


def checked_region(level: str, key: str, boundaries: Boundaries | None) -> Region:
    """The region of that level and key in ``boundaries`` (``None``: the bundled dataset)."""
    if level not in KEY_LENGTHS:
        raise InvalidInput(
            "level", f"Unbekannte Ebene »{level}«; erlaubt: {', '.join(LEVEL_LABELS.values())}"
        )
    region = regions(boundaries).get(level, str(key).strip())
    if region is None:
        raise InvalidInput("key", f"Kein(e) {LEVEL_LABELS[level]} mit dem Schlüssel »{key}« im Gebietsstand")
    return region


def checked_status(value: Status | str) -> Status:
    """A status a status event may set (code or German label; not "Nicht kontaktiert")."""
    try:
        status = value if isinstance(value, Status) else Status.from_label(value)
    except ValueError as error:
        raise InvalidInput("status", f"Status: {error}") from error
    if status is Status.NOT_CONTACTED:
        raise InvalidInput(
            "status", "Status: »Nicht kontaktiert« ist kein Ereignis; bitte einen anderen Status wählen"
        )
    return status


def network_named(session: Session, name: str | None) -> Network:
    """The network of that name (AG 4 when none is given)."""
    wanted = " ".join((name or DEFAULT_NETWORK).split())
    network = session.scalar(select(Network).where(Network.name == wanted))
    if network is None:
        raise InvalidInput("network", f"Netzwerk »{wanted}« gibt es nicht")
    return network


def find_participant(session: Session, region: Region) -> Participant | None:
    """The region's row in the register, if it is a participant."""
    return session.scalar(
        select(Participant).where(Participant.level == region.level, Participant.key == region.key)
    )


def participant_for(session: Session, region: Region) -> Participant:
    """The region's row in the register, created on its first edit."""
    participant = find_participant(session, region)
    if participant is None:
        participant = Participant(
            level=region.level, key=region.key, name=region.name, kreis_key=region.kreis_key
        )
        session.add(participant)
        session.flush()
    return participant


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def last_change(session: Session, records: list[tuple[str, list[int]]]) -> tuple[str, dt.datetime | None]:
    """Who changed any of these records last, and when (from the audit trail): the stale-edit message."""
    conditions = [(AuditEntry.table_name == t) & AuditEntry.record_id.in_(ids) for t, ids in records if ids]
    row = session.execute(
        select(AuditEntry.changed_by, AuditEntry.changed_at)
        .where(or_(*conditions))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return (row[0], _aware(row[1])) if row else ("unbekannt", None)


def retrying(write: Callable[[], Saved]) -> Saved:
    """Run ``write`` once more after a unique-key violation."""
    # Two editors creating the same participant at once: the loser's insert violates the unique key;
    # one retry finds the winner's row (and then checks versions as usual).
    try:
        return write()
    except IntegrityError:
        return write()


def participant_versions(engine: Engine, level: str, key: str) -> Versions:
    """Versions to put into a region's edit forms (and send back with each save).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    level, key : str
        The region.

    Returns
    -------
    Versions
        ``participant`` 0 and no contacts for a region not yet in the register.
    """
    with register_session(engine) as session:
        row = session.execute(
            select(Participant.id, Participant.version).where(
                Participant.level == level, Participant.key == key
            )
        ).first()
        if row is None:
            return Versions(0, {})
        contacts = session.execute(
            select(Contact.id, Contact.version).where(Contact.participant_id == row.id)
        )
        return Versions(row.version, {cid: version for cid, version in contacts})


def record_version(engine: Engine, model: type[Base], record_id: int) -> int:
    """The stored version of one record (0 if it does not exist).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    model : type
        A versioned model class, e.g. :class:`Contact` or :class:`Participant`.
    record_id : int
        Its id.

    Returns
    -------
    int
    """
    with register_session(engine) as session:
        return session.scalar(select(model.version).where(model.id == record_id)) or 0  # type: ignore[attr-defined]
