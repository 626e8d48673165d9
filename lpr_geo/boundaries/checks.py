"""Checks every dataset must pass before it is written or activated.

The same checks guard the bundled build, ``geodata import-vg250`` and the test suite, so "the artifacts
are valid" has one definition. Each check returns :class:`Problem` records instead of raising, so a
user sees every failure of an import at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from .build import Dataset
from .schema import LEVELS, LODS, METRIC_CRS

#: Largest relative area change a simplified feature may have.
MAX_AREA_DEVIATION = 0.01
#: Pixels across the map for which a level of detail is made; error must stay below one pixel.
MAP_PIXELS = 1000
#: How far a derived parent (union of Gemeinden) may differ from BKG's own layer, relative to its area.
MAX_PARENT_MISMATCH = 0.001


@dataclass(frozen=True)
class Problem:
    """One failed check: where and what."""

    check: str
    level: str
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.level} {self.key}" if self.key else self.level
        return f"[{self.check}] {where}: {self.message}"


def _metric(frame: gpd.GeoDataFrame, lod: str) -> np.ndarray:
    column = LODS[lod].column
    return gpd.GeoSeries(frame[column], crs=frame.crs).to_crs(METRIC_CRS).values


def check_keys(ds: Dataset, expected_counts: dict[str, int] | None = None) -> list[Problem]:
    """Keys unique, of the right length, references resolve, counts as expected."""
    problems = []
    for level, frame in ds.layers.items():
        length = LEVELS[level].key_length
        for key in frame.loc[frame["key"].duplicated(), "key"]:
            problems.append(Problem("keys", level, key, "Schlüssel doppelt"))
        for key in frame.loc[frame["key"].str.len() != length, "key"]:
            problems.append(Problem("keys", level, key, f"Schlüssel hat nicht {length} Stellen"))
        if expected_counts and len(frame) != expected_counts[level]:
            problems.append(
                Problem("counts", level, None, f"{len(frame)} Einheiten, erwartet {expected_counts[level]}")
            )
    gem = ds.layers["gemeinde"]
    refs = {"kreis_key": "kreis", "verwaltung_key": "amt", "amt_key": "amt"}
    for column, level in refs.items():
        known = set(ds.layers[level]["key"])
        for key, ref in zip(gem["key"], gem[column], strict=True):
            if ref is not None and ref == ref and ref not in known:
                problems.append(Problem("references", "gemeinde", key, f"{column} {ref} existiert nicht"))
    return problems


def check_nesting(ds: Dataset) -> list[Problem]:
    """Each Gemeinde lies in its Kreis; Gemeinden add up to their Kreis; labels lie inside."""
    problems = []
    gem, krs = ds.layers["gemeinde"], ds.layers["kreis"]
    gem_geoms, krs_geoms = _metric(gem, "full"), dict(zip(krs["key"], _metric(krs, "full"), strict=True))
    for key, kreis, geom in zip(gem["key"], gem["kreis_key"], gem_geoms, strict=True):
        parent = krs_geoms.get(kreis)
        if parent is None:
            continue
        inside = shapely.area(shapely.intersection(geom, parent)) / shapely.area(geom)
        if inside < 0.999:
            problems.append(Problem("nesting", "gemeinde", key, f"nur {inside:.2%} im Kreis {kreis}"))
    sums = gem.groupby("kreis_key")["area_km2"].sum()
    for key, area in zip(krs["key"], krs["area_km2"], strict=True):
        if abs(sums.get(key, 0.0) / area - 1) > 0.001:
            problems.append(
                Problem(
                    "nesting", "kreis", key, f"Gemeinden ergeben {sums.get(key, 0):.1f} km² statt {area:.1f}"
                )
            )
    for level, frame in ds.layers.items():
        points = shapely.points(frame["label_lon"], frame["label_lat"])
        for key in frame.loc[~shapely.contains(frame.geometry.values, points), "key"]:
            problems.append(Problem("labels", level, key, "Beschriftungspunkt liegt außerhalb"))
    return problems


def check_official_parents(ds: Dataset) -> list[Problem]:
    """Unions of Gemeinden match BKG's own Amt, Kreis and Land layers."""
    problems = []
    for level, official in ds.official.items():
        derived = dict(zip(ds.layers[level]["key"], _metric(ds.layers[level], "full"), strict=True))
        for key, geom in zip(official.index, official.geometry.values, strict=True):
            mine = derived.get(key[: LEVELS[level].key_length])
            if mine is None:
                problems.append(Problem("official", level, key, "fehlt in den Gemeinden"))
                continue
            mismatch = shapely.area(shapely.symmetric_difference(mine, geom)) / shapely.area(geom)
            if mismatch > MAX_PARENT_MISMATCH:
                problems.append(Problem("official", level, key, f"weicht um {mismatch:.3%} von BKG ab"))
    return problems


