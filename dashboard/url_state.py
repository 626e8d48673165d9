"""The view state that lives in the URL: level, network, Kreis, date, selection and route stops.

A link reproduces the view, and browser back/forward moves between views. Parsing a link is forgiving:
unknown or malformed parameters fall back to defaults instead of breaking the page, and
:func:`unused_link_parameters` says which, so that the page can tell the user. The stores the pages
keep (:meth:`ViewState.from_store`, :meth:`ViewState.from_scope`) are checked just as strictly: they
come back from the browser, and a forged one must not make a callback work without bound.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from lpr_geo import level_of_key, too_many_stops

from . import browser_input
from .browser_input import MAX_STOPS, BadInput, KnownValues

LEVELS = ("kreis", "amt", "gemeinde")
# ASCII digits only, the whole value (``\d`` would take Arabic digits, ``$`` a trailing newline)
_KEY = re.compile(r"[0-9]{5}|[0-9]{8}|[0-9]{9}")
#: Most selected regions a link carries (a selection made in the gap list may be longer).
MAX_KEYS = 40


@dataclass(frozen=True)
class ViewState:
    """What the dashboard shows; serialises to and from the query string."""

    network: str
    on: dt.date
    level: str = "gemeinde"
    kreis: str | None = None
    region: str | None = None  # region shown in the detail panel
    selected: tuple[str, ...] = field(default=())  # highlighted regions (gap list selection)
    stops: tuple[str, ...] = field(default=())  # route stops

    def to_query(self, default_network: str, today: dt.date) -> str:
        """Query string with only the parameters that differ from the defaults."""
        params: dict[str, str] = {}
        if self.network != default_network:
            params["netz"] = self.network
        if self.level != "gemeinde":
            params["ebene"] = self.level
        if self.kreis:
            params["kreis"] = self.kreis
        if self.on != today:
            params["stand"] = self.on.isoformat()
        if self.region:
            params["region"] = self.region
        if self.selected:
            params["auswahl"] = ",".join(self.selected)
        if self.stops:
            params["stopps"] = ",".join(self.stops)
        return "?" + urlencode(params) if params else ""

    @classmethod
    def from_query(cls, search: str | None, known: KnownValues) -> ViewState:
        """Parse a query string; anything invalid falls back to its default.

        A date is kept between the founding of the network shown and today.
        """
        params = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
        network = params.get("netz") if params.get("netz") in known.networks else known.networks[0]
        level = params.get("ebene") if params.get("ebene") in LEVELS else "gemeinde"
        kreis = params.get("kreis") if params.get("kreis") in known.kreise else None
        region = params.get("region") if _KEY.fullmatch(params.get("region", "")) else None
        return cls(
            network=network,
            on=_parse_date(params.get("stand"), network, known),
            level=level,
            kreis=kreis,
            region=region,
            selected=_keys(params.get("auswahl"))[:MAX_KEYS],
            stops=_keys(params.get("stopps"))[:MAX_STOPS],
        )

    @property
    def region_level(self) -> str | None:
        """The level of the region in the detail panel, by its key's length (``None``: no region)."""
        return level_of_key(self.region) if self.region else None

    def with_changes(self, **changes) -> ViewState:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def scope(self) -> dict:
        """What the figures, lists and tables depend on (not selection, detail or route)."""
        return {"network": self.network, "on": self.on.isoformat(), "level": self.level, "kreis": self.kreis}

    @classmethod
    def from_scope(cls, data: object, known: KnownValues) -> ViewState:
        """The view a :meth:`scope` describes (no selection, detail or route), checked.

        A network renamed (or none) or a Kreis gone since the page loaded falls back to the default, a
        date is kept between the founding of the network and today; what no page sends raises
        :class:`BadInput`.
        """
        data = browser_input.mapping(data, "Ansicht")
        network = data.get("network")
        if data.get("level") not in LEVELS:
            raise BadInput("Ansicht: unbekannte Ebene.")
        try:
            on = dt.date.fromisoformat(browser_input.text(data.get("on"), "Ansicht: Datum", 10))
        except ValueError:
            raise BadInput("Ansicht: ungültiges Datum.") from None
        kreis = data.get("kreis")
        network = network if network in known.networks else known.networks[0]
        return cls(
            network=network,
            on=known.date_within(network, on),
            level=data["level"],
            kreis=kreis if kreis in known.kreise else None,
        )

    def to_store(self) -> dict:
        """JSON-able form for a dcc.Store."""
        data = asdict(self)
        data["on"] = self.on.isoformat()
        data["selected"], data["stops"] = list(self.selected), list(self.stops)
        return data

    @classmethod
    def from_store(cls, data: object, known: KnownValues) -> ViewState:
        """Inverse of :meth:`to_store`, checked as :meth:`from_scope`.

        Selection and stops keep only keys of the active layers, each once; more than
        :data:`~lpr_geo.coverage.MAX_STOPS` stops are refused (:class:`BadInput`) before anything is built.
        """
        view = cls.from_scope(data, known)
        region = data.get("region")
        if region is not None and not isinstance(region, str):
            raise BadInput("Ansicht: ungültige Region.")
        stops = browser_input.region_keys(data.get("stops"), known, "Stationen")
        if len(stops) > MAX_STOPS:
            raise BadInput(too_many_stops(len(stops)))
        return view.with_changes(
            region=region if region and _KEY.fullmatch(region) else None,
            selected=browser_input.region_keys(data.get("selected"), known, "Auswahl"),
            stops=stops,
        )


