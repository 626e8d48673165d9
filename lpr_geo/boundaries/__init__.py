"""Official boundaries of Brandenburg: loading, building, checking and importing the layers."""

from .active import active_dir
from .dataset import (
    bundled_dir,
    dataset_info,
    default_dir,
    load_layer,
    read_dataset,
    read_meta,
    use_dataset,
)
from .schema import COLUMNS, LEVEL_COLUMNS, LEVELS, LODS

__all__ = [
    "COLUMNS",
    "LEVELS",
    "LEVEL_COLUMNS",
    "LODS",
    "active_dir",
    "bundled_dir",
    "dataset_info",
    "default_dir",
    "load_layer",
    "read_dataset",
    "read_meta",
    "use_dataset",
]
