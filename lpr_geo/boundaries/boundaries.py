"""One boundary dataset, opened: its layers, metadata and what is derived from them, each computed once.

Every entry point opens the active dataset once (:meth:`Boundaries.active`) and passes the object to
whatever needs boundaries: the command, the dashboard's services, the tests. The caches belong to the
object, so two datasets in one process (tests, a bench over all of Germany) never see each other's
layers, and nothing is process-wide. A dataset directory is never changed after it was written, so
nothing cached here goes stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lpr_geo.memo import Memo

from .active import active_dir
from .dataset import bundled_dir, dataset_info, read_layer, read_meta
from .schema import LEVELS, LODS

if TYPE_CHECKING:
    import geopandas as gpd

    from lpr_geo.settings import Settings

T = TypeVar("T")


class Boundaries:
    """A boundary dataset directory with its layers and derived lookups cached on the object.

    Parameters
    ----------
    directory : Path
        A dataset directory (``dataset.json`` and one GeoParquet file per level).

    Attributes
    ----------
    directory : Path
        The dataset directory, resolved.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory).resolve()
        # every level at every level of detail: 4 x 3 frames at most
        self._layers = Memo(
            lambda level, lod: read_layer(self.directory, level, lod), len(LEVELS) * len(LODS)
        )
        self._builders: dict[str, Callable[[Boundaries], object]] = {}
        self._derived: Memo = Memo(lambda name: self._builders[name](self), 16)

    @classmethod
    def active(cls, settings: Settings) -> Boundaries:
        """The active dataset of an installation: the last one imported, else the bundled one."""
        return cls(active_dir(settings))

    @classmethod
    def bundled(cls) -> Boundaries:
        """The dataset shipped with the package (BKG VG250 01.01.2016, Brandenburg)."""
        return cls(bundled_dir())

    def __repr__(self) -> str:
        return f"Boundaries({str(self.directory)!r})"

    @cached_property
    def meta(self) -> dict:
        """Provenance and build metadata (``dataset.json``)."""
        return read_meta(self.directory)

    @cached_property
    def token(self) -> str:
        """Short hash of the metadata: names the dataset in URLs and cache keys."""
        return hashlib.sha256(repr(sorted(self.meta.items())).encode()).hexdigest()[:12]

    def info(self) -> dict:
        """Summary as ``lpr-geo geodata info`` prints it (see :func:`lpr_geo.boundaries.dataset_info`)."""
        return self.derived("info", lambda boundaries: dataset_info(boundaries.directory, boundaries.layer))

    def layer(self, level: str, lod: str = "full") -> gpd.GeoDataFrame:
        """One layer as a GeoDataFrame; read once, a copy each call (callers may modify it).

        Parameters
        ----------
        level : {"land", "kreis", "amt", "gemeinde"}
            Administrative level.
        lod : {"full", "kreis", "land"}
            Level of detail of the geometry (see :data:`lpr_geo.boundaries.schema.LODS`).

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
        return self._layers(level, lod).copy()

    def derived(self, name: str, build: Callable[[Boundaries], T]) -> T:
        """Something computed from this dataset once (``build(self)``), kept with it under ``name``.

        The engine's layers (:func:`lpr_geo.coverage.load_layers`) and the register's name index
        (:func:`lpr_geo.register.regions.regions`) live here, so they are built once per dataset
        without this package knowing either. Concurrent first callers share one computation.
        """
        self._builders.setdefault(name, build)
        return self._derived(name)
