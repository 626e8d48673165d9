"""Logins, roles and accounts of the dashboard (no web code: the dashboard calls these).

Roles, least privileged first: ``viewer`` reads, ``editor`` also changes the register and sees contact
persons, ``admin`` also manages users and reads the audit trail. Every operation that writes or returns
personal data calls :func:`require_role` itself, so a forgotten check in the web layer cannot leak or
change anything. A login lasts as long as its server-side session (:mod:`lpr_geo.auth.sessions`).
"""

from .accounts import (
    User,
    activate_user,
    add_user,
    deactivate_user,
    get_user,
    list_users,
    set_password,
    set_role,
)
from .errors import AuthError, LoginBlocked, PermissionDenied
from .login import RateLimit, authenticate
from .passwords import MIN_PASSWORD_LENGTH
from .roles import ROLE_LABELS, has_role, require_role
from .sessions import SessionLifetime, end_session, open_session, session_user

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLE_LABELS",
    "AuthError",
    "LoginBlocked",
    "PermissionDenied",
    "RateLimit",
    "SessionLifetime",
    "User",
    "activate_user",
    "add_user",
    "authenticate",
    "deactivate_user",
    "end_session",
    "get_user",
    "has_role",
    "list_users",
    "open_session",
    "require_role",
    "session_user",
    "set_password",
    "set_role",
]
