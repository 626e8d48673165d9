"""Users, roles and the one check every state-changing or personal-data operation makes.

The register's writing and personal-data functions check the acting user here, and :mod:`lpr_geo.auth`
(accounts, logins, sessions) builds on the same definitions. This module depends on neither, so the
register never reaches into :mod:`lpr_geo.auth` and importing either package first works.

Roles, least privileged first: ``viewer`` reads, ``editor`` also changes the register and sees contact
persons, ``admin`` also manages users and reads the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lpr_geo.vocabulary import ROLE_LABELS

from .errors import RegisterError

#: Roles of dashboard users, least privileged first (each role may do everything the previous may).
ROLES: tuple[str, ...] = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class User:
    """A dashboard user as the application sees it (no password hash).

    Attributes
    ----------
    name : str
        Login name, also recorded in the audit trail.
    role : {"viewer", "editor", "admin"}
        What the user may do (see :func:`require_role`).
    active : bool
        Deactivated users cannot log in and hold no role.
    created_at : datetime.datetime or None
        When the account was created (UTC).
    """

    name: str
    role: str
    active: bool = True
    created_at: dt.datetime | None = None


class AuthError(RegisterError):
    """A user or login operation failed; the message is meant for users (German)."""


class PermissionDenied(AuthError):
    """The acting user's role does not allow the operation; nothing was read or written."""


def has_role(user: User | None, role: str) -> bool:
    """Tell whether an active user holds ``role`` or a higher one (admin > editor > viewer).

    Parameters
    ----------
    user : User or None
        The logged-in user; ``None`` for anonymous access (holds no role).
    role : {"viewer", "editor", "admin"}
        The least role needed.

    Returns
    -------
    bool
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return user is not None and user.active and ROLES.index(user.role) >= ROLES.index(role)


def require_role(user: User | None, role: str) -> User:
    """Return ``user`` if it holds ``role`` or a higher one, else refuse.

    Parameters
    ----------
    user : User or None
        The logged-in user; ``None`` for anonymous access.
    role : {"viewer", "editor", "admin"}
        The least role needed.

    Returns
    -------
    User
        The same user, for chaining.

    Raises
    ------
    PermissionDenied
        With a German message: not logged in, account deactivated, or role too low.
    """
    if has_role(user, role):
        assert user is not None
        return user
    if user is None:
        raise PermissionDenied(f"Bitte zuerst anmelden (nötig ist die Rolle »{ROLE_LABELS[role]}«)")
    if not user.active:
        raise PermissionDenied(f"Das Konto »{user.name}« ist deaktiviert")
    raise PermissionDenied(
        f"Dafür ist die Rolle »{ROLE_LABELS[role]}« nötig; »{user.name}« hat die Rolle "
        f"»{ROLE_LABELS[user.role]}«"
    )
