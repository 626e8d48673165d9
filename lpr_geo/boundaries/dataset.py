"""Reading and writing a boundary dataset directory.

A dataset directory holds ``dataset.json`` (provenance, tolerances, counts) and one GeoParquet file per
level (``land``, ``kreis``, ``amt``, ``gemeinde``) with one geometry column per level of detail.
GeoParquet because it is compact (WKB + columnar compression), loads in milliseconds through Arrow,
stores list columns (neighbours) natively and keeps several geometry columns in one file.

The functions here read files each time they are called; :class:`lpr_geo.boundaries.Boundaries` is the
opened dataset that keeps what it read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import geopandas as gpd

from .build import Dataset
from .schema import LEVELS, LODS, columns_of

#: Name of the dataset shipped with the package (built by geodata/build_bundled.py).
BUNDLED_NAME = "vg250-2016-bb"
META_FILE = "dataset.json"


def bundled_dir() -> Path:
    """Directory of the bundled dataset (BKG VG250 01.01.2016, Brandenburg)."""
    return Path(str(resources.files("geodata") / BUNDLED_NAME))


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
    """All layers of a dataset with every level-of-detail column, e.g. to run the checks again.

    ``directory`` defaults to the bundled dataset.
    """
    directory = Path(directory) if directory is not None else bundled_dir()
    layers = {level: gpd.read_parquet(directory / f"{level}.parquet") for level in LEVELS}
    return Dataset(layers=layers, meta=read_meta(directory))


def read_meta(directory: Path) -> dict:
    """The provenance and build metadata of a dataset."""
    return json.loads((Path(directory) / META_FILE).read_text(encoding="utf-8"))


def read_layer(directory: Path, level: str, lod: str) -> gpd.GeoDataFrame:
    """One layer at one level of detail, read from its file (see :func:`load_layer`)."""
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
        Dataset directory; the bundled dataset if omitted. Read from the file on every call: an
        application keeps an opened :class:`lpr_geo.boundaries.Boundaries` instead.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns as documented in :mod:`lpr_geo.boundaries.schema`, geometry column ``geometry`` in
        EPSG:4326, one row per region sorted by key.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {sorted(LEVELS)}")
    if lod not in LODS:
        raise ValueError(f"unknown level of detail {lod!r}; expected one of {sorted(LODS)}")
    return read_layer(Path(directory) if directory is not None else bundled_dir(), level, lod)


def dataset_info(
    directory: Path | None = None, layer: Callable[[str, str], gpd.GeoDataFrame] | None = None
) -> dict:
    """Summary for ``lpr-geo geodata info``.

    Parameters
    ----------
    directory : Path, optional
        Dataset directory; the bundled dataset if omitted.
    layer : callable, optional
        ``layer(level, lod)`` of that directory, e.g. :meth:`lpr_geo.boundaries.Boundaries.layer`, which
        keeps what it read; by default each layer is read from its file.

    Returns
    -------
    dict
        ``dataset`` (name), ``reference_date``, ``attribution``, ``directory``, ``counts`` per level and
        ``population``: which level the population figures are for (``"gemeinde"`` once imported,
        else ``"kreis"``, or None), their reference date and how many Gemeinden have a figure.
    """
    directory = Path(directory) if directory is not None else bundled_dir()
    layer = layer or (lambda level, lod: read_layer(directory, level, lod))
    meta = read_meta(directory)
    return {
        "dataset": meta["name"],
        "reference_date": meta["reference_date"],
        "attribution": meta["attribution"],
        "directory": str(directory),
        "counts": {level: len(layer(level, "land")) for level in LEVELS},
        "population": _population_info(layer("gemeinde", "land"), layer("kreis", "land")),
    }


def _population_info(gemeinden: gpd.GeoDataFrame, kreise: gpd.GeoDataFrame) -> dict:
    """Level, reference date and Gemeinde coverage of the population figures of a dataset."""
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
