"""Role checks for the register's writing and personal-data functions.

:mod:`lpr_geo.auth` builds on the register (its accounts live in the register's database), so the
register reaches it only when a check runs; importing either package first then works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lpr_geo.auth import User


def require_role(user: User | None, role: str) -> User:
    """Return ``user`` if it holds at least ``role``, else raise :class:`lpr_geo.auth.PermissionDenied`."""
    from lpr_geo.auth import require_role as check

    return check(user, role)
