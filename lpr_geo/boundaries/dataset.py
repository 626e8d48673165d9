"""Reading and writing a boundary dataset directory; which dataset is the process default.

A dataset directory holds ``dataset.json`` (provenance, tolerances, counts) and one GeoParquet file per
level (``land``, ``kreis``, ``amt``, ``gemeinde``) with one geometry column per level of detail.
GeoParquet because it is compact (WKB + columnar compression), loads in milliseconds through Arrow,
stores list columns (neighbours) natively and keeps several geometry columns in one file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import geopandas as gpd

from .build import Dataset
from .schema import LEVELS, LODS, columns_of

#: Name of the dataset shipped with the package (built by geodata/build_bundled.py).
BUNDLED_NAME = "vg250-2016-bb"
META_FILE = "dataset.json"

# The dataset used when a function gets no directory. Set once per process by the entry point
# (``use_dataset``); dataset directories are never changed after they are written, so caches keyed by
# directory stay valid and a new default needs no cache invalidation.
_default: Path | None = None


def bundled_dir() -> Path:
    """Directory of the bundled dataset (BKG VG250 01.01.2016, Brandenburg)."""
    return Path(str(resources.files("geodata") / BUNDLED_NAME))


def use_dataset(directory: Path | None) -> None:
    """Make ``directory`` the dataset every loader uses when it is called without one.

    Entry points call this once at start with :func:`lpr_geo.boundaries.active_dir`; ``None``
    restores the bundled dataset.

    Parameters
    ----------
    directory : Path or None
        A dataset directory as written by :func:`write_dataset`.
    """
    global _default
    _default = Path(directory).resolve() if directory is not None else None


def default_dir() -> Path:
    """The dataset directory used when none is given (see :func:`use_dataset`), else the bundled one."""
    return _default if _default is not None else bundled_dir()


def write_dataset(dataset: Dataset, directory: Path) -> None:
    """Write all layers and ``dataset.json`` into ``directory`` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    for level, frame in dataset.layers.items():
        frame.to_parquet(
            directory / f"{level}.parquet", compression="zstd", index=False, write_covering_bbox=False
        )
    (directory / META_FILE).write_text(
        json.dumps(dataset.meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_dataset(directory: Path | None = None) -> Dataset:
    """All layers of a dataset with every level-of-detail column, e.g. to run the checks again."""
    directory = Path(directory) if directory is not None else default_dir()
    layers = {level: gpd.read_parquet(directory / f"{level}.parquet") for level in LEVELS}
    return Dataset(layers=layers, meta=read_meta(directory))


def read_meta(directory: Path) -> dict:
    """The provenance and build metadata of a dataset."""
    return json.loads((Path(directory) / META_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def _read_layer(directory: str, level: str, lod: str) -> gpd.GeoDataFrame:
    column = LODS[lod].column
    frame = gpd.read_parquet(Path(directory) / f"{level}.parquet", columns=[*columns_of(level), column])
    frame = frame.set_geometry(column)
    return frame if column == "geometry" else frame.rename_geometry("geometry")


def load_layer(level: str, lod: str = "full", directory: Path | None = None) -> gpd.GeoDataFrame:
    """Load one boundary layer as a GeoDataFrame.

    Parameters
    ----------
    level : {"land", "kreis", "amt", "gemeinde"}
        Administrative level.
    lod : {"full", "kreis", "land"}
        Level of detail of the geometry (see :data:`lpr_geo.boundaries.schema.LODS`).
    directory : Path, optional
        Dataset directory; the process default (:func:`default_dir`) if omitted.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns as documented in :mod:`lpr_geo.boundaries.schema`, geometry column ``geometry`` in
        EPSG:4326, one row per region sorted by key. A copy: callers may modify it.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {sorted(LEVELS)}")
    if lod not in LODS:
        raise ValueError(f"unknown level of detail {lod!r}; expected one of {sorted(LODS)}")
    directory = Path(directory) if directory is not None else default_dir()
    return _read_layer(str(directory.resolve()), level, lod).copy()


def dataset_info(directory: Path | None = None) -> dict:
    """Summary for ``lpr-geo geodata info``.

    Parameters
    ----------
    directory : Path, optional
        Dataset directory; the process default (:func:`default_dir`) if omitted.

    Returns
    -------
    dict
        ``dataset`` (name), ``reference_date``, ``attribution``, ``directory``, ``counts`` per level and
        ``population``: which level the population figures are for (``"gemeinde"`` once imported,
        else ``"kreis"``, or None), their reference date and how many Gemeinden have a figure.
    """
    directory = Path(directory) if directory is not None else default_dir()
    meta = read_meta(directory)
    return {
        "dataset": meta["name"],
        "reference_date": meta["reference_date"],
        "attribution": meta["attribution"],
        "directory": str(directory),
        "counts": {level: len(load_layer(level, "land", directory)) for level in LEVELS},
        "population": population_info(directory),
    }


def population_info(directory: Path | None = None) -> dict:
    """Level, reference date and Gemeinde coverage of the population figures of a dataset."""
    gemeinden = load_layer("gemeinde", "land", directory)
    kreise = load_layer("kreis", "land", directory)
    with_figure = int(gemeinden["population"].notna().sum())
    if with_figure:
        level, dates = "gemeinde", gemeinden["population_date"]
    elif kreise["population"].notna().any():
        level, dates = "kreis", kreise["population_date"]
    else:
        return {"level": None, "date": None, "gemeinden_with_figure": 0}
    return {
        "level": level,
        "date": dates.dropna().max(),
        "gemeinden_with_figure": with_figure,
    }
