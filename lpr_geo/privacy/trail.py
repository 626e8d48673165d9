"""Requests for access and erasure in the audit trail: who, when, how much, never the person's data.

Access and erasure write past the session's audit hook (:mod:`lpr_geo.register.audit`), which would
copy every erased value into the trail again; so they record themselves here, as rows of the pseudo table
``privacy`` (record 0) whose new value says what happened in words and numbers only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert

from lpr_geo.register.models import AuditEntry

if TYPE_CHECKING:
    from lpr_geo.auth import User

#: ``table_name`` of the events in the audit trail.
PRIVACY_TABLE = "privacy"
#: ``field`` of an access report and of an erasure.
ACCESS, ERASURE = "access", "erasure"


def acting(actor: User | None, by: str | None) -> str:
    """Who acts, for the trail: a dashboard user must be an admin; the command line names the OS user.

    Parameters
    ----------
    actor : lpr_geo.auth.User or None
        The logged-in dashboard user (``None`` for anonymous requests, which are refused).
    by : str or None
        The name a command-line caller records; only used when no dashboard user is involved. Whoever runs
        the command has the database itself.

    Raises
    ------
    lpr_geo.auth.PermissionDenied
        If a dashboard request comes from someone who is not an admin.
    """
    if by is not None and actor is None:
        return by
    from lpr_geo.auth import require_role  # lpr_geo.auth builds on the register, as this package does

    return require_role(actor, "admin").name


def record_event(
    connection: Connection, by: str, field: str, text: str, now: dt.datetime | None = None
) -> None:
    """Add one event row to the audit trail (in the caller's transaction)."""
    connection.execute(
        insert(AuditEntry).values(
            changed_at=now or dt.datetime.now(dt.UTC),
            changed_by=by,
            table_name=PRIVACY_TABLE,
            record_id=0,
            field=field,
            old_value=None,
            new_value=text,
        )
    )
