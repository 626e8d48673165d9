"""Errors of the register with German messages for users."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class RegisterError(Exception):
    """A register operation failed; the message is meant for users (German)."""


class ConflictError(RegisterError):
    """Someone else changed the record since it was read; nothing was written."""


class SchemaOutdatedError(RegisterError):
    """The database schema is older than this program (run ``lpr-geo db upgrade``)."""


class FileTooLarge(RegisterError):
    """A file to import is over a configured limit; reading stopped there and nothing was written.

    Attributes
    ----------
    size : int
        What was counted when reading stopped: bytes (for an XLSX file possibly its unpacked size),
        data rows or cells.
    limit : int
        The limit in the same unit.
    setting : str
        The setting that sets the limit (``import_max_mb``, ``import_max_rows``, ``import_max_cells``).
    """

    def __init__(self, message: str, size: int, limit: int, setting: str = "import_max_mb") -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit
        self.setting = setting


class InvalidInput(RegisterError):
    """A form value is invalid; ``field`` names it (as in the function's parameters), nothing was written."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StaleEdit(ConflictError):
    """A form was saved with an outdated version: someone else changed the record since it was loaded.

    Attributes
    ----------
    record : str
        The record in words (German), e.g. ``Status von »Elsterwerda« (12062124)``.
    changed_by : str
        Who changed it last (from the audit trail; ``"unbekannt"`` if the trail has no entry).
    changed_at : datetime.datetime or None
        When (UTC).
    expected_version, current_version : int
        The version the form was loaded with and the one stored now.
    current, submitted : dict of str to str
        The stored values and the form's values, by German field label, for showing both side by side.
    """

    def __init__(
        self,
        record: str,
        changed_by: str,
        changed_at: dt.datetime | None,
        expected_version: int,
        current_version: int,
        current: dict[str, str],
        submitted: dict[str, str],
    ) -> None:
        when = ""
        if changed_at is not None:
            when = f" (am {changed_at.astimezone(ZoneInfo('Europe/Berlin')):%d.%m.%Y um %H:%M} Uhr)"
        stored = "; ".join(f"{k}: {v}" for k, v in current.items()) or "nichts gespeichert"
        mine = "; ".join(f"{k}: {v}" for k, v in submitted.items())
        super().__init__(
            f"{record} wurde inzwischen von {changed_by} geändert{when}. Nichts wurde überschrieben. "
            f"Gespeicherter Stand – {stored}. Ihre Eingabe – {mine}. Bitte prüfen und erneut speichern."
        )
        self.record = record
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = current
        self.submitted = submitted


#: Most characters of a cell or header echoed in a message: enough to recognise it, never the whole of
#: a 4,096-character "column name" that a binary file produced.
SHOWN_CHARACTERS = 60


def shortened(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """The text of ``value``, cut to ``limit`` characters with an ellipsis if it is longer."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """``»value«`` for a message, shortened to ``limit`` characters (see :func:`shortened`)."""
    return f"»{shortened(value, limit)}«"
