"""Gaps: every region not yet covered by the network, ranked by a transparent priority score.

The score is a sum of parts, each a column of the result, with weights from :class:`GapWeights`. The
defaults follow how the office has worked since 2019:

- ``score_large_town``: Gemeinden (and Ämter) of at least ``large_town_population`` inhabitants come
  first; they were all contacted in 2019. Needs Gemeinde population figures (null until imported: then
  the part is 0 and ``population`` is empty). Not applied at Kreis level.
- ``score_kreis_without_member``: regions in a Kreis without any member at any level come first, so the
  network reaches every Kreis.
- ``score_neighbour``: regions bordering a covered region of the same level come next (word of mouth,
  short trips).
- ``score_recent_contact``: regions contacted less than ``recent_days`` ago are pushed down, so they are
  not approached again too soon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distance import nearest_km
from .join import CoverageTables
from .rules import canonicalise
from .state import check_contacts

#: Columns of a gaps frame, with their meaning.
GAP_COLUMNS: dict[str, str] = {
    "key": "official key of the region",
    "name": "name",
    "bez": "BKG designation",
    "kreis_key": "key of its Kreis",
    "kreis_name": "name of its Kreis",
    "population": "inhabitants (Gemeinde: if imported; Amt: sum of its Gemeinden if all known; Kreis)",
    "area_km2": "area in km²",
    "distance_km": "great-circle distance between label points to the nearest covered region of the level",
    "neighbour_members": "number of bordering covered regions of the same level",
    "status": "own status code",
    "effective_status": "effective status code (e.g. 'committed' through its Amt)",
    "status_since": "date the own status took effect",
    "last_contact": "date of the last contact, if any",
    "last_kind": "kind of the last contact",
    "score_large_town": "priority part: large town",
    "score_kreis_without_member": "priority part: Kreis without any member",
    "score_neighbour": "priority part: borders a covered region",
    "score_recent_contact": "priority part: contacted recently (negative)",
    "score": "sum of the parts; higher means approach first",
    "label_lon": "longitude of the label point",
    "label_lat": "latitude of the label point",
}


@dataclass(frozen=True)
class GapWeights:
    """Weights and thresholds of the gap priority score (see the module docstring).

    Parameters
    ----------
    large_town : float
        Added for a Gemeinde or Amt of at least ``large_town_population`` inhabitants.
    large_town_population : int
        Threshold of a large town.
    kreis_without_member : float
        Added for a region in a Kreis without any member (at Kreis level: the Kreis itself).
    neighbour : float
        Added if at least one bordering region of the same level is covered.
    recent_contact : float
        Added (negative) if the last contact is less than ``recent_days`` before the date.
    recent_days : int
        Days within which a contact counts as recent.
    """

    large_town: float = 4.0
    large_town_population: int = 15_000
    kreis_without_member: float = 4.0
    neighbour: float = 2.0
    recent_contact: float = -10.0
    recent_days: int = 90


def _population(tables: CoverageTables, level: str) -> np.ndarray:
    layers = tables.layers
    if level == "kreis":
        frame = tables.kreis
        return (
            frame["population"].to_numpy(dtype=float)
            if "population" in frame
            else np.full(len(frame), np.nan)
        )
    pop = tables.gemeinde["population"].to_numpy(dtype=float) if "population" in tables.gemeinde else None
    if pop is None:
        return np.full(len(tables.table(level)), np.nan)
    if level == "gemeinde":
        return pop
    known = layers.gemeinde_unit >= 0
    rows = layers.gemeinde_unit[known]
    n = len(tables.amt)
    total = np.bincount(rows, weights=np.nan_to_num(pop[known]), minlength=n)
    missing = np.bincount(rows, weights=np.isnan(pop[known]), minlength=n)
    return np.where(missing > 0, np.nan, total)


def _last_contacts(tables: CoverageTables, level: str, rows: np.ndarray, contacts: pd.DataFrame | None):
    """Date and kind of the last contact of the regions at ``rows`` (contacts of the same body count)."""
    when = np.full(len(rows), np.datetime64("NaT", "s"))
    kind = np.full(len(rows), None, dtype=object)
    if contacts is None or contacts.empty:
        return when, kind
    matched, _ = canonicalise(check_contacts(contacts), tables.layers)
    dates = matched["last_contact"].to_numpy(dtype="datetime64[s]")
    kinds = matched["last_kind"].to_numpy(dtype=object)
    ids = zip(matched["level"].to_numpy(dtype=object), matched["key"].to_numpy(dtype=object), strict=True)
    latest: dict[tuple[str, str], int] = {}
    for i, body in enumerate(ids):
        if body not in latest or dates[i] >= dates[latest[body]]:
            latest[body] = i
    layers = tables.layers
    canonical, gem_keys, keys = layers.canonical[level], layers.keys["gemeinde"], layers.keys[level]
    for out, row in enumerate(rows):
        body = ("gemeinde", gem_keys[canonical[row]]) if canonical[row] >= 0 else (level, keys[row])
        found = latest.get(body)
        if found is not None:
            when[out], kind[out] = dates[found], kinds[found]
    return when, kind


def find_gaps(
    tables: CoverageTables,
    level: str = "gemeinde",
    contacts: pd.DataFrame | None = None,
    weights: GapWeights | None = None,
) -> pd.DataFrame:
    """Every region of a level not covered by the network, ranked by priority.

    Parameters
    ----------
    tables : CoverageTables
        Coverage on the date of interest (see :func:`lpr_geo.coverage.coverage_tables`).
    level : {"gemeinde", "amt", "kreis"}
        Level of the regions listed.
    contacts : pandas.DataFrame, optional
        Last contacts, columns :data:`lpr_geo.coverage.state.CONTACT_COLUMNS`.
    weights : GapWeights, optional
        Score weights (defaults of :class:`GapWeights`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GAP_COLUMNS`, exactly the non-covered regions, sorted by score (descending),
        then population (descending), distance (ascending) and key.
    """
    weights = weights or GapWeights()
    table = tables.table(level)
    layers = tables.layers
    covered = table["covered"].to_numpy()
    gap = ~covered
    distance, _ = nearest_km(layers.xyz[level][gap], layers.xyz[level][covered])
    neighbours = layers.neighbour_counts(level, covered)[gap]
    population = _population(tables, level)[gap]
    when, kind = _last_contacts(tables, level, np.flatnonzero(gap), contacts)

    kreis_rows = (
        np.arange(len(table))
        if level == "kreis"
        else (layers.gemeinde_kreis if level == "gemeinde" else layers.amt_kreis)
    )
    kreis_has_member = tables.kreise_with_member()[kreis_rows[gap]]
    age_days = (np.datetime64(tables.on, "s") - when) / np.timedelta64(1, "D")
    recent = ~np.isnat(when) & (age_days < weights.recent_days)
    large = (
        (population >= weights.large_town_population) if level != "kreis" else np.zeros(len(population), bool)
    )

    parts = {
        "score_large_town": np.where(large, weights.large_town, 0.0),
        "score_kreis_without_member": np.where(kreis_has_member, 0.0, weights.kreis_without_member),
        "score_neighbour": np.where(neighbours > 0, weights.neighbour, 0.0),
        "score_recent_contact": np.where(recent, weights.recent_contact, 0.0),
    }
    kreis_names = tables.kreis["name"].to_numpy(dtype=object)
    sub = table[gap]
    result = pd.DataFrame(
        {
            "key": sub["key"].to_numpy(),
            "name": sub["name"].to_numpy(),
            "bez": sub["bez"].to_numpy(),
            "kreis_key": sub["kreis_key"].to_numpy(),
            "kreis_name": kreis_names[kreis_rows[gap]],
            "population": pd.array(np.round(population), dtype="Int64"),
            "area_km2": sub["area_km2"].to_numpy(),
            "distance_km": np.round(distance, 1),
            "neighbour_members": neighbours,
            "status": sub["status"].to_numpy(),
            "effective_status": sub["effective_status"].to_numpy(),
            "status_since": sub["status_since"].to_numpy(),
            "last_contact": when,
            "last_kind": kind,
            **parts,
            "score": sum(parts.values()),
            "label_lon": sub["label_lon"].to_numpy(),
            "label_lat": sub["label_lat"].to_numpy(),
        }
    )
    order = np.lexsort(
        (
            result["key"].to_numpy(dtype=object),
            result["distance_km"].fillna(np.inf),
            -result["population"].to_numpy(dtype=float, na_value=-1.0),
            -result["score"],
        )
    )
    return result.iloc[order].reset_index(drop=True)
