"""Official boundaries of Brandenburg: loading, building, checking and importing the layers.

An application opens the active dataset once as a :class:`Boundaries` (``Boundaries.active(settings)``)
and passes it on; the functions below read files directly (the bundled dataset unless told otherwise).
"""

from .active import active_dir
from .boundaries import Boundaries
from .dataset import (
    bundled_dir,
    dataset_info,
    load_layer,
    read_dataset,
    read_meta,
)
from .schema import COLUMNS, LEVEL_COLUMNS, LEVELS, LODS

__all__ = [
    "COLUMNS",
    "LEVELS",
    "LEVEL_COLUMNS",
    "LODS",
    "Boundaries",
    "active_dir",
    "bundled_dir",
    "dataset_info",
    "load_layer",
    "read_dataset",
    "read_meta",
]
