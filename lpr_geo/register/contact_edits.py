"""Adding, changing and deleting a region's contact persons, versioned and audited.

The rules every edit follows are in :mod:`lpr_geo.register.edits`; the contact's fields are checked by
the one validator the importer uses too (:func:`lpr_geo.register.validation.contact_problems`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from .database import register_session
from .edits import Outdated, Saved, checked_region, find_participant, last_change, participant_for, retrying
from .errors import ConflictError, InvalidInput, StaleEdit
from .models import Contact
from .permissions import require_role
from .regions import Region, describe
from .validation import contact_problems

if TYPE_CHECKING:
    from lpr_geo.auth import User
    from lpr_geo.boundaries import Boundaries

#: Form labels of the contact fields, put in front of the validator's reasons.
_CONTACT_LABELS = {
    "name": "Name",
    "role": "Funktion",
    "organisation": "Organisation",
    "email": "E-Mail",
    "phone": "Telefon",
}


def _contact_values(contact: Contact | None) -> dict[str, str]:
    if contact is None:
        return {}
    return {label: getattr(contact, field) for field, label in _CONTACT_LABELS.items()}


def _stale_contact(engine: Engine, region: Region, contact_id: int, expected: int, submitted) -> StaleEdit:
    with register_session(engine) as session:
        contact = session.get(Contact, contact_id)
        who, when = last_change(session, [("contacts", [contact_id])])
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
    boundaries: Boundaries | None = None,
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
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

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
    region = checked_region(level, key, boundaries)
    given = {"name": name, "role": role, "organisation": organisation, "email": email, "phone": phone}
    values = {field: (value or "").strip() for field, value in given.items()}
    problems = contact_problems(values)
    if problems:  # the form shows one message at a time: the first field in form order
        field, problem = problems[0]
        raise InvalidInput(field, f"{_CONTACT_LABELS[field]}: {problem}")
    submitted = {label: values[field] for field, label in _CONTACT_LABELS.items()}

    def write() -> Saved:
        with register_session(engine, user.name) as session:
            participant = participant_for(session, region)
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
                    raise Outdated
                if contact is None or contact.participant_id != participant.id:
                    raise InvalidInput(
                        "contact_id", f"Kontaktperson Nr. {contact_id} gibt es bei {describe(region)} nicht"
                    )
                if expected_version is not None and contact.version != expected_version:
                    raise Outdated
                for field, value in values.items():
                    setattr(contact, field, value)
            session.flush()
            return Saved(contact.id, contact.version)

    try:
        return retrying(write)
    except (Outdated, ConflictError) as error:
        if contact_id is None:
            raise
        raise _stale_contact(engine, region, contact_id, expected_version or 0, submitted) from error


def delete_contact(
    engine: Engine,
    user: User,
    level: str,
    key: str,
    contact_id: int,
    expected_version: int | None = None,
    boundaries: Boundaries | None = None,
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
    boundaries : Boundaries, optional
        The dataset the region is looked up in: the active one (dashboard, commands); by default the
        bundled one.

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
    region = checked_region(level, key, boundaries)
    shown: dict[str, str] = {}
    try:
        with register_session(engine, user.name) as session:
            participant = find_participant(session, region)
            contact = session.get(Contact, contact_id)
            if contact is None and expected_version is not None:
                raise Outdated
            if contact is None or participant is None or contact.participant_id != participant.id:
                raise InvalidInput(
                    "contact_id", f"Kontaktperson Nr. {contact_id} gibt es bei {describe(region)} nicht"
                )
            shown = _contact_values(contact)
            if expected_version is not None and contact.version != expected_version:
                raise Outdated
            session.delete(contact)
    except (Outdated, ConflictError) as error:
        submitted = {**shown, "Aktion": "löschen"}
        raise _stale_contact(engine, region, contact_id, expected_version or 0, submitted) from error
