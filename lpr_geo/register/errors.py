"""Errors of the register with German messages for users."""

from __future__ import annotations


class RegisterError(Exception):
    """A register operation failed; the message is meant for users (German)."""


class ConflictError(RegisterError):
    """Someone else changed the record since it was read; nothing was written."""


class SchemaOutdatedError(RegisterError):
    """The database schema is older than this program (run ``lpr-geo db upgrade``)."""
