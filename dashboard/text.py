"""German formatting of numbers and dates for the user interface."""

from __future__ import annotations

import datetime as dt


def german_number(value: float, decimals: int = 0) -> str:
    """``12345.6`` -> ``12.345,6`` (German separators)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def german_date(value: dt.date | str | None) -> str:
    """ISO date or date -> ``07.06.2021``; empty for None."""
    if value is None or value != value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


def percent(value: float) -> str:
    """``12.345`` -> ``12,3 %``."""
    return f"{german_number(value, 1)} %"