def check_areas(ds: Dataset, expected_area_km2: float | None = None) -> list[Problem]:
    """Total area near the official figure; Kreis areas within 1 % of Destatis."""
    problems = []
    total = ds.layers["land"]["area_km2"].sum()
    if expected_area_km2 and abs(total / expected_area_km2 - 1) > 0.005:
        problems.append(
            Problem("area", "land", None, f"{total:.0f} km², amtlich {expected_area_km2:.0f} km²")
        )
    krs = ds.layers["kreis"]
    if "area_official_km2" in krs:
        for key, mine, official in zip(krs["key"], krs["area_km2"], krs["area_official_km2"], strict=True):
            if official == official and abs(mine / official - 1) > 0.01:
                problems.append(Problem("area", "kreis", key, f"{mine:.1f} km², Destatis {official:.1f} km²"))
    return problems


def check_coverages(ds: Dataset) -> list[Problem]:
    """Every level of detail is a valid coverage and keeps each feature's area within 1 %."""
    problems = []
    for level, frame in ds.layers.items():
        full_area = shapely.area(_metric(frame, "full"))
        for lod in LODS:
            geoms = _metric(frame, lod)
            for key in frame.loc[~shapely.is_valid(geoms) | shapely.is_empty(geoms), "key"]:
                problems.append(Problem("geometry", level, key, f"ungültige Geometrie ({lod})"))
            if len(geoms) > 1 and not shapely.coverage_is_valid(frame[LODS[lod].column].values):
                problems.append(Problem("coverage", level, None, f"Lücken oder Überlappungen ({lod})"))
            deviation = np.abs(shapely.area(geoms) / full_area - 1)
            for key, dev in zip(frame["key"], deviation, strict=True):
                if dev > MAX_AREA_DEVIATION:
                    problems.append(
                        Problem("simplification", level, key, f"Fläche {dev:.2%} verändert ({lod})")
                    )
    return problems


def pixel_sizes_m(ds: Dataset) -> dict[str, float]:
    """Metres per pixel a level of detail is made for: the Land, or the largest Kreis, on 1000 px."""
    land = gpd.GeoSeries(ds.layers["land"].geometry, crs=ds.layers["land"].crs).to_crs(METRIC_CRS)
    kreise = gpd.GeoSeries(ds.layers["kreis"].geometry, crs=ds.layers["kreis"].crs).to_crs(METRIC_CRS)

    def extent(bounds: np.ndarray) -> float:
        return float(max(bounds[2] - bounds[0], bounds[3] - bounds[1]))

    largest_kreis = max(extent(b) for b in kreise.bounds.to_numpy())
    return {"land": extent(land.total_bounds) / MAP_PIXELS, "kreis": largest_kreis / MAP_PIXELS}


def simplification_report(ds: Dataset) -> dict[str, dict[str, float]]:
    """Measured error of each simplified level of detail on the Gemeinde layer (metres, ratios, bytes)."""
    frame = ds.layers["gemeinde"]
    full = _metric(frame, "full")
    report = {}
    for lod, pixel in pixel_sizes_m(ds).items():
        geoms = _metric(frame, lod)
        distance = shapely.hausdorff_distance(geoms, full)
        report[lod] = {
            "pixel_m": round(pixel, 1),
            "hausdorff_max_m": round(float(distance.max()), 1),
            "hausdorff_p95_m": round(float(np.percentile(distance, 95)), 1),
            "area_deviation_max": round(
                float(np.max(np.abs(shapely.area(geoms) / shapely.area(full) - 1))), 5
            ),
            "vertices": int(shapely.get_num_coordinates(geoms).sum()),
        }
    return report


def check_simplification_error(ds: Dataset) -> list[Problem]:
    """Each level of detail stays below one pixel of the scale it is made for."""
    return [
        Problem(
            "simplification",
            "gemeinde",
            None,
            f"Abweichung {r['hausdorff_max_m']} m > 1 Pixel ({r['pixel_m']} m) ({lod})",
        )
        for lod, r in simplification_report(ds).items()
        if r["hausdorff_max_m"] > r["pixel_m"]
    ]


def run_all(ds: Dataset, expected: dict | None = None) -> list[Problem]:
    """All checks; ``expected`` may give ``counts`` per level and the official ``area_km2``."""
    expected = expected or {}
    return [
        *check_keys(ds, expected.get("counts")),
        *check_nesting(ds),
        *check_official_parents(ds),
        *check_areas(ds, expected.get("area_km2")),
        *check_coverages(ds),
        *check_simplification_error(ds),
    ]
