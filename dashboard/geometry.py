"""Browser-ready geometry, serialised once per level, level of detail and Kreis.

The figures reference these objects; nothing here runs per request after the first call.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import orjson
import shapely

from lpr_geo.boundaries import load_layer


@lru_cache(maxsize=64)
def regions(level: str, kreis: str | None = None):
    """The layer to draw: the whole Land at state detail, or one Kreis at Kreis detail."""
    if kreis is None:
        return load_layer(level, "land")
    frame = load_layer(level, "kreis")
    return frame[frame["kreis_key"] == kreis].reset_index(drop=True)


@lru_cache(maxsize=1)
def kreis_names() -> dict[str, str]:
    """Kreis key -> name, for labels, hover texts and tables."""
    return load_layer("kreis", "land").set_index("key")["name"].to_dict()


@lru_cache(maxsize=64)
def feature_collection(level: str, kreis: str | None = None) -> dict:
    """GeoJSON with only ``key`` as property (attributes travel as customdata)."""
    frame = regions(level, kreis)[["key", "geometry"]]
    return frame.__geo_interface__ | {"bbox": None}


@lru_cache(maxsize=64)
def geojson_bytes(level: str, kreis: str | None = None) -> bytes:
    """The GeoJSON of :func:`feature_collection` serialised once (served as a static, cacheable file)."""
    return orjson.dumps(feature_collection(level, kreis))


@lru_cache(maxsize=8)
def border_lines(kreis: str | None = None) -> tuple[list[float | None], list[float | None]]:
    """Kreis borders as one polyline (lon, lat with None breaks), each border drawn once."""
    frame = regions("kreis", kreis)
    lines = shapely.line_merge(shapely.union_all(shapely.boundary(frame.geometry.values)))
    lons: list[float | None] = []
    lats: list[float | None] = []
    for part in shapely.get_parts(lines):
        coords = np.asarray(shapely.get_coordinates(part))
        lons.extend(coords[:, 0].tolist() + [None])
        lats.extend(coords[:, 1].tolist() + [None])
    return lons, lats
