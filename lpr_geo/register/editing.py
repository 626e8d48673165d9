"""Changing the register from the dashboard: status and contact persons, without lost updates.

Activities have a module of their own (:mod:`lpr_geo.register.activity_edits`) built on the helpers here.

Every function here

- checks the acting user's role itself (:func:`lpr_geo.auth.require_role`, at least ``editor``), so a
  forgotten check in the web layer cannot change anything;
- validates its input first and raises :class:`InvalidInput` (German message, ``field`` names the form
  field) before anything is written;
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
from typing import TYPE_CHECKING

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lpr_geo.status import Status

from . import sample_switch
from .database import register_session
from .errors import ConflictError, InvalidInput, StaleEdit
from .models import (
    DEFAULT_NETWORK,
    KEY_LENGTHS,
    AuditEntry,
    Base,
    Contact,
    Network,
    Participant,
    StatusEvent,
)
from .permissions import require_role
from .regions import LEVEL_LABELS, Region, describe, regions
from .validation import contact_problems, future_problem, status_date_problem, text_problem

if TYPE_CHECKING:
    from lpr_geo.auth import User

#: Form labels of the contact fields, put in front of the validator's reasons.
_CONTACT_LABELS = {
    "name": "Name",
    "role": "Funktion",
    "organisation": "Organisation",
    "email": "E-Mail",
    "phone": "Telefon",
}


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


@dataclass(frozen=True)
class CurrentStatus:
    """A region's latest status in one network, with the version to send when changing it."""

    status: Status
    effective_date: dt.date | None
    note: str
    version: int


class _Outdated(Exception):
    """Internal signal: the stored version differs from the expected one (turned into StaleEdit)."""


