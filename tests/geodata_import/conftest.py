"""Fixtures in the official layouts: BKG VG250 downloads (shapefile, zip, GeoPackage) and GV-ISys xlsx.

The geometry comes from real Gemeinden of the bundled dataset (its ``land`` level of detail, which keeps
the fixtures small), projected to EPSG:25832 and written with BKG's attribute names; the Amt, Kreis and
Land layers are dissolved from them, as BKG's own layers nest. The "newer" release merges Gröden and
Großthiemig into a new Gemeinde "Großthiemig-Gröden" (AGS 12062600).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from lpr_geo.boundaries import load_layer

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))

#: Amt Plessa (4), Amt Schradenland (4), Elsterwerda (Elbe-Elster) and Prenzlau (Uckermark), which
#: stretches the extent so that each level of detail is judged on a Land-sized map, as in reality.
BASE_KEYS = [
    "12062124",  # Elsterwerda
    "12062177",  # Gorden-Staupitz
    "12062240",  # Hohenleipisch
    "12062372",  # Plessa
    "12062464",  # Schraden
    "12062196",  # Gröden
    "12062208",  # Großthiemig
    "12062232",  # Hirschfeld
    "12062336",  # Merzdorf
    "12073452",  # Prenzlau
]
GROEDEN, GROSSTHIEMIG, MERGED = "12062196", "12062208", "12062600"
PLESSA = "12062372"
STAND = "2024-01-01"
EPSG = 25832


def base_gemeinden() -> gpd.GeoDataFrame:
    """The fixture Gemeinden in the boundary schema (EPSG:4326)."""
    frame = load_layer("gemeinde", "land")
    return frame[frame["key"].isin(BASE_KEYS)].reset_index(drop=True)


def merged_gemeinden() -> gpd.GeoDataFrame:
    """The newer release: Gröden and Großthiemig merged into Großthiemig-Gröden (new AGS)."""
    frame = base_gemeinden()
    parts = frame["key"].isin([GROEDEN, GROSSTHIEMIG])
    merged = frame[frame["key"] == GROSSTHIEMIG].copy()
    merged["key"] = MERGED
    merged["rs"] = "120625211600"
    merged["name"] = "Großthiemig-Gröden"
    merged["geometry"] = [shapely.union_all(frame.loc[parts, "geometry"].values)]
    return pd.concat([frame[~parts], merged], ignore_index=True)


def _common(frame: pd.DataFrame, ars: pd.Series, land: str) -> dict:
    return {
        "ADE": 6,
        "GF": 4,
        "BSG": 1,
        "ARS": ars.to_numpy(),
        "AGS": ars.str[:5].to_numpy(),
        "SN_L": land,
        "ARS_0": ars.str.ljust(12, "0").to_numpy(),
    }


def vg250_layers(
    gemeinden: gpd.GeoDataFrame, land: str = "12", crs: int = EPSG
) -> dict[str, gpd.GeoDataFrame]:
    """The four VG250 layers (upper-case names as in the shapefile edition) for some Gemeinden."""
    gem = gemeinden.to_crs(crs) if crs != 4326 else gemeinden
    ars = gem["rs"].str.replace("12", land, n=1) if land != "12" else gem["rs"]
    ags = ars.str[:5] + ars.str[9:]
    layers = {}
    attrs = pd.DataFrame(_common(gem, ars, land))
    attrs["AGS"] = ags.to_numpy()
    attrs["GEN"] = gem["name"].to_numpy()
    attrs["BEZ"] = gem["bez"].to_numpy()
    attrs["BEM"] = "--"
    attrs["SN_K"] = ars.str[3:5].to_numpy()
    attrs["SN_G"] = ars.str[9:].to_numpy()
    layers["VG250_GEM"] = gpd.GeoDataFrame(attrs, geometry=gem.geometry.values, crs=gem.crs)

    amt = load_layer("amt", "land").set_index("key")
    groups = {
        "VG250_VWG": (
            ars.str[:9],
            lambda k: amt.at[land_key(k), "name"],
            lambda k: amt.at[land_key(k), "bez"],
        ),
        "VG250_KRS": (ars.str[:5], lambda k: KREISE[k[2:]], lambda k: "Landkreis"),
        "VG250_LAN": (ars.str[:2], lambda k: "Brandenburg" if land == "12" else "Sachsen", lambda k: "Land"),
    }
    for name, (keys, gen, bez) in groups.items():
        geoms = gem.geometry.groupby(keys.to_numpy()).agg(shapely.union_all)
        keys_ = pd.Series(geoms.index, dtype=str)
        attrs = pd.DataFrame(_common(gem, keys_, land))
        attrs["GEN"] = [gen(k) for k in keys_]
        attrs["BEZ"] = [bez(k) for k in keys_]
        layers[name] = gpd.GeoDataFrame(attrs, geometry=geoms.to_numpy(), crs=gem.crs)
    return layers


def land_key(key: str) -> str:
    """The Brandenburg key of a (possibly relabelled) Amt key."""
    return "12" + key[2:]


KREISE = {"062": "Elbe-Elster", "073": "Uckermark"}


def write_shapes(target: Path, gemeinden: gpd.GeoDataFrame, **kwargs) -> Path:
    """A folder as BKG ships the shapefile edition (nested ``vg250_ebenen_0101``)."""
    inner = target / "vg250_ebenen_0101"
    inner.mkdir(parents=True)
    for name, frame in vg250_layers(gemeinden, **kwargs).items():
        frame.to_file(inner / f"{name}.shp", engine="pyogrio", encoding="UTF-8")
    return target


def zip_folder(folder: Path, target: Path) -> Path:
    """Zip a folder with the folder itself as the top entry, like the BKG download."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder.parent))
    return target


