"""Imported datasets and which one is active.

Imported datasets live in ``<data_dir>/geodata/<name>/``, one directory per dataset version. The text
file ``<data_dir>/geodata/ACTIVE`` names the active one; without it (or if it names a directory that
is gone) the bundled dataset is active. A directory is complete before the pointer names it and is
never changed afterwards: an import or a population update writes a new directory and then replaces
the pointer atomically, so a crash leaves either the old or the new dataset active, never half of one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from lpr_geo.settings import Settings

from .build import Dataset
from .dataset import META_FILE, bundled_dir, write_dataset

POINTER_FILE = "ACTIVE"


def geodata_dir(settings: Settings) -> Path:
    """Directory holding the imported datasets of an installation."""
    return Path(settings.data_dir) / "geodata"


def active_dir(settings: Settings) -> Path:
    """The active dataset directory: the imported one the pointer names, else the bundled dataset.

    Parameters
    ----------
    settings : Settings
        Resolved settings; ``settings.data_dir`` holds the imported datasets.

    Returns
    -------
    Path
    """
    root = geodata_dir(settings)
    pointer = root / POINTER_FILE
    if pointer.is_file():
        candidate = root / pointer.read_text(encoding="utf-8").strip()
        if (candidate / META_FILE).is_file():
            return candidate
    return bundled_dir()


def slug(text: str) -> str:
    """A directory name from a dataset name: lower case ASCII letters, digits and hyphens."""
    text = text.casefold().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-") or "datensatz"


def store_dataset(dataset: Dataset, settings: Settings, name: str) -> Path:
    """Write a dataset into a new directory under :func:`geodata_dir` (not yet active).

    Parameters
    ----------
    dataset : Dataset
        Checked dataset to store.
    settings : Settings
        Where imported datasets live.
    name : str
        Base name of the directory; ``-2``, ``-3``, ... is appended if it exists already.

    Returns
    -------
    Path
        The new directory, complete.
    """
    root = geodata_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        write_dataset(dataset, staging)
        base, number = slug(name), 1
        while True:
            target = root / (base if number == 1 else f"{base}-{number}")
            try:
                staging.rename(target)
                return target
            except OSError:
                if not target.exists():
                    raise
                number += 1
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def activate(directory: Path, settings: Settings) -> None:
    """Make a stored dataset directory the active one (atomic replacement of the pointer file)."""
    root = geodata_dir(settings)
    directory = Path(directory)
    if directory.parent.resolve() != root.resolve() or not (directory / META_FILE).is_file():
        raise ValueError(f"{directory} ist kein gespeicherter Datensatz unter {root}")
    temporary = root / f".{POINTER_FILE}.{os.getpid()}"
    temporary.write_text(directory.name + "\n", encoding="utf-8")
    os.replace(temporary, root / POINTER_FILE)
