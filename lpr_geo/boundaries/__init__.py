"""Official boundaries of Brandenburg: loading, building and checking the layers."""

from .dataset import bundled_dir, dataset_info, load_layer, read_dataset, read_meta
from .schema import COLUMNS, LEVEL_COLUMNS, LEVELS, LODS

__all__ = [
    "COLUMNS",
    "LEVELS",
    "LEVEL_COLUMNS",
    "LODS",
    "bundled_dir",
    "dataset_info",
    "load_layer",
    "read_dataset",
    "read_meta",
]
