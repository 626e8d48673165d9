"""What the browser sends, turned into domain data: where callbacks parse their inputs.

Every value a callback receives is the browser's word, and anyone can POST a callback request (the
size and form checks that run before any callback are in :mod:`dashboard.request_bounds`). The parsers
here check types, de-duplicate, keep only keys of the active boundary layers and hold lists to the
limits the pages themselves keep. What no page of this app can send raises :class:`BadInput`; the app
answers it with 400 and the German message, without a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from lpr_geo import MAX_STOPS

#: Longest search text (the search field's ``maxLength``). Gemeinde names have at most 30 characters;
#: the fuzzy search costs time in proportion to the text (10,000 characters took 7 s).
MAX_SEARCH_CHARS = 60
#: Largest id, version, counter or offset a request may carry (the register's integer columns).
MAX_NUMBER = 2**31 - 1

__all__ = ["MAX_NUMBER", "MAX_SEARCH_CHARS", "MAX_STOPS", "BadInput", "KnownValues"]


class BadInput(ValueError):
    """A callback value no page of the app sends; the message (German) is the whole answer (400)."""


@dataclass(frozen=True)
class KnownValues:
    """What browser data may name: the register's networks and the active layers' regions, and today.

    Build it with :meth:`dashboard.services.Services.known_values`.
    """

    networks: tuple[str, ...]
    regions: Mapping[str, str]  # key -> level, every level of the active boundary dataset
    kreise: frozenset[str]
    today: dt.date
    founded: Mapping[str, dt.date]  # network -> first day it can be shown (lpr_geo.register.founding_dates)

    def date_within(self, network: str, day: dt.date) -> dt.date:
        """``day`` kept between the network's founding and today."""
        return min(max(day, self.founded[network]), self.today)


def mapping(value: object, what: str) -> dict:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise BadInput(f"{what}: ungültige Angabe.")
    return value


def text(value: object, what: str, max_chars: int) -> str:
    """A string of at most ``max_chars`` characters (``None``: empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{what}: ungültige Angabe.")
    if len(value) > max_chars:
        raise BadInput(f"{what}: höchstens {max_chars} Zeichen.")
    return value


def whole_number(value: object, what: str, maximum: int = MAX_NUMBER) -> int:
    """A whole number from 0 to ``maximum`` (``None``: 0), as ids, versions and offsets are."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise BadInput(f"{what}: ungültige Zahl.")
    return value


def region_keys(values: object, known: KnownValues, what: str) -> tuple[str, ...]:
    """Keys of the active layers from a list, each once, in order; keys the layers lack are left out.

    A key can go missing without any forgery (another boundary dataset was activated since the page
    loaded), so unknown keys are dropped; anything but a list of strings is refused.
    """
    if values is None:
        return ()
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise BadInput(f"{what}: ungültige Liste.")
    return tuple(key for key in dict.fromkeys(values) if key in known.regions)


def row_keys(rows: object, known: KnownValues, what: str) -> tuple[str, ...]:
    """The region keys of AG Grid's ``selectedRows`` (rows as the grid holds them, each with ``key``)."""
    if rows is None:
        return ()
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise BadInput(f"{what}: ungültige Auswahl.")
    return region_keys([row.get("key") for row in rows], known, what)


def clicked_region(click_data: object, known: KnownValues) -> str | None:
    """The region key of a map click (Plotly ``clickData``), ``None`` for a click beside the regions."""
    points = mapping(click_data, "Klick in die Karte").get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        raise BadInput("Klick in die Karte: ungültige Angabe.")
    key = points[0].get("location")
    return key if isinstance(key, str) and key in known.regions else None


def committed_text(data: object, what: str, max_chars: int) -> str:
    """The text a field committed on Enter or when left (see :func:`dashboard.inputs.register_commit`)."""
    return text(mapping(data, what).get("text"), what, max_chars)
