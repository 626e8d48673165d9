"""The Änderungsprotokoll: browsing and filtering the audit trail (admins only)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, String, cast, func, or_, select

from .models import AuditEntry, Participant
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


#: Tables whose rows belong to one region (through ``participant_id``, or the region itself).
_REGION_TABLES = ("participants", "status_events", "contacts", "activities")


def _chunks(values: list[int], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _audited(connection, table: str, ids: list[int], field: str) -> dict[int, str]:
    """The last value the trail knows of ``field`` of these records (kept after a record is deleted)."""
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        query = (
            select(AuditEntry.record_id, AuditEntry.old_value, AuditEntry.new_value)
            .where(AuditEntry.table_name == table, AuditEntry.field == field, AuditEntry.record_id.in_(chunk))
            .order_by(AuditEntry.id)
        )
        for record, old, new in connection.execute(query):
            value = new if new is not None else old
            if value is not None:
                found[int(record)] = value
    return found


def audit_regions(engine: Engine, entries: pd.DataFrame) -> list[str]:
    """The name of the region each audit entry is about ("Bad Liebenwerda"), "" where none.

    Entries of regions, status entries, contact persons and activities name their region, also after
    the record (or the region) was deleted: the trail keeps the ``participant_id`` and the name.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    entries : pandas.DataFrame
        Rows of :func:`audit_entries` (``table_name`` and ``record_id`` are read).

    Returns
    -------
    list of str
        One name per row, in order.
    """
    tables = entries["table_name"].tolist()
    records = [int(r) for r in entries["record_id"].tolist()]
    with engine.connect() as connection:
        participant_of: dict[tuple[str, int], int] = {}
        for table in _REGION_TABLES[1:]:
            ids = sorted({r for t, r in zip(tables, records, strict=True) if t == table})
            for record, value in _audited(connection, table, ids, "participant_id").items():
                if value.isdigit():
                    participant_of[(table, record)] = int(value)
        for table, record in zip(tables, records, strict=True):
            if table == "participants":
                participant_of[(table, record)] = record
        wanted = sorted(set(participant_of.values()))
        names = _audited(connection, "participants", wanted, "name")
        for chunk in _chunks(wanted):
            query = select(Participant.id, Participant.name).where(Participant.id.in_(chunk))
            names.update({int(i): name for i, name in connection.execute(query)})
    return [
        names.get(participant_of.get((table, record), -1), "")
        for table, record in zip(tables, records, strict=True)
    ]