def _date(field: str, label: str, value: dt.date | str | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    if not text:
        raise InvalidInput(field, f"{label}: bitte ein Datum angeben")
    raise InvalidInput(field, f"{label}: »{text}« ist kein Datum (TT.MM.JJJJ)")


def _not_future(field: str, label: str, day: dt.date) -> None:
    if problem := future_problem(day):
        raise InvalidInput(field, f"{label}: {problem}")


def _text(field: str, label: str, value: str | None, limit: int | None = None) -> str:
    text = (value or "").strip()
    if problem := text_problem(text, limit):
        raise InvalidInput(field, f"{label}: {problem}")
    return text


def _region(level: str, key: str) -> Region:
    if level not in KEY_LENGTHS:
        raise InvalidInput(
            "level", f"Unbekannte Ebene »{level}«; erlaubt: {', '.join(LEVEL_LABELS.values())}"
        )
    region = regions().get(level, str(key).strip())
    if region is None:
        raise InvalidInput("key", f"Kein(e) {LEVEL_LABELS[level]} mit dem Schlüssel »{key}« im Gebietsstand")
    return region


def _status(value: Status | str) -> Status:
    try:
        status = value if isinstance(value, Status) else Status.from_label(value)
    except ValueError as error:
        raise InvalidInput("status", f"Status: {error}") from error
    if status is Status.NOT_CONTACTED:
        raise InvalidInput(
            "status", "Status: »Nicht kontaktiert« ist kein Ereignis; bitte einen anderen Status wählen"
        )
    return status


def _network(session: Session, name: str | None) -> Network:
    wanted = " ".join((name or DEFAULT_NETWORK).split())
    network = session.scalar(select(Network).where(Network.name == wanted))
    if network is None:
        raise InvalidInput("network", f"Netzwerk »{wanted}« gibt es nicht")
    return network


def _find_participant(session: Session, region: Region) -> Participant | None:
    return session.scalar(
        select(Participant).where(Participant.level == region.level, Participant.key == region.key)
    )


def _participant(session: Session, region: Region) -> Participant:
    participant = _find_participant(session, region)
    if participant is None:
        participant = Participant(
            level=region.level, key=region.key, name=region.name, kreis_key=region.kreis_key
        )
        session.add(participant)
        session.flush()
    return participant


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def _last_change(session: Session, records: list[tuple[str, list[int]]]) -> tuple[str, dt.datetime | None]:
    conditions = [(AuditEntry.table_name == t) & AuditEntry.record_id.in_(ids) for t, ids in records if ids]
    row = session.execute(
        select(AuditEntry.changed_by, AuditEntry.changed_at)
        .where(or_(*conditions))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return (row[0], _aware(row[1])) if row else ("unbekannt", None)


def _retrying(write: Callable[[], Saved]) -> Saved:
    # Two editors creating the same participant at once: the loser's insert violates the unique key;
    # one retry finds the winner's row (and then checks versions as usual).
    try:
        return write()
    except IntegrityError:
        return write()


# --- status ---------------------------------------------------------------------------------------------


def _status_values(status: Status | None, day: dt.date | None, note: str) -> dict[str, str]:
    if status is None:
        return {"Status": Status.NOT_CONTACTED.label}
    return {"Status": status.label, "Seit": f"{day:%d.%m.%Y}" if day else "", "Notiz": note}


def _current_status(session: Session, participant: Participant | None, network: Network) -> CurrentStatus:
    if participant is None:
        return CurrentStatus(Status.NOT_CONTACTED, None, "", 0)
    event = session.scalar(
        select(StatusEvent)
        .where(StatusEvent.participant_id == participant.id, StatusEvent.network_id == network.id)
        .order_by(StatusEvent.effective_date.desc(), StatusEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return CurrentStatus(Status.NOT_CONTACTED, None, "", participant.version)
    return CurrentStatus(Status(event.status), event.effective_date, event.note or "", participant.version)


def _has_status(session: Session, participant: Participant | None, network: Network) -> bool:
    if participant is None:
        return False
    return (
        session.scalar(
            select(StatusEvent.id)
            .where(StatusEvent.participant_id == participant.id, StatusEvent.network_id == network.id)
            .limit(1)
        )
        is not None
    )


def _stale_status(
    engine: Engine, region: Region, network_name: str | None, expected: int, submitted: dict[str, str]
) -> StaleEdit:
    with register_session(engine) as session:
        network = _network(session, network_name)
        participant = _find_participant(session, region)
        current = _current_status(session, participant, network)
        records: list[tuple[str, list[int]]] = []
        if participant is not None:
            events = session.scalars(
                select(StatusEvent.id).where(StatusEvent.participant_id == participant.id)
            )
            records = [("participants", [participant.id]), ("status_events", list(events))]
        who, when = _last_change(session, records) if records else ("unbekannt", None)
    return StaleEdit(
        f"Der Status von {describe(region)}",
        who,
        when,
        expected,
        current.version,
        _status_values(
            current.status if current.effective_date else None, current.effective_date, current.note
        ),
        submitted,
    )


def set_status(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    network: str | None,
    status: Status | str,
    effective_date: dt.date | str,
    note: str = "",
    expected_version: int | None = None,
    remove_sample: bool = False,
) -> Saved:
    """Record a region's status in a network from a date on (a status event).

    The region becomes a participant if it is not one yet. An event on the same day in the same
    network is corrected in place (one event per day); otherwise a new event is added.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level : {"kreis", "amt", "gemeinde"}
        Level of the region.
    key : str
        Official key of the region in the active boundary dataset.
    network : str or None
        Network name; ``None`` for AG 4.
    status : Status or str
        New status (code or German label); not "Nicht kontaktiert".
    effective_date : datetime.date or str
        From when (``YYYY-MM-DD`` or ``TT.MM.JJJJ``); not in the future, not before the network's founding.
    note : str
        Free text, stored verbatim.
    expected_version : int or None
        :attr:`Versions.participant` as loaded into the form (0 for a region not yet in the register).
        0 still matches when the region has entered the register since without a status in this
        network (by a contact person or an activity): the first contact, then the status.
    remove_sample : bool
        Going live: delete the sample register in the same transaction first (if the register holds it),
        so that this status is the first real entry; the form's version then no longer applies.

    Returns
    -------
    Saved
        Participant id and its new version.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        For an unknown level, key, network or status, or an impossible date.
    StaleEdit
        If the region's status was changed since the form was loaded.
    """
    require_role(user, "editor")
    region = _region(level, key)
    new_status = _status(status)
    day = _date("effective_date", "Gültig ab", effective_date)
    _not_future("effective_date", "Gültig ab", day)  # before the transaction; the rest needs the network
    note = _text("note", "Notiz", note)
    submitted = _status_values(new_status, day, note)

    def write() -> Saved:
        with register_session(engine, user.name) as session:
            net = _network(session, network)
            if problem := status_date_problem(day, net.name, net.founded):
                raise InvalidInput("effective_date", f"Gültig ab: {problem}")
            expected = None if remove_sample and sample_switch.remove_sample(session) else expected_version
            participant = _find_participant(session, region)
            version = participant.version if participant is not None else 0
            if expected is not None and expected != version:
                # A form loaded before the region was in the register (version 0) may meet the row that
                # a contact person or an activity has created since, often the editor's own: with no
                # status in this network yet there is nothing to overwrite. The save goes against the
                # version just read, so a status saved at the same moment is still a conflict.
                if expected != 0 or _has_status(session, participant, net):
                    raise _Outdated
            if participant is None:
                participant = _participant(session, region)
                new_version = participant.version
            else:
                # Compare-and-set on the participant row: of two concurrent saves only one matches.
                bumped = session.execute(
                    update(Participant.__table__)
                    .where(Participant.id == participant.id, Participant.version == version)
                    .values(version=version + 1)
                )
                if bumped.rowcount != 1:
                    raise _Outdated
                new_version = version + 1
            event = session.scalar(
                select(StatusEvent).where(
                    StatusEvent.participant_id == participant.id,
                    StatusEvent.network_id == net.id,
                    StatusEvent.effective_date == day,
                )
            )
            if event is None:
                session.add(
                    StatusEvent(
                        participant_id=participant.id,
                        network_id=net.id,
                        status=new_status.value,
                        effective_date=day,
                        note=note,
                        created_by=user.name,
                    )
                )
            else:
                event.status, event.note = new_status.value, note
            return Saved(participant.id, new_version)

    try:
        return _retrying(write)
    except (_Outdated, ConflictError, IntegrityError) as error:
        raise _stale_status(engine, region, network, expected_version or 0, submitted) from error


# --- contacts -------------------------------------------------------------------------------------------


def _contact_values(contact: Contact | None) -> dict[str, str]:
    if contact is None:
        return {}
    return {label: getattr(contact, field) for field, label in _CONTACT_LABELS.items()}


def _stale_contact(engine: Engine, region: Region, contact_id: int, expected: int, submitted) -> StaleEdit:
    with register_session(engine) as session:
        contact = session.get(Contact, contact_id)
        who, when = _last_change(session, [("contacts", [contact_id])])
        current = _contact_values(contact)
        version = contact.version if contact is not None else 0
    what = f"Die Kontaktperson »{submitted.get('Name', '')}« bei {describe(region)}"
    if contact is None:
        what += " (inzwischen gelöscht)"
    return StaleEdit(what, who, when, expected, version, current, submitted)


def save_contact(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    *,
    name: str,
    role: str = "",
    organisation: str = "",
    email: str = "",
    phone: str = "",
    contact_id: int | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Add a contact person to a region or change one.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level, key : str
        The region (it becomes a participant if it is not one yet).
    name : str
        Name of the person (required, unique within the region).
    role, organisation : str
        Function and organisation (at most 200 characters each).
    email : str
        E-mail address (checked for a plausible form), may be empty.
    phone : str
        Telephone number: digits, blanks and ``+ ( ) / - .``, may be empty.
    contact_id : int, optional
        The contact to change; ``None`` adds a new one.
    expected_version : int, optional
        The contact's version as loaded into the form (:attr:`Versions.contacts`); required in the UI
        when changing.

    Returns
    -------
    Saved
        The contact's id and new version.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        For a missing name, a name already used in the region, a malformed e-mail address or phone
        number, an unknown region or contact.
    StaleEdit
        If the contact was changed or deleted since the form was loaded.
    """
    require_role(user, "editor")
    region = _region(level, key)
    given = {"name": name, "role": role, "organisation": organisation, "email": email, "phone": phone}
    values = {field: (value or "").strip() for field, value in given.items()}
    problems = contact_problems(values)
    if problems:  # the form shows one message at a time: the first field in form order
        field, problem = problems[0]
        raise InvalidInput(field, f"{_CONTACT_LABELS[field]}: {problem}")
    submitted = {label: values[field] for field, label in _CONTACT_LABELS.items()}

    def write() -> Saved:
        with register_session(engine, user.name) as session:
            participant = _participant(session, region)
            taken = session.scalar(
                select(Contact.id).where(
                    Contact.participant_id == participant.id,
                    Contact.name == values["name"],
                    Contact.id != (contact_id or 0),
                )
            )
            if taken is not None:
                raise InvalidInput("name", f"Name: »{values['name']}« gibt es bei {describe(region)} bereits")
            if contact_id is None:
                contact = Contact(participant_id=participant.id, **values)
                session.add(contact)
            else:
                contact = session.get(Contact, contact_id)
                if contact is None and expected_version is not None:
                    raise _Outdated
                if contact is None or contact.participant_id != participant.id:
                    raise InvalidInput(
                        "contact_id", f"Kontaktperson Nr. {contact_id} gibt es bei {describe(region)} nicht"
                    )
                if expected_version is not None and contact.version != expected_version:
                    raise _Outdated
                for field, value in values.items():
                    setattr(contact, field, value)
            session.flush()
            return Saved(contact.id, contact.version)

    try:
        return _retrying(write)
    except (_Outdated, ConflictError) as error:
        if contact_id is None:
            raise
        raise _stale_contact(engine, region, contact_id, expected_version or 0, submitted) from error


def delete_contact(
    engine: Engine, user: User, level: str, key: str, contact_id: int, expected_version: int | None = None
) -> None:
    """Delete a contact person (e.g. who left office); the audit trail keeps the old values.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : lpr_geo.auth.User
        The acting user; needs the role ``editor``.
    level, key : str
        The region the contact belongs to.
    contact_id : int
        The contact.
    expected_version : int, optional
        Its version as shown; a newer stored version raises :class:`StaleEdit`.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the user is not an editor.
    InvalidInput
        If the region has no such contact.
    StaleEdit
        If the contact was changed or deleted since it was shown.
    """
    require_role(user, "editor")
    region = _region(level, key)
    shown: dict[str, str] = {}
    try:
        with register_session(engine, user.name) as session:
            participant = _find_participant(session, region)
            contact = session.get(Contact, contact_id)
            if contact is None and expected_version is not None:
                raise _Outdated
            if contact is None or participant is None or contact.participant_id != participant.id:
                raise InvalidInput(
                    "contact_id", f"Kontaktperson Nr. {contact_id} gibt es bei {describe(region)} nicht"
                )
            shown = _contact_values(contact)
            if expected_version is not None and contact.version != expected_version:
                raise _Outdated
            session.delete(contact)
    except (_Outdated, ConflictError) as error:
        submitted = {**shown, "Aktion": "löschen"}
        raise _stale_contact(engine, region, contact_id, expected_version or 0, submitted) from error


# --- versions for forms ---------------------------------------------------------------------------------


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


def current_status(engine: Engine, level: str, key: str, network: str | None = None) -> CurrentStatus:
    """A region's latest status in a network and the version to send with :func:`set_status`.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    level, key : str
        The region.
    network : str, optional
        Network name; AG 4 by default.

    Returns
    -------
    CurrentStatus
        "Nicht kontaktiert" without a date for a region without events in that network.
    """
    with register_session(engine) as session:
        participant = session.scalar(
            select(Participant).where(Participant.level == level, Participant.key == key)
        )
        return _current_status(session, participant, _network(session, network))