def write_geopackage(target: Path, gemeinden: gpd.GeoDataFrame) -> Path:
    """The GeoPackage edition: one file, lower-case layer names ``vg250_gem`` ..."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for name, frame in vg250_layers(gemeinden).items():
        frame.to_file(target, layer=name.lower(), driver="GPKG", engine="pyogrio")
    return target


# --- GV-ISys ------------------------------------------------------------------------------------------

GV_HEADINGS = [
    ["Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)", None, None, None, None,
     "Gemeindename", "Fläche km²  2)", "Bevölkerung 3)", None, None, None, "Post-leit-zahl 4)"],
    [None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt", "männlich", "weiblich",
     "je km²", None],
    list(range(1, 15)),
]  # fmt: skip


def population_rows(gemeinden: gpd.GeoDataFrame) -> list[list]:
    """Data rows as in the extract: Land, Kreis, Gemeindeverband and Gemeinde rows, other Länder too."""
    rows = [
        ["10", None, "12", None, None, None, None, "Brandenburg", 29654.35, 2573135, None, None, 87, None]
    ]
    rows.append(["40", "41", "12", "0", "62", None, None, "Elbe-Elster", 1899.5, 97983, None, None, 52, None])
    for i, r in enumerate(gemeinden.sort_values("key").itertuples()):
        total = 1000 + 100 * i
        rows.append(
            ["50", "63", "12", "0", r.key[3:5], r.rs[5:9], None, f"Amt {r.name}", None, None] + [None] * 4
        )
        rows.append(
            ["60", "63", "12", "0", r.key[3:5], r.rs[5:9], r.key[5:], f"{r.name}, Stadt", 10.5, total,
             total // 2, total - total // 2, 100, "04910"]
        )  # fmt: skip
    rows.append(["60", "64", "12", "0", "62", "5211", "999", "Neuort", 1.0, 77, 40, 37, 77, "04932"])
    rows.append(
        ["60", "61", "14", "6", "27", "0010", "010", "Großenhain, Stadt", 130.0, 18000, 0, 0, 1, "01558"]
    )
    return rows


def write_gv_isys(path: Path, rows: list[list], title: str | None = None) -> Path:
    """``Auszug_GV.xlsx`` in the published layout: a cover sheet, then the data sheet with header rows."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Deckblatt"
    cover["A1"] = "Statistisches Bundesamt – Gemeindeverzeichnis-Informationssystem GV-ISys"
    sheet = book.create_sheet("Onlineprodukt_Gemeinden")
    sheet["A1"] = "Gemeindeverzeichnis-Informationssystem GV-ISys"
    sheet["A2"] = title or (
        "Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen am 31.12.2023 (4. Quartal 2023)"
    )
    for offset, heading in enumerate(GV_HEADINGS):
        for column, value in enumerate(heading, 1):
            sheet.cell(row=4 + offset, column=column, value=value)
    sheet.merge_cells("C4:G4")
    sheet.merge_cells("J4:M4")
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, 1):
            sheet.cell(row=7 + offset, column=column, value=value)
    book.save(path)
    return path


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def downloads(tmp_path_factory) -> dict[str, Path]:
    """Every fixture download, written once per session."""
    root = tmp_path_factory.mktemp("downloads")
    base, newer = base_gemeinden(), merged_gemeinden()
    paths = {
        "base": write_shapes(root / f"vg250_{STAND}.utm32s.shape.ebenen", base),
        "newer": write_shapes(root / "vg250_2025-01-01.utm32s.shape.ebenen", newer),
        "wrong_crs": write_shapes(root / "vg250_2024-01-01.gk3.shape.ebenen", base, crs=4326),
        "wrong_land": write_shapes(root / "vg250_2024-01-01.sachsen", base, land="14"),
    }
    paths["zip"] = zip_folder(paths["base"], root / "vg250_01-01.utm32s.shape.ebenen.zip")
    package = write_geopackage(root / "gpkg" / "vg250_2024-01-01.utm32s.gpkg.ebenen" / "DE_VG250.gpkg", base)
    paths["gpkg_zip"] = zip_folder(package.parent, root / "vg250_2024-01-01.utm32s.gpkg.ebenen.zip")
    paths["gpkg"] = package
    corrupt = root / "vg250_2024-01-01.kaputt.zip"
    corrupt.write_bytes(paths["zip"].read_bytes()[:2000])
    paths["corrupt"] = corrupt
    truncated = root / "vg250_2024-01-01.abgeschnitten"
    shutil.copytree(paths["base"], truncated)
    shp = truncated / "vg250_ebenen_0101" / "VG250_GEM.shp"
    shp.write_bytes(shp.read_bytes()[:300])
    paths["truncated"] = truncated
    paths["population"] = write_gv_isys(root / "Auszug_GV.xlsx", population_rows(base))
    return paths


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """Environment of a fresh installation: own data directory and SQLite register."""
    return {
        "LPR_GEO_DATA_DIR": str(tmp_path / "data"),
        "LPR_GEO_DB": f"sqlite:///{tmp_path / 'register.sqlite'}",
    }


@pytest.fixture(scope="session")
def installed(downloads, tmp_path_factory) -> Path:
    """A data directory in which the base fixture release was imported (copied by ``env_base``)."""
    data = tmp_path_factory.mktemp("installed") / "data"
    result = run("geodata", "import-vg250", str(downloads["base"]), env={"LPR_GEO_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    return data


@pytest.fixture
def env_base(env, installed) -> dict[str, str]:
    """Like ``env``, with the base fixture release already imported and active."""
    shutil.copytree(installed, env["LPR_GEO_DATA_DIR"])
    return env


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``lpr-geo`` as a user would, in its own process."""
    return subprocess.run(
        [LPR_GEO, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env}, check=False
    )
