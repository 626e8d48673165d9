"""From official VG250 layers (BKG attribute names) to the compact layers of :mod:`.schema`.

Used by the bundled build (``geodata/build_bundled.py``) and by ``geodata import-vg250``, so both
produce the same artifacts and pass the same checks.

Only the Gemeinde layer's geometry is simplified; Ämter, Kreise and the Land are unions of their
Gemeinden at every level of detail. The levels therefore nest exactly (a Kreis border drawn over the
Gemeinden lies on Gemeinde borders), and :mod:`.checks` proves the unions match BKG's own layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import topology
from .schema import GEOGRAPHIC_CRS, LODS, METRIC_CRS, columns_of

#: Visvalingam-Whyatt tolerance in metres per level of detail (see geodata/README.md for the choice).
TOLERANCES_M: dict[str, float] = {"land": 100.0, "kreis": 20.0}
#: Decimal places of the stored coordinates per level of detail (1e-4 deg <= 11 m, 1e-6 ~ 0.1 m).
DECIMALS: dict[str, int] = {"full": 6, "kreis": 5, "land": 4}
#: BKG "Geofaktor" of land areas; other values are water surfaces (Bodensee, Haff, sea).
LAND_AREA_GF = 4
#: VG250 designations of the Verwaltungsgemeinschaft level that are associations (not amtsfrei).
_ASSOCIATIONS = ("Amt", "Verbandsgemeinde", "Verwaltungsgemeinschaft", "Gemeindeverwaltungsverband")


@dataclass
class RawVG250:
    """The four VG250 layers as published (any CRS), plus optional Kreis statistics.

    ``kreis_stats`` has columns ``key``, ``area_official_km2``, ``population``, ``population_date``.
    """

    gemeinden: gpd.GeoDataFrame
    verwaltung: gpd.GeoDataFrame
    kreise: gpd.GeoDataFrame
    laender: gpd.GeoDataFrame
    kreis_stats: pd.DataFrame | None = None


@dataclass
class Dataset:
    """Built layers (one GeoDataFrame per level, all LOD columns) and their metadata."""

    layers: dict[str, gpd.GeoDataFrame]
    meta: dict = field(default_factory=dict)
    #: BKG's own parent layers in the metric CRS, kept for the checks (not written).
    official: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)


def select_land_areas(frame: gpd.GeoDataFrame, land: str | None) -> gpd.GeoDataFrame:
    """Keep land areas (GF 4) of one Land (``SN_L``), all Länder if ``land`` is None."""
    mask = frame["GF"].astype(int) == LAND_AREA_GF
    if land is not None:
        mask &= frame["SN_L"].astype(str) == land
    return frame.loc[mask].to_crs(METRIC_CRS).reset_index(drop=True)


def _dissolve_by(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """One row per key: VG250 may split a region into several land-area features."""
    if frame[key].is_unique:
        return frame
    geoms = frame.groupby(key, sort=False).geometry.agg(shapely.union_all)
    first = frame.drop(columns="geometry").groupby(key, sort=False).first()
    return gpd.GeoDataFrame(first, geometry=geoms, crs=frame.crs).reset_index()


def build_dataset(raw: RawVG250, land: str | None = "12", meta: dict | None = None) -> Dataset:
    """Build all layers from official VG250 data.

    Parameters
    ----------
    raw : RawVG250
        Official layers with BKG attribute names (AGS, RS, GEN, BEZ, BEM, GF, SN_L).
    land : str or None
        Two-digit Land key to extract (``"12"`` Brandenburg); None keeps all of Germany.
    meta : dict, optional
        Provenance (dataset name, reference date, sources, attribution) to carry along.

    Returns
    -------
    Dataset
    """
    gem = _dissolve_by(select_land_areas(raw.gemeinden, land), "AGS")
    gem = gem.sort_values("AGS").reset_index(drop=True)
    vwg = _dissolve_by(select_land_areas(raw.verwaltung, land), "RS").set_index("RS")
    krs = _dissolve_by(select_land_areas(raw.kreise, land), "RS").set_index("RS")
    lan = _dissolve_by(select_land_areas(raw.laender, land), "RS").set_index("RS")

    geoms = topology.clean_coverage(gem.geometry.values)
    gem_keys = gem["AGS"].astype(str).to_numpy()
    kreis_of = np.array([k[:5] for k in gem_keys])
    vwg_of = gem["RS"].astype(str).str[:9].to_numpy()
    land_of = np.array([k[:2] for k in gem_keys])

    variants = {"full": geoms}
    for lod, tolerance in TOLERANCES_M.items():
        variants[lod] = topology.simplify_coverage(geoms, tolerance)

    groupings = {"gemeinde": gem_keys, "amt": vwg_of, "kreis": kreis_of, "land": land_of}
    layers = {}
    for level, groups in groupings.items():
        keys = sorted(set(groups.tolist())) if level != "gemeinde" else gem_keys.tolist()
        per_lod = {}
        for lod, arr in variants.items():
            if level == "gemeinde":
                per_lod[lod] = arr
            else:
                unions = topology.union_groups(arr, groups)
                per_lod[lod] = np.array([unions[k] for k in keys], dtype=object)
        layers[level] = _layer(level, keys, per_lod, gem, vwg, krs, lan, raw.kreis_stats)

    meta = dict(meta or {})
    meta.setdefault("land", land)
    meta["tolerances_m"] = TOLERANCES_M
    meta["decimals"] = DECIMALS
    meta["counts"] = {level: len(frame) for level, frame in layers.items()}
    official = {"amt": vwg, "kreis": krs, "land": lan}
    return Dataset(layers=layers, meta=meta, official=official)


def _layer(level, keys, per_lod, gem, vwg, krs, lan, kreis_stats) -> gpd.GeoDataFrame:
    """Assemble one level's attribute table and geometry columns."""
    full = per_lod["full"]
    attrs = pd.DataFrame({"key": keys})
    if level == "gemeinde":
        src = gem.set_index("AGS").loc[keys]
        attrs["rs"] = src["RS"].astype(str).to_numpy()
        attrs["kreis_key"] = [k[:5] for k in keys]
        verwaltung = [rs[:9] for rs in attrs["rs"]]
        attrs["verwaltung_key"] = verwaltung
        attrs["amt_key"] = [
            v if v in vwg.index and vwg.at[v, "BEZ"] in _ASSOCIATIONS else None for v in verwaltung
        ]
        attrs["kreisfrei"] = (src["BEM"] == "kreisfrei").to_numpy()
        attrs["population"] = pd.array([None] * len(keys), dtype="Int64")
        attrs["population_date"] = pd.array([None] * len(keys), dtype="string")
    else:
        src = {"amt": vwg, "kreis": krs, "land": lan}[level].reindex(keys)
        attrs["rs"] = src["RS_0"].astype("string").to_numpy()
        attrs["kreis_key"] = [k[:5] for k in keys] if level != "land" else None
    attrs["name"] = src["GEN"].astype("string").to_numpy()
    attrs["bez"] = src["BEZ"].astype("string").to_numpy()
    attrs["area_km2"] = np.round(shapely.area(full) / 1e6, 4)
    labels = gpd.GeoSeries(topology.label_points(full), crs=METRIC_CRS).to_crs(GEOGRAPHIC_CRS)
    attrs["label_lon"] = np.round(labels.x.to_numpy(), 5)
    attrs["label_lat"] = np.round(labels.y.to_numpy(), 5)
    attrs["neighbours"] = topology.shared_border_neighbours(keys, full)
    if level == "kreis":
        stats = (kreis_stats if kreis_stats is not None else pd.DataFrame(columns=["key"])).set_index("key")
        stats = stats.reindex(keys)
        attrs["area_official_km2"] = stats.get("area_official_km2", pd.Series(index=keys, dtype=float)).values
        attrs["population"] = pd.array(stats.get("population", pd.Series(index=keys)).values, dtype="Int64")
        attrs["population_date"] = pd.array(
            stats.get("population_date", pd.Series(index=keys)).values, dtype="string"
        )
    attrs = attrs[columns_of(level)]

    columns = {}
    for lod, arr in per_lod.items():
        wgs = gpd.GeoSeries(arr, crs=METRIC_CRS).to_crs(GEOGRAPHIC_CRS).to_numpy()
        rounded = topology.round_coordinates(np.asarray(wgs, dtype=object), DECIMALS[lod])
        columns[LODS[lod].column] = gpd.GeoSeries(rounded, crs=GEOGRAPHIC_CRS).values
    return gpd.GeoDataFrame(attrs.assign(**columns), geometry=LODS["full"].column, crs=GEOGRAPHIC_CRS)
