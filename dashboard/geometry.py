"""Browser-ready geometry of one boundary dataset, serialised once per level, level of detail and Kreis.

The figures reference these objects; nothing here runs per request after the first call. One
:class:`MapGeometry` per app (owned by :class:`dashboard.services.Services`), its caches bounded and its
own: another dataset is another object.
"""

from __future__ import annotations

from functools import cached_property

import geopandas as gpd
import numpy as np
import orjson
import shapely

from lpr_geo import Boundaries, Memo

#: Views kept per kind: the three levels of the whole Land and of each of 18 Kreise, with room to spare.
VIEWS = 64


class MapGeometry:
    """The map's geometry of a :class:`~lpr_geo.boundaries.Boundaries`: layers per view, GeoJSON, borders."""

    def __init__(self, boundaries: Boundaries) -> None:
        self.boundaries = boundaries
        self._regions = Memo(self._regions_uncached, VIEWS)
        self._collections = Memo(self._collection_uncached, VIEWS)
        self._geojson = Memo(lambda level, kreis: orjson.dumps(self.feature_collection(level, kreis)), VIEWS)
        self._borders = Memo(self._borders_uncached, 32)

    @property
    def token(self) -> str:
        """The dataset's token (part of geometry URLs and figure caches)."""
        return self.boundaries.token

    def regions(self, level: str, kreis: str | None = None) -> gpd.GeoDataFrame:
        """The layer to draw: the whole Land at state detail, or one Kreis at Kreis detail (not to be modified)."""
        return self._regions(level, kreis)

    def _regions_uncached(self, level: str, kreis: str | None) -> gpd.GeoDataFrame:
        if kreis is None:
            return self.boundaries.layer(level, "land")
        frame = self.boundaries.layer(level, "kreis")
        return frame[frame["kreis_key"] == kreis].reset_index(drop=True)

    @cached_property
    def kreis_names(self) -> dict[str, str]:
        """Kreis key -> name, for labels, hover texts and tables."""
        return self.boundaries.layer("kreis", "land").set_index("key")["name"].to_dict()

    @cached_property
    def kreis_population(self) -> dict[str, tuple[int, str]]:
        """Kreis key -> (population, its date) where the dataset has a Kreis figure."""
        kreise = self.boundaries.layer("kreis", "land")
        return {
            k: (int(p), str(d))
            for k, p, d in zip(kreise["key"], kreise["population"], kreise["population_date"], strict=True)
            if p == p and p is not None
        }

    def feature_collection(self, level: str, kreis: str | None = None) -> dict:
        """GeoJSON with only ``key`` as property (attributes travel as customdata)."""
        return self._collections(level, kreis)

    def _collection_uncached(self, level: str, kreis: str | None) -> dict:
        frame = self.regions(level, kreis)[["key", "geometry"]]
        return frame.__geo_interface__ | {"bbox": None}

    def geojson_bytes(self, level: str, kreis: str | None = None) -> bytes:
        """The GeoJSON of :meth:`feature_collection` serialised once (served as a static, cacheable file)."""
        return self._geojson(level, kreis)

    def border_lines(self, kreis: str | None = None) -> tuple[list[float | None], list[float | None]]:
        """Kreis borders as one polyline (lon, lat with None breaks), each border drawn once."""
        return self._borders(kreis)

    def _borders_uncached(self, kreis: str | None) -> tuple[list[float | None], list[float | None]]:
        frame = self.regions("kreis", kreis)
        lines = shapely.line_merge(shapely.union_all(shapely.boundary(frame.geometry.values)))
        lons: list[float | None] = []
        lats: list[float | None] = []
        for part in shapely.get_parts(lines):
            coords = np.asarray(shapely.get_coordinates(part))
            lons.extend(coords[:, 0].tolist() + [None])
            lats.extend(coords[:, 1].tolist() + [None])
        return lons, lats
