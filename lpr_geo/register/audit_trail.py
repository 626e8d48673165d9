"""The audit trail: every inserted, changed or deleted field of a register row, with who and when.

Written from the session's ``after_flush`` hook, so no code path that goes through a register session
can change data without leaving a trace.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .models import AuditEntry

_SKIPPED = {"id", "version"}
# Secrets are audited as "changed", never with their value (not even a hash belongs in a readable log).
_SECRETS = {"password_hash"}
_HIDDEN = "(verborgen)"


def _text(value: object, name: str = "") -> str | None:
    if value is None:
        return None
    if name in _SECRETS:
        return _HIDDEN
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _changes(obj: object, kind: str) -> list[tuple[str, str | None, str | None]]:
    state = inspect(obj)
    changes = []
    for column in state.mapper.column_attrs:
        name = column.key
        if name in _SKIPPED:
            continue
        history = state.attrs[name].history
        if kind == "insert":
            new = history.added[0] if history.added else getattr(obj, name)
            if new is not None and new != "":
                changes.append((name, None, _text(new, name)))
        elif kind == "delete":
            old = (history.deleted or history.unchanged or [None])[0]
            changes.append((name, _text(old, name), None))
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _text(old) != _text(new):
                changes.append((name, _text(old, name), _text(new, name)))
    return changes


def _after_flush(session: Session, _context) -> None:
    rows = []
    now = dt.datetime.now(dt.UTC)
    user = session.info.get("user", "unbekannt")
    for kind, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, AuditEntry):
                continue
            table = obj.__table__.name  # type: ignore[attr-defined]
            record_id = inspect(obj).identity[0] if kind != "insert" else obj.id  # type: ignore[attr-defined]
            for field, old, new in _changes(obj, kind):
                rows.append(
                    {
                        "changed_at": now,
                        "changed_by": user,
                        "table_name": table,
                        "record_id": record_id,
                        "field": field,
                        "old_value": old,
                        "new_value": new,
                    }
                )
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def watch(session: Session) -> None:
    """Record every change flushed by ``session`` in the audit table."""
    event.listen(session, "after_flush", _after_flush)
