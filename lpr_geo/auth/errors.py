"""Errors of logins and permissions, with German messages for users."""

from __future__ import annotations

import datetime as dt

from lpr_geo.register.errors import RegisterError


class AuthError(RegisterError):
    """A user or login operation failed; the message is meant for users (German)."""


class PermissionDenied(AuthError):
    """The acting user's role does not allow the operation; nothing was read or written."""


class LoginBlocked(AuthError):
    """Too many failed logins for a name or an address; ``retry_at`` (UTC) says when to try again."""

    def __init__(self, message: str, retry_at: dt.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
