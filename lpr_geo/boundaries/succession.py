"""Key changes between two boundary datasets: which regions vanished, which are new, who succeeds whom.

A Gemeinde (or Amt) key that no longer exists has as successors the regions of the new dataset that
now hold its former area, largest share first; the first is *the* successor. Shares are measured on
the full-detail geometry in EPSG:25833.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from .build import Dataset
from .schema import METRIC_CRS

#: Levels whose keys are followed (Kreise have not changed in Brandenburg since 1993, but cost nothing).
SUCCESSION_LEVELS: tuple[str, ...] = ("gemeinde", "amt", "kreis")
#: Shares of a vanished region's area below this are slivers of a redrawn border, not successors.
MIN_SHARE = 0.01


@dataclass(frozen=True)
class Successor:
    """A region of the new dataset holding part of a vanished region's area."""

    key: str
    name: str
    share: float


@dataclass(frozen=True)
class KeyChange:
    """One key that vanished (with successors, largest share first) or was added (no successors)."""

    level: str
    key: str
    name: str
    kind: str  # "weggefallen" | "neu"
    successors: tuple[Successor, ...] = ()

    @property
    def successor(self) -> Successor | None:
        """The region that now holds most of the vanished region's area."""
        return self.successors[0] if self.successors else None

    def text(self) -> str:
        """German one-line description for reports."""
        label = {"gemeinde": "Gemeinde", "amt": "Amt/Verwaltung", "kreis": "Kreis"}[self.level]
        if self.kind == "neu":
            return f"neu: {label} »{self.name}« ({self.key})"
        if not self.successors:
            return f"weggefallen: {label} »{self.name}« ({self.key}), kein Nachfolger im neuen Gebiet"
        parts = ", ".join(f"»{s.name}« ({s.key}) {s.share * 100:.0f} %" for s in self.successors)
        return f"weggefallen: {label} »{self.name}« ({self.key}) → Nachfolger {parts}"


def _metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[["key", "name", "geometry"]].to_crs(METRIC_CRS)


def key_changes(old: Dataset, new: Dataset, levels: tuple[str, ...] = SUCCESSION_LEVELS) -> list[KeyChange]:
    """Vanished and added keys between two datasets, vanished ones mapped to successors by area.

    Parameters
    ----------
    old, new : Dataset
        The active dataset and the one about to replace it (layers with the ``geometry`` column).
    levels : tuple of str
        Levels to compare.

    Returns
    -------
    list of KeyChange
        Per level, vanished keys first (sorted), then new keys (sorted).
    """
    changes = []
    for level in levels:
        before, after = _metric(old.layers[level]), _metric(new.layers[level])
        old_keys, new_keys = set(before["key"]), set(after["key"])
        vanished = before[~before["key"].isin(new_keys)].sort_values("key")
        tree = shapely.STRtree(after.geometry.values)
        for row in vanished.itertuples(index=False):
            area = shapely.area(row.geometry)
            hits = tree.query(row.geometry, predicate="intersects")
            shares = shapely.area(shapely.intersection(after.geometry.values[hits], row.geometry)) / area
            successors = sorted(
                (
                    Successor(str(after["key"].iat[i]), str(after["name"].iat[i]), round(float(share), 4))
                    for i, share in zip(hits, shares, strict=True)
                    if share >= MIN_SHARE
                ),
                key=lambda s: (-s.share, s.key),
            )
            changes.append(KeyChange(level, str(row.key), str(row.name), "weggefallen", tuple(successors)))
        for row in after[~after["key"].isin(old_keys)].sort_values("key").itertuples(index=False):
            changes.append(KeyChange(level, str(row.key), str(row.name), "neu"))
    return changes
