"""Geometric operations on a polygonal coverage: cleaning, simplification, labels, neighbours.

All functions take and return arrays of shapely geometries in a metric CRS (metres), because
tolerances and label search are distances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely import STRtree

#: DE-9IM pattern "interiors disjoint, boundaries share a line": neighbours across a border, not a point.
_SHARED_BORDER = "F***1****"


def clean_coverage(geoms: np.ndarray) -> np.ndarray:
    """Make shared edges vertex-identical so the set is a valid coverage.

    The VG250 GeoJSON was reprojected per feature; a few shared borders (e.g. in Spree-Neiße) carry
    vertices on one side only, which ``coverage_simplify`` would then pull apart into gaps/overlaps.
    """
    cleaned = shapely.coverage_clean(geoms)
    return shapely.make_valid(cleaned)


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Topology-preserving simplification (GEOS CoverageSimplifier, Visvalingam-Whyatt).

    Neighbours keep bit-identical shared borders, so the result has no gaps or slivers.
    """
    return shapely.coverage_simplify(geoms, tolerance)


def union_groups(geoms: np.ndarray, groups: Sequence[str]) -> dict[str, shapely.Geometry]:
    """Union the members of each group; exact because the members form a coverage."""
    groups = np.asarray(groups)
    return {
        group: shapely.coverage_union_all(geoms[groups == group]) for group in dict.fromkeys(groups.tolist())
    }


def label_points(geoms: np.ndarray, tolerance: float = 10.0) -> np.ndarray:
    """Label point of each region: centre of the largest inscribed circle of its largest part.

    Unlike a centroid it always lies inside, and unlike ``point_on_surface`` it sits where a label
    has most room (e.g. not on the thin arm of an elongated Gemeinde).
    """
    points = []
    for geom in geoms:
        parts = shapely.get_parts(geom)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        radius_line = shapely.maximum_inscribed_circle(largest, tolerance)
        points.append(shapely.get_point(radius_line, 0))
    return np.array(points, dtype=object)


def shared_border_neighbours(keys: Sequence[str], geoms: np.ndarray) -> list[list[str]]:
    """For each region, the sorted keys of the regions sharing a border line with it."""
    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="touches")
    neighbours: list[set[str]] = [set() for _ in keys]
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and shapely.relate_pattern(geoms[i], geoms[j], _SHARED_BORDER):
            neighbours[i].add(keys[j])
            neighbours[j].add(keys[i])
    return [sorted(n) for n in neighbours]


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Snap geographic coordinates to a grid of 10^-decimals degrees, keeping polygons valid.

    Shared vertices round identically on both sides, so a coverage stays a coverage.
    """
    return shapely.set_precision(geoms, 10.0**-decimals)