def _parse_date(text: str | None, network: str, known: KnownValues) -> dt.date:
    try:
        value = dt.date.fromisoformat(text or "")
    except ValueError:
        return known.today
    return known.date_within(network, value)


def _keys(text: str | None) -> tuple[str, ...]:
    keys = [k for k in (text or "").split(",") if _KEY.fullmatch(k)]
    return tuple(dict.fromkeys(keys))


def unused_link_parameters(search: str | None, view: ViewState) -> list[str]:
    """German notes on the parameters of a link that the view could not take (shown, then defaulted).

    ``view`` is what :meth:`ViewState.from_query` made of ``search``. A date before the founding or in
    the future is moved to the nearest possible day, and said so.
    """
    params = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}

    def shown(value: str) -> str:
        return value if len(value) <= 40 else value[:39] + "…"

    notes = []
    if "netz" in params and params["netz"] != view.network:
        notes.append(f"Netzwerk »{shown(params['netz'])}« gibt es nicht")
    if "ebene" in params and params["ebene"] != view.level:
        notes.append(f"Ebene »{shown(params['ebene'])}« ist unbekannt")
    if "kreis" in params and params["kreis"] != view.kreis:
        notes.append(f"Kreis »{shown(params['kreis'])}« ist unbekannt")
    if "stand" in params and params["stand"] != view.on.isoformat():
        notes.append(f"Datum »{shown(params['stand'])}« ist ungültig oder liegt außerhalb der Netzwerkzeit")
    if "region" in params and params["region"] != view.region:
        notes.append(f"Region »{shown(params['region'])}« ist kein Gebietsschlüssel")
    for name, keys in (("auswahl", view.selected), ("stopps", view.stops)):
        given = (params.get(name) or "").split(",")
        malformed = [k for k in given if k and not _KEY.fullmatch(k)]
        if malformed:
            notes.append(f"{len(malformed)} Einträge in »{name}« sind keine Gebietsschlüssel")
        if len(_keys(params.get(name))) > len(keys):
            limit = f"{MAX_STOPS} Stationen" if name == "stopps" else f"{MAX_KEYS} Regionen"
            notes.append(f"»{name}«: höchstens {limit}, die übrigen sind weggelassen")
    return notes
