"""Key figures of a coverage (members, Gemeinden, area, population): statewide and per Kreis, JSON-ready.

Population is reported only as exactly as the data allow. With a population for every Gemeinde the
covered population is the sum over covered Gemeinden. Without it (the bundled 2016 dataset has Kreis
figures only, Destatis 31.12.2018) the covered population is given as a range: at least the population
of the Kreise whose Gemeinden are all covered, at most that of the Kreise with any covered Gemeinde.
:class:`PopulationSource` says which level and date were used and how.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from lpr_geo.status import EVENT_STATUSES

from .join import CoverageTables

#: How the covered population was computed.
METHOD_GEMEINDE_SUM = "sum_over_covered_gemeinden"
METHOD_KREIS_RANGE = "range_from_kreis_population"


@dataclass(frozen=True)
class PopulationSource:
    """Where population figures come from.

    Parameters
    ----------
    level : {"gemeinde", "kreis"}
        Level of the population figures used.
    date : str or None
        Reference date (ISO) of those figures; the latest one if they differ.
    method : str
        :data:`METHOD_GEMEINDE_SUM` (exact) or :data:`METHOD_KREIS_RANGE` (bounds).
    """

    level: str
    date: str | None
    method: str


@dataclass(frozen=True)
class PopulationFigure:
    """Covered population: exact (``covered_min == covered_max``) or a range."""

    total: int
    covered_min: int
    covered_max: int
    pct_min: float
    pct_max: float
    exact: bool


@dataclass(frozen=True)
class RegionFigures:
    """Coverage figures of an area (the whole dataset or one Kreis)."""

    gemeinden: int
    gemeinden_covered: int
    gemeinden_covered_pct: float
    gemeinden_committed: int
    area_km2: float
    area_covered_km2: float
    area_covered_pct: float
    population: PopulationFigure | None
    members_by_status: dict[str, int]


@dataclass(frozen=True)
class KreisFigures:
    """Figures of one Kreis: its own status, whether any member lies in it, and its coverage."""

    key: str
    name: str
    status: str
    has_member: bool
    figures: RegionFigures


@dataclass(frozen=True)
class CoverageFigures:
    """Statewide and per-Kreis figures of one network on one date (serialise with :meth:`to_dict`)."""

    date: str
    network: str | None
    kreis_covers_gemeinden: bool
    population_source: PopulationSource | None
    total: RegionFigures
    kreise: list[KreisFigures]
    kreise_without_member: list[str]
    unmatched_keys: list[str]

    def to_dict(self) -> dict:
        """Plain dict with English keys and numeric values (ISO date strings, keys as strings)."""
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _population_source(tables: CoverageTables) -> PopulationSource | None:
    gemeinde, kreis = tables.gemeinde, tables.kreis
    for frame, level, method in (
        (gemeinde, "gemeinde", METHOD_GEMEINDE_SUM),
        (kreis, "kreis", METHOD_KREIS_RANGE),
    ):
        if "population" in frame and len(frame) and frame["population"].notna().all():
            dates = frame["population_date"].dropna()
            return PopulationSource(level, str(dates.max()) if len(dates) else None, method)
    return None


def coverage_figures(tables: CoverageTables) -> CoverageFigures:
    """Compute statewide and per-Kreis figures from coverage tables.

    Parameters
    ----------
    tables : CoverageTables
        Result of :func:`lpr_geo.coverage.coverage_tables`.

    Returns
    -------
    CoverageFigures
        Gemeinden covered (n, %), area covered (km², %), population covered (%, with its source),
        members by status (every body counted once at its own level), and the Kreise without any
        member at any level.
    """
    layers = tables.layers
    gem, amt, kreis = tables.gemeinde, tables.amt, tables.kreis
    n_kreis = len(kreis)
    g_kreis, a_kreis = layers.gemeinde_kreis, layers.amt_kreis
    covered = gem["covered"].to_numpy()
    area = gem["area_km2"].to_numpy(dtype=float)

    def per_kreis(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        keep = rows >= 0
        return np.bincount(rows[keep], weights=values[keep].astype(float), minlength=n_kreis)

    n_gem = per_kreis(np.ones(len(gem)), g_kreis)
    n_cov = per_kreis(covered, g_kreis)
    n_com = per_kreis(gem["committed"].to_numpy(), g_kreis)
    a_all = per_kreis(area, g_kreis)
    a_cov = per_kreis(np.where(covered, area, 0.0), g_kreis)

    # Bodies counted once: Amt and Kreis rows that are the same body as a Gemeinde are left out.
    gem_status = gem["status"].to_numpy(dtype=object)
    amt_own = layers.canonical["amt"] < 0
    kreis_own = layers.canonical["kreis"] < 0
    amt_status = amt["status"].to_numpy(dtype=object)
    kreis_status = kreis["status"].to_numpy(dtype=object)
    by_status = {
        s.value: per_kreis(gem_status == s.value, g_kreis)
        + per_kreis((amt_status == s.value) & amt_own, a_kreis)
        + ((kreis_status == s.value) & kreis_own)
        for s in EVENT_STATUSES
    }
    has_member = tables.kreise_with_member()

    source = _population_source(tables)
    if source is not None and source.level == "gemeinde":
        pop_gem = gem["population"].to_numpy(dtype=float)
        pop_all = per_kreis(pop_gem, g_kreis)
        pop_min = pop_max = per_kreis(np.where(covered, pop_gem, 0.0), g_kreis)
    elif source is not None:
        pop_all = kreis["population"].to_numpy(dtype=float)
        pop_min = np.where((n_cov == n_gem) & (n_gem > 0), pop_all, 0.0)
        pop_max = np.where(n_cov > 0, pop_all, 0.0)

    def population(total: float, low: float, high: float) -> PopulationFigure | None:
        if source is None:
            return None
        return PopulationFigure(
            int(total), int(low), int(high), _pct(low, total), _pct(high, total), bool(low == high)
        )

    def figures(rows, pop: PopulationFigure | None) -> RegionFigures:
        g, c, a, ac = (float(x[rows].sum()) for x in (n_gem, n_cov, a_all, a_cov))
        return RegionFigures(
            int(g),
            int(c),
            _pct(c, g),
            int(n_com[rows].sum()),
            round(a, 3),
            round(ac, 3),
            _pct(ac, a),
            pop,
            {s: int(v[rows].sum()) for s, v in by_status.items()},
        )

    keys, names = layers.keys["kreis"], kreis["name"].to_numpy(dtype=object)
    kreise = [
        KreisFigures(
            key=str(keys[i]),
            name=str(names[i]),
            status=str(kreis_status[i]),
            has_member=bool(has_member[i]),
            figures=figures(
                slice(i, i + 1),
                population(pop_all[i], pop_min[i], pop_max[i]) if source is not None else None,
            ),
        )
        for i in range(n_kreis)
    ]
    total_pop = population(pop_all.sum(), pop_min.sum(), pop_max.sum()) if source is not None else None
    total = figures(slice(None), total_pop)
    return CoverageFigures(
        date=tables.on.isoformat(),
        network=tables.network,
        kreis_covers_gemeinden=tables.options.kreis_covers_gemeinden,
        population_source=source,
        total=total,
        kreise=kreise,
        kreise_without_member=[str(k) for k in keys[~has_member]],
        unmatched_keys=sorted(pd.unique(tables.unmatched["key"]).tolist()),
    )
