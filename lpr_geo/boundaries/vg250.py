"""Reading the official BKG VG250 download as users get it.

Accepted: the zip as downloaded, or its unpacked folder, in the shapefile edition (``VG250_GEM.shp``,
``VG250_VWG.shp``, ``VG250_KRS.shp``, ``VG250_LAN.shp`` anywhere below) or the GeoPackage edition
(one ``.gpkg`` with layers ``vg250_gem`` etc., any case). Only the UTM 32 edition (EPSG:25832) is
accepted. Since 2019 BKG calls the Regionalschlüssel ``ARS``/``ARS_0``, before ``RS``/``RS_0``; both
are read. Every problem is raised as :class:`VG250Error` with a German message naming the file.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio
from pyproj import CRS

from .build import RawVG250

#: RawVG250 field -> VG250 layer suffix.
LAYERS: dict[str, str] = {"gemeinden": "gem", "verwaltung": "vwg", "kreise": "krs", "laender": "lan"}
#: The only CRS accepted (the "utm32s" edition).
EXPECTED_EPSG = 25832
#: Attributes the build needs, per layer (after ARS -> RS renaming).
REQUIRED = {
    "gemeinden": ("AGS", "RS", "GEN", "BEZ", "BEM", "GF", "SN_L"),
    "verwaltung": ("RS", "RS_0", "GEN", "BEZ", "GF", "SN_L"),
    "kreise": ("RS", "RS_0", "GEN", "BEZ", "GF", "SN_L"),
    "laender": ("RS", "RS_0", "GEN", "BEZ", "GF", "SN_L"),
}
_RENAMES = {"ARS": "RS", "ARS_0": "RS_0"}


class VG250Error(ValueError):
    """The download cannot be used; the message says why (German)."""


def _sources(path: Path) -> tuple[str, dict[str, str]]:
    """GDAL path of the container and, per layer, the dataset path and layer name to read."""
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        base = f"/vsizip/{path.resolve()}"
        members = [f"{base}/{name}" for name in names]
    elif path.is_dir():
        members = [str(p) for p in sorted(path.rglob("*")) if p.is_file()]
    elif path.is_file() and path.suffix.lower() == ".gpkg":
        members = [str(path)]
    elif path.exists():
        raise VG250Error(f"{path.name}: weder ZIP-Archiv noch Ordner noch GeoPackage (oder beschädigt)")
    else:
        raise VG250Error(f"{path}: Datei oder Ordner nicht gefunden")

    shapes = {PurePosixPath(m).name.lower(): m for m in members if m.lower().endswith(".shp")}
    found = {field: shapes.get(f"vg250_{suffix}.shp") for field, suffix in LAYERS.items()}
    if all(found.values()):
        return "Shapefile", {field: (source, None) for field, source in found.items()}
    packages = [m for m in members if m.lower().endswith(".gpkg")]
    for package in packages:
        try:
            layers = {name.lower(): name for name, _ in pyogrio.list_layers(package)}
        except Exception as error:  # GDAL raises several types for unreadable files
            name = PurePosixPath(package).name
            raise VG250Error(f"{path.name}: GeoPackage {name} nicht lesbar ({error})") from error
        wanted = {field: layers.get(f"vg250_{suffix}") for field, suffix in LAYERS.items()}
        if all(wanted.values()):
            return "GeoPackage", {field: (package, layer) for field, layer in wanted.items()}
    missing = ", ".join(f"VG250_{s.upper()}" for f, s in LAYERS.items() if not found[f])
    raise VG250Error(
        f"{path.name}: keine vollständigen VG250-Ebenen gefunden (es fehlen {missing}); erwartet wird der "
        "VG250-Download des BKG als Shapefile- oder GeoPackage-Ausgabe"
    )


def _read_layer(path: Path, field: str, source: str, layer: str | None, land: str) -> gpd.GeoDataFrame:
    label = f"{path.name}, Ebene {layer or PurePosixPath(source).name}"
    try:
        info = pyogrio.read_info(source, layer=layer)
    except Exception as error:
        raise VG250Error(f"{label}: nicht lesbar ({error})") from error
    crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
    if crs is None or crs.to_epsg() != EXPECTED_EPSG:
        if crs is None:
            shown = "keins"
        else:
            shown = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.name
        raise VG250Error(
            f"{label}: Koordinatenbezugssystem {shown}; erwartet wird EPSG:{EXPECTED_EPSG} (ETRS89 / UTM "
            "Zone 32N, Ausgabe »utm32s«)"
        )
    columns = {_RENAMES.get(name.upper(), name.upper()): name for name in info["fields"]}
    missing = [name for name in REQUIRED[field] if name not in columns]
    if missing:
        raise VG250Error(f"{label}: Attribute fehlen: {', '.join(missing)}")
    try:
        frame = pyogrio.read_dataframe(source, layer=layer, where=f"{columns['SN_L']} = '{land}'")
    except Exception as error:
        raise VG250Error(f"{label}: nicht lesbar ({error})") from error
    frame = frame.rename(columns={original: name for name, original in columns.items()})
    if frame.empty:
        raise VG250Error(f"{label}: keine Gebiete des Landes {land} (SN_L = {land}) enthalten")
    for name in ("AGS", "RS", "RS_0", "SN_L"):
        if name in frame:
            frame[name] = frame[name].astype(str)
    return frame


def read_vg250(path: Path, land: str = "12") -> tuple[RawVG250, str]:
    """Read the four VG250 layers of one Land from a BKG download.

    Parameters
    ----------
    path : Path
        The zip as downloaded, its unpacked folder, or a GeoPackage.
    land : str
        Two-digit key of the Land to keep (features of other Länder are not read).

    Returns
    -------
    (RawVG250, str)
        The layers (EPSG:25832, BKG attribute names with ``RS``/``RS_0``) and the edition read
        (``"Shapefile"`` or ``"GeoPackage"``).

    Raises
    ------
    VG250Error
        If the file is missing, unreadable, incomplete, in another CRS or holds nothing of the Land.
    """
    path = Path(path)
    edition, sources = _sources(path)
    frames = {field: _read_layer(path, field, src, layer, land) for field, (src, layer) in sources.items()}
    return RawVG250(**frames), edition


def reference_date_from_name(path: Path) -> dt.date | None:
    """The reference date a download's name states, if it states one with the year.

    BKG names downloads like ``vg250_01-01.utm32s.shape.ebenen.zip`` (day and month only, the year is
    not in the name), so a full date (``2024-01-01``, ``01.01.2024``, ``vg250_01-01_2024``) is looked
    for in the name; without a year the caller must ask for ``--stand``.
    """
    name = Path(path).name
    if match := re.search(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", name):
        year, month, day = match.groups()
    elif match := re.search(r"(\d\d)\.(\d\d)\.((?:19|20)\d\d)", name):
        day, month, year = match.groups()
    elif (match := re.search(r"(\d\d)-(\d\d)", name)) and (found := re.search(r"(?:19|20)\d\d", name)):
        day, month = match.groups()
        year = found.group()
    else:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
