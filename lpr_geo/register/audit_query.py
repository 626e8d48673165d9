"""The Änderungsprotokoll: browsing and filtering the audit trail (admins only)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, String, cast, func, or_, select

from .models import AuditEntry
from .permissions import User, require_role

AUDIT_COLUMNS = [
    "id",
    "changed_at",
    "changed_by",
    "table_name",
    "record_id",
    "field",
    "old_value",
    "new_value",
]


def _moment(value: dt.date | dt.datetime, end_of_day: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    day = value + dt.timedelta(days=1) if end_of_day else value
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def audit_entries(
    engine: Engine,
    reader: User | None,
    *,
    user: str | None = None,
    table: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    text: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> pd.DataFrame:
    """Audit entries, newest first, filtered for the admin's Änderungsprotokoll.

    The trail holds old and new values of contact persons, so only admins may read it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    reader : lpr_geo.auth.User or None
        Who reads; needs the role ``admin``.
    user : str, optional
        Only changes by this user (exact name).
    table : str, optional
        Only this table (``participants``, ``status_events``, ``contacts``, ``activities``, ``networks``,
        ``users``).
    since, until : datetime.date or datetime.datetime, optional
        Time range; a date includes that whole day (UTC); a naive datetime counts as UTC.
    text : str, optional
        Only entries whose field, old or new value or record id contains this text (case-insensitive).
    limit, offset : int
        Paging (at most 1000 rows per page).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``changed_at`` (UTC), ``changed_by``, ``table_name``, ``record_id``, ``field``,
        ``old_value``, ``new_value``; values verbatim (not escaped). Password hashes appear only as
        "(verborgen)".

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If the reader is not an admin.
    """
    require_role(reader, "admin")
    query = select(*(getattr(AuditEntry, column) for column in AUDIT_COLUMNS))
    if user:
        query = query.where(AuditEntry.changed_by == user)
    if table:
        query = query.where(AuditEntry.table_name == table)
    if since is not None:
        query = query.where(AuditEntry.changed_at >= _moment(since, end_of_day=False))
    if until is not None:
        query = query.where(AuditEntry.changed_at < _moment(until, end_of_day=True))
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern)
                    for column in (AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value)
                ),
                cast(AuditEntry.record_id, String).like(pattern),
            )
        )
    query = query.order_by(AuditEntry.id.desc()).limit(max(0, min(limit, 1000))).offset(max(0, offset))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=AUDIT_COLUMNS)
    frame["changed_at"] = pd.to_datetime(frame["changed_at"], utc=True)
    return frame
