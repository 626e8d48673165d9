"""Coverage engine: join boundaries with the register, figures, gaps, time series and visit routes.

Pure functions over DataFrames; no database and no web code. The register supplies status events
(:data:`EVENT_COLUMNS`) and last contacts (:data:`CONTACT_COLUMNS`); the coverage rules are documented
in :mod:`lpr_geo.coverage.rules`.
"""

from .distance import haversine_km, pairwise_km
from .gaps import GAP_COLUMNS, find_gaps
from .join import TABLE_COLUMNS, CoverageTables, coverage_tables, prepare_events, tables_on
from .key_figures import (
    CoverageFigures,
    KreisFigures,
    PopulationFigure,
    PopulationSource,
    RegionFigures,
    coverage_figures,
)
from .layers import PARTICIPANT_LEVELS, Layers, load_layers
from .population_wording import PopulationWording, population_wording
from .priority import (
    GROUP_DECLINED,
    GROUP_DEFERRED,
    GROUP_OPEN,
    PARTS,
    PriorityWeights,
    priority_key,
)
from .route import (
    AVERAGE_SPEED_KMH,
    MAX_STOPS,
    MINISTRY,
    ROAD_FACTOR,
    Leg,
    Place,
    Route,
    Suggestion,
    nearby_gaps,
    plan_route,
    resolve_place,
    too_many_stops,
)
from .rules import CoverageOptions
from .state import CONTACT_COLUMNS, EVENT_COLUMNS, status_on
from .timeline import SERIES_COLUMNS, coverage_series, series_dates

__all__ = [
    "AVERAGE_SPEED_KMH",
    "CONTACT_COLUMNS",
    "EVENT_COLUMNS",
    "GAP_COLUMNS",
    "GROUP_DECLINED",
    "GROUP_DEFERRED",
    "GROUP_OPEN",
    "MAX_STOPS",
    "MINISTRY",
    "PARTICIPANT_LEVELS",
    "PARTS",
    "ROAD_FACTOR",
    "SERIES_COLUMNS",
    "TABLE_COLUMNS",
    "CoverageFigures",
    "CoverageOptions",
    "CoverageTables",
    "KreisFigures",
    "Layers",
    "Leg",
    "Place",
    "PopulationFigure",
    "PopulationSource",
    "PopulationWording",
    "PriorityWeights",
    "RegionFigures",
    "Route",
    "Suggestion",
    "coverage_figures",
    "coverage_series",
    "coverage_tables",
    "find_gaps",
    "haversine_km",
    "load_layers",
    "nearby_gaps",
    "pairwise_km",
    "plan_route",
    "population_wording",
    "priority_key",
    "prepare_events",
    "resolve_place",
    "series_dates",
    "status_on",
    "tables_on",
    "too_many_stops",
]
