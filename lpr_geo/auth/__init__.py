"""Logins, roles and accounts of the dashboard (no web code: the dashboard calls these).

Users, roles and the permission check are defined in :mod:`lpr_geo.register.permissions` (the register
checks them too) and exported here with the accounts. Every operation that writes or returns personal
data calls :func:`require_role` itself, so a forgotten check in the web layer cannot leak or change
anything. A login lasts as long as its server-side session (:mod:`lpr_geo.auth.sessions`).
"""

from lpr_geo.register.permissions import ROLES, PermissionDenied, User, has_role, require_role

from .accounts import (
    activate_user,
    add_user,
    deactivate_user,
    get_user,
    list_users,
    set_password,
    set_role,
)
from .errors import AuthError, LoginBlocked
from .login import RateLimit, authenticate
from .passwords import MIN_PASSWORD_LENGTH
from .sessions import SessionLifetime, end_session, open_session, session_user

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
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
