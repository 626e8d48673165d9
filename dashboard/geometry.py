"""Browser-ready geometry, serialised once per level and level of detail.

The figures reference these objects; nothing here runs per request after the first call.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely

from lpr_geo.boundaries import load_layer


@lru_cache(maxsize=16)
def feature_collection(level: str, lod: str = "land") -> dict:
    """GeoJSON of one layer with only ``key`` as property (attributes travel as customdata)."""
    frame = load_layer(level, lod)[["key", "geometry"]]
    return frame.__geo_interface__ | {"bbox": None}


@lru_cache(maxsize=16)
def border_lines(level: str, lod: str = "land") -> tuple[list[float | None], list[float | None]]:
    """Shared and outer borders of a layer as one polyline (lon, lat with None breaks) for an overlay.

    Each border is drawn once (the union of the rings), so overlaid Kreis borders stay crisp.
    """
    frame = load_layer(level, lod)
    lines = shapely.line_merge(shapely.union_all(shapely.boundary(frame.geometry.values)))
    lons: list[float | None] = []
    lats: list[float | None] = []
    for part in shapely.get_parts(lines):
        coords = np.asarray(shapely.get_coordinates(part))
        lons.extend(coords[:, 0].tolist() + [None])
        lats.extend(coords[:, 1].tolist() + [None])
    return lons, lats
