"""Roles and the one check every state-changing or personal-data operation makes."""

from __future__ import annotations

from lpr_geo.register.models import ROLES

from .accounts import User
from .errors import PermissionDenied

#: German names of the roles, as shown to users.
ROLE_LABELS: dict[str, str] = {"viewer": "Betrachter", "editor": "Bearbeiter", "admin": "Administrator"}


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
