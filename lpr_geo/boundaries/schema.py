"""The stable schema of the boundary layers: levels, levels of detail and columns.

Every layer is one GeoParquet file per level in a dataset directory. Its attribute columns are listed
in :data:`COLUMNS`; its geometry exists at several levels of detail (:data:`LODS`), one geometry column
each, all in WGS84 (EPSG:4326) for the browser. Areas are computed in EPSG:25833 (ETRS89 / UTM 33N,
the official projected CRS of Brandenburg) on the full-detail geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

#: CRS of all geometry columns (what the browser and GeoJSON expect).
GEOGRAPHIC_CRS = "EPSG:4326"
#: Equal-distance/area-faithful CRS for Brandenburg: areas, distances, simplification.
METRIC_CRS = "EPSG:25833"


@dataclass(frozen=True)
class Level:
    """One administrative level and the length of its key."""

    name: str
    key_length: int
    label: str  # German, plural, as the UI shows it


LAND = Level("land", 2, "Land")
KREIS = Level("kreis", 5, "Kreise")
AMT = Level("amt", 9, "Ämter und amtsfreie Gemeinden")
GEMEINDE = Level("gemeinde", 8, "Gemeinden")

#: From coarse to fine. ``amt`` is BKG's "Verwaltungsgemeinschaft" level: Ämter (since 2020 also
#: Verbandsgemeinden and mitverwaltende Gemeinden) and amtsfreie Gemeinden; its key is the 9-digit
#: prefix of the Regionalschlüssel.
LEVELS: dict[str, Level] = {lvl.name: lvl for lvl in (LAND, KREIS, AMT, GEMEINDE)}


@dataclass(frozen=True)
class LevelOfDetail:
    """A simplification of the geometry for one display scale."""

    name: str
    column: str
    purpose: str


LODS: dict[str, LevelOfDetail] = {
    lod.name: lod
    for lod in (
        LevelOfDetail("full", "geometry", "as published by BKG (1:250,000), cleaned to an exact coverage"),
        LevelOfDetail("kreis", "geometry_kreis", "one Kreis filling the map (~1000 px over ~70 km)"),
        LevelOfDetail("land", "geometry_land", "the whole Land filling the map (~1000 px over ~240 km)"),
    )
}

#: Attribute columns common to every layer, with their meaning.
COLUMNS: dict[str, str] = {
    "key": "official key of the region: Land 2, Kreis 5, Amt 9, Gemeinde 8 digits (AGS)",
    "rs": "12-digit Regionalschlüssel (RS) as published by BKG",
    "name": "geographical name (BKG GEN), e.g. 'Elsterwerda'",
    "bez": "BKG designation: Land, Landkreis, Kreisfreie Stadt, Amt, Amtsfreie Gemeinde, Stadt, Gemeinde",
    "kreis_key": "5-digit key of the Kreis the region lies in (null for the Land)",
    "area_km2": "area in km², computed in EPSG:25833 on the full-detail geometry",
    "label_lon": "longitude of the label point (centre of the largest inscribed circle, inside the polygon)",
    "label_lat": "latitude of the label point",
    "neighbours": "keys of the regions of the same level sharing a border line (not just a point)",
}

#: Extra columns per level.
LEVEL_COLUMNS: dict[str, dict[str, str]] = {
    "kreis": {
        "area_official_km2": "area per Destatis (landkreise-deutschland, 31.12.2018)",
        "population": "population per Destatis",
        "population_date": "reference date of population (ISO date)",
    },
    "amt": {},
    "gemeinde": {
        "amt_key": "9-digit key of the Amt the Gemeinde belongs to, null if amtsfrei",
        "verwaltung_key": "9-digit key of its administration unit (its Amt, or itself if amtsfrei)",
        "kreisfrei": "true for the four kreisfreie Städte",
        "population": "population if imported (GV-ISys), else null",
        "population_date": "reference date of population (ISO date), null if not imported",
    },
    "land": {},
}


def columns_of(level: str) -> list[str]:
    """Attribute column names of one level, in file order."""
    return [*COLUMNS, *LEVEL_COLUMNS[level]]
