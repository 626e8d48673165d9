"""Errors of logins and permissions, with German messages for users."""

from __future__ import annotations

import datetime as dt

from lpr_geo.register.permissions import AuthError, PermissionDenied

__all__ = ["AuthError", "LoginBlocked", "PermissionDenied"]


class LoginBlocked(AuthError):
    """Too many failed logins for a name or an address; ``retry_at`` (UTC) says when to try again."""

    def __init__(self, message: str, retry_at: dt.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
