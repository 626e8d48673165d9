"""Forwarding module: the role check lives in :mod:`lpr_geo.register.permissions`.

Kept only while :mod:`lpr_geo.register.editing`, under rewrite elsewhere, still imports it from here;
remove it once that module imports ``.permissions``.
"""

from .permissions import require_role

__all__ = ["require_role"]
