"""What the callbacks ask for, computed by lpr_geo and cached per register revision.

One :class:`Services` per app, holding the app's register engine and its boundary dataset (a
:class:`~lpr_geo.boundaries.Boundaries` with the map geometry derived from it). Caches are keyed by the
register's revision token, so an edit made elsewhere (another worker, the CLI) shows on the next request
without a restart; nothing is kept in module globals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine, select

from lpr_geo import (
    DEFAULT_NETWORK,
    PARTICIPANT_LEVELS,
    Boundaries,
    CoverageFigures,
    CoverageOptions,
    CoverageTables,
    ImportStaging,
    Memo,
    Network,
    PriorityWeights,
    Route,
    Settings,
    Suggestion,
    coverage_figures,
    coverage_series,
    find_gaps,
    founding_dates,
    last_contacts,
    load_layers,
    nearby_gaps,
    networks,
    plan_route,
    prepare_events,
    region_activities,
    region_history,
    register_holds_sample,
    resolve_place,
    revision,
    status_events,
    tables_on,
)

from .browser_input import KnownValues
from .geometry import MapGeometry


class Services:
    """Cached access to the register and the coverage engine for one app."""

    def __init__(
        self,
        engine: Engine,
        boundaries: Boundaries,
        geometry_url: Callable[[str, str | None], str],
        imports: ImportStaging | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.engine = engine
        #: Weights and windows of the gap list's priority (the windows are settings).
        self.priority = PriorityWeights.from_settings(settings) if settings else PriorityWeights()
        #: The coverage rule in force (setting ``kreis_covers_gemeinden``): the map, its legend and the
        #: figures all follow it.
        self.coverage_options = CoverageOptions.from_settings(settings) if settings else CoverageOptions()
        #: The boundary dataset the app shows (the active one when the app started).
        self.boundaries = boundaries
        #: Its geometry as the map draws it.
        self.geometry = MapGeometry(boundaries)
        #: The settings the app was built with (None where a command uses the services alone).
        self.settings = settings
        #: The admin upload's staged member imports (under the data directory); None where unused.
        self.imports = imports
        #: URL of the GeoJSON of a level (whole Land, or one Kreis): see dashboard.static_routes.
        self.geometry_url = geometry_url
        self.layers = load_layers(boundaries)
        self._regions = {key: level for level in PARTICIPANT_LEVELS for key in self.layers.index[level]}
        self._kreise = frozenset(self.layers.index["kreis"])
        # Bound per instance, so caches die with the app and never leak across apps in tests. A view
        # change starts ~10 callbacks at once that need the same tables: callers of one key wait for one
        # computation, callers of different keys (another date, network) compute side by side.
        self._tables = Memo(self._tables_uncached, 64)
        self._events = Memo(self._events_uncached, 4)
        self._contacts = Memo(lambda network, on, rev: last_contacts(self.engine, network, on), 64)
        # checked and keyed by body once per register revision, not once per date shown
        self._prepared = Memo(lambda network, rev: prepare_events(self.layers, self._events(rev), network), 8)
        self._series = Memo(self._series_uncached, 8)
        self._figures = Memo(lambda network, on, rev: coverage_figures(self._tables(network, on, rev)), 64)
        self._gaps = Memo(
            lambda network, on, level, rev: find_gaps(
                self._tables(network, on, rev), level, self._contacts(network, on, rev), self.priority
            ),
            64,
        )

    def warm_up(self) -> None:
        """Compute what the first visitor's default view needs, so the first page load is fast."""
        networks = self.networks()
        if networks:
            today = dt.date.today()
            self.figures(networks[0], today)
            self.gaps(networks[0], today, "gemeinde")
            self.series(networks[0], today)

    # -- register -------------------------------------------------------------------------------
    def revision(self) -> tuple[int, ...]:
        """Token of the register's current state."""
        return revision(self.engine)

    def networks(self) -> list[str]:
        """Network names, AG 4 (the default, also holding the sample register) first, then alphabetical."""
        return sorted(networks(self.engine), key=lambda name: (name != DEFAULT_NETWORK, name))

    def known_values(self) -> KnownValues:
        """What browser data may name now: the networks (with founding dates), the active layers' regions, today."""
        founded = founding_dates(self.engine)  # in the order of networks()
        return KnownValues(tuple(founded), self._regions, self._kreise, dt.date.today(), founded)

    def is_sample(self, network: str) -> bool:
        """Whether the network holds the sample register (shown as such everywhere)."""
        with self.engine.connect() as connection:
            return bool(connection.scalar(select(Network.is_sample).where(Network.name == network)))

    def holds_sample(self) -> bool:
        """Whether the register still holds the sample register (an import must remove it first)."""
        return register_holds_sample(self.engine)

    def _events_uncached(self, rev: tuple[int, ...]) -> pd.DataFrame:
        return status_events(self.engine)

    def history(self, level: str, key: str, network: str):
        """Status history of one region in one network."""
        return region_history(self.engine, level, key, network)

    def activities(self, level: str, key: str):
        """All activities of one region, newest first (without personal data)."""
        return region_activities(self.engine, level, key)

    # -- coverage -------------------------------------------------------------------------------
    def _tables_uncached(self, network: str, on: dt.date, rev: tuple[int, ...]) -> CoverageTables:
        name, matched, unmatched = self._prepared(network, rev)
        return tables_on(self.layers, matched, on, self.coverage_options, name, unmatched)

    def tables(self, network: str, on: dt.date) -> CoverageTables:
        """Coverage of every level for a network on a date."""
        return self._tables(network, on, self.revision())

    def figures(self, network: str, on: dt.date) -> CoverageFigures:
        """Statewide and per-Kreis figures."""
        return self._figures(network, on, self.revision())

    def gaps(self, network: str, on: dt.date, level: str) -> pd.DataFrame:
        """Regions not yet in the network, ranked."""
        return self._gaps(network, on, level, self.revision())

    def _series_uncached(self, network: str, end: dt.date, rev: tuple[int, ...]) -> pd.DataFrame:
        start = founding_dates(self.engine)[network]
        return coverage_series(
            self.layers, self._events(rev), start, end, network=network, options=self.coverage_options
        )

    def series(self, network: str, end: dt.date) -> pd.DataFrame:
        """Members and coverage per month up to ``end``."""
        return self._series(network, end, self.revision())

    def contacts(self, network: str, on: dt.date) -> pd.DataFrame:
        """The latest contact per region up to ``on`` (date and kind, no personal data)."""
        return self._contacts(network, on, self.revision())

    def route(
        self, network: str, on: dt.date, keys: list[str], *, start: str = "potsdam", radius_km: float = 15.0
    ) -> tuple[Route, list[Suggestion]]:
        """Visit order from ``start`` (default: the ministry) through the regions and back, with nearby gaps."""
        origin = resolve_place(self.layers, start)
        stops = [resolve_place(self.layers, key) for key in keys]
        route = plan_route(origin, stops)
        return route, nearby_gaps(route, self.gaps(network, on, "gemeinde"), radius_km=radius_km)
