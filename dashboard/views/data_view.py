"""Admin area: register import (CSV/XLSX, checked before it is applied) and export (issue 8; being built)."""

from __future__ import annotations

from dash import html

from .. import ids
from ..services import Services

#: Outputs only the admin callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = ()


def layout() -> html.Div:
    return html.Div(html.H3("Register importieren und exportieren", className="section-title"), id=ids.ADMIN_DATA)


def register(app, services: Services) -> None:
    """Add the callbacks of this part of the admin area."""
