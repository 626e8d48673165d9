"""Preparing a newer VG250 release as a dataset: read, build, check, compare with the active one.

Nothing here writes or activates anything; :mod:`.active` stores and activates a prepared dataset
once the caller (``lpr-geo geodata import-vg250``) has also settled the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely

from . import checks
from .build import Dataset, build_dataset
from .dataset import read_dataset
from .succession import KeyChange, key_changes
from .vg250 import VG250Error, read_vg250, reference_date_from_name

LAND = "12"


@dataclass
class VG250Import:
    """A built dataset from a VG250 download, its check results and its key changes."""

    source: Path
    edition: str
    reference_date: dt.date
    dataset: Dataset
    problems: list[checks.Problem]
    changes: list[KeyChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if every check passed (the dataset may be activated)."""
        return not self.problems

    @property
    def directory_name(self) -> str:
        """Base name of the directory the dataset is stored in."""
        return f"vg250-{self.reference_date.isoformat()}-bb"

    def text(self) -> str:
        """German report: source, counts, then the failed checks, or else the key changes."""
        counts = self.dataset.meta["counts"]
        lines = [
            f"{self.source.name} ({self.edition}, Stand {self.reference_date:%d.%m.%Y}): "
            f"{counts['gemeinde']} Gemeinden, {counts['amt']} Ämter und amtsfreie Gemeinden, "
            f"{counts['kreis']} Kreise"
        ]
        if self.problems:
            # keys are compared only for a dataset that passed: there is nothing to say about them
            n = len(self.problems)
            lines.append(f"{n} {'Prüfung' if n == 1 else 'Prüfungen'} fehlgeschlagen:")
            lines.extend(f"  {problem}" for problem in self.problems)
            return "\n".join(lines)
        if self.changes:
            lines.append("Änderungen der Schlüssel gegenüber dem aktiven Datensatz:")
            lines.extend(f"  {change.text()}" for change in self.changes)
        else:
            lines.append("Keine Änderungen der Schlüssel gegenüber dem aktiven Datensatz.")
        return "\n".join(lines)


def _kreis_population(active: Dataset) -> pd.DataFrame:
    """Kreis population of the active dataset, carried over (Kreis keys outlive releases)."""
    kreise = active.layers["kreis"]
    return pd.DataFrame(
        {
            "key": kreise["key"],
            "population": kreise["population"],
            "population_date": kreise["population_date"],
        }
    ).dropna(subset=["population"])


def _meta(active: Dataset, reference_date: dt.date, source: Path, edition: str, carried: bool) -> dict:
    attribution = f"© GeoBasis-DE / BKG {reference_date.year} (Daten verändert)"
    sources = [
        {"content": f"BKG VG250 {reference_date:%d.%m.%Y}, {edition}, EPSG:25832", "file": source.name}
    ]
    if carried:
        previous = active.meta["attribution"].split("; ", 1)
        if len(previous) == 2:
            attribution += f"; {previous[1]}"
        sources.append({"content": "Einwohner der Kreise übernommen aus", "dataset": active.meta["name"]})
    return {
        "name": f"VG250 {reference_date:%d.%m.%Y} (BKG), Brandenburg",
        "reference_date": reference_date.isoformat(),
        "attribution": attribution,
        "licence": "Geometrie: GeoNutzV (BKG)",
        "sources": sources,
    }


def prepare_vg250(path: Path, active: Path, reference_date: dt.date | None = None) -> VG250Import:
    """Read a VG250 download, build and check Brandenburg's layers and compare keys with the active set.

    Parameters
    ----------
    path : Path
        The BKG download (zip, folder or GeoPackage), EPSG:25832.
    active : Path
        Directory of the active dataset (for key changes and the Kreis population carried over).
    reference_date : datetime.date, optional
        Reference date ("Stand") of the release; read from the file name if omitted.

    Returns
    -------
    VG250Import
        With ``problems`` empty if the dataset may be activated.

    Raises
    ------
    VG250Error
        If the download cannot be read, or no reference date is given or found in its name.
    """
    path = Path(path)
    raw, edition = read_vg250(path, LAND)
    reference_date = reference_date or reference_date_from_name(path)
    if reference_date is None:
        raise VG250Error(
            f"{path.name}: Stichtag (Stand) nicht aus dem Namen erkennbar; "
            "bitte mit --stand JJJJ-MM-TT angeben"
        )
    current = read_dataset(active)
    raw.kreis_stats = _kreis_population(current)
    meta = _meta(current, reference_date, path, edition, carried=not raw.kreis_stats.empty)
    try:
        dataset = build_dataset(raw, land=LAND, meta=meta)
    except (ValueError, KeyError, TypeError, shapely.errors.ShapelyError) as error:
        reason = f"{type(error).__name__}: {error}"
        raise VG250Error(f"{path.name}: Daten nicht verarbeitbar ({reason})") from error
    problems = checks.run_all(dataset)
    dataset.meta["quality"] = checks.simplification_report(dataset)
    changes = key_changes(current, dataset) if not problems else []
    return VG250Import(path, edition, reference_date, dataset, problems, changes)
