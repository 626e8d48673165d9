"""The boundary layers the engine works on, with the lookups it needs precomputed once.

Nothing here knows about Brandenburg: any dataset directory in the schema of
:mod:`lpr_geo.boundaries.schema` works (one Land or all of Germany).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lpr_geo.boundaries import Boundaries

from .distance import unit_vectors

#: The levels a network participant can have, from fine to coarse.
PARTICIPANT_LEVELS: tuple[str, ...] = ("gemeinde", "amt", "kreis")


def _rows(keys: pd.Series, index: dict[str, int]) -> np.ndarray:
    """Row numbers of ``keys`` in a level (``-1`` where missing or null)."""
    return np.fromiter((index.get(k, -1) if isinstance(k, str) else -1 for k in keys), np.intp, len(keys))


def _neighbour_csr(neighbours: pd.Series, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour lists as compressed sparse rows of row numbers (unknown keys dropped)."""
    lists = [[index[k] for k in (keys if keys is not None else ()) if k in index] for keys in neighbours]
    indptr = np.zeros(len(lists) + 1, dtype=np.intp)
    indptr[1:] = np.cumsum([len(x) for x in lists])
    indices = np.fromiter((i for x in lists for i in x), np.intp, int(indptr[-1]))
    return indptr, indices


@dataclass(frozen=True, eq=False)
class Layers:
    """Kreis, Amt and Gemeinde layers plus precomputed row lookups.

    Build with :meth:`from_frames` or :func:`load_layers`; the frames must not be modified afterwards.

    Attributes
    ----------
    frames : dict of str to pandas.DataFrame
        One frame per level in :data:`PARTICIPANT_LEVELS`, rows in file order.
    keys : dict of str to numpy.ndarray
        Per level, the keys as an object array.
    index : dict of str to dict
        Per level, key -> row number.
    gemeinde_amt, gemeinde_kreis, amt_kreis : numpy.ndarray
        Row of the containing Amt (``-1`` if amtsfrei) or Kreis.
    gemeinde_unit : numpy.ndarray
        Row of the Gemeinde's administration unit in the Amt layer (its Amt, or itself if amtsfrei).
    canonical : dict of str to numpy.ndarray
        Per level, the row in the Gemeinde layer of the same body, or ``-1``. An amtsfreie Gemeinde
        and its one-member administration unit are one body; so are a kreisfreie Stadt, its unit and
        its Kreis. Events and contacts recorded for any of the keys apply to the body.
    neighbours : dict of str to tuple
        Per level, neighbour rows as compressed sparse rows ``(indptr, indices)``.
    xyz : dict of str to numpy.ndarray
        Per level, label points as unit vectors.
    """

    frames: dict[str, pd.DataFrame]
    keys: dict[str, np.ndarray] = field(repr=False)
    index: dict[str, dict[str, int]] = field(repr=False)
    gemeinde_amt: np.ndarray = field(repr=False)
    gemeinde_kreis: np.ndarray = field(repr=False)
    gemeinde_unit: np.ndarray = field(repr=False)
    amt_kreis: np.ndarray = field(repr=False)
    canonical: dict[str, np.ndarray] = field(repr=False)
    neighbours: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    xyz: dict[str, np.ndarray] = field(repr=False)

    @classmethod
    def from_frames(cls, kreis: pd.DataFrame, amt: pd.DataFrame, gemeinde: pd.DataFrame) -> Layers:
        """Precompute lookups for three layers in the boundary schema.

        Parameters
        ----------
        kreis, amt, gemeinde : pandas.DataFrame
            Layers as returned by :func:`lpr_geo.boundaries.load_layer` (geometry optional).

        Returns
        -------
        Layers
        """
        frames = {
            "gemeinde": gemeinde.reset_index(drop=True),
            "amt": amt.reset_index(drop=True),
            "kreis": kreis.reset_index(drop=True),
        }
        index = {lvl: {k: i for i, k in enumerate(f["key"])} for lvl, f in frames.items()}
        gem = frames["gemeinde"]
        gemeinde_amt = _rows(gem["amt_key"], index["amt"])
        gemeinde_unit = _rows(gem["verwaltung_key"], index["amt"])
        gemeinde_kreis = _rows(gem["kreis_key"], index["kreis"])
        amt_kreis = _rows(frames["amt"]["kreis_key"], index["kreis"])

        canonical = {lvl: np.full(len(f), -1, dtype=np.intp) for lvl, f in frames.items()}
        canonical["gemeinde"] = np.arange(len(gem), dtype=np.intp)
        unit_size = np.bincount(gemeinde_unit[gemeinde_unit >= 0], minlength=len(frames["amt"]))
        kreis_size = np.bincount(gemeinde_kreis[gemeinde_kreis >= 0], minlength=len(frames["kreis"]))
        for row in np.flatnonzero((gemeinde_amt < 0) & (gemeinde_unit >= 0)):
            if unit_size[gemeinde_unit[row]] == 1:
                canonical["amt"][gemeinde_unit[row]] = row
        for row in np.flatnonzero(gem["kreisfrei"].to_numpy(dtype=bool) & (gemeinde_kreis >= 0)):
            if kreis_size[gemeinde_kreis[row]] == 1:
                canonical["kreis"][gemeinde_kreis[row]] = row

        return cls(
            frames=frames,
            keys={lvl: f["key"].to_numpy(dtype=object) for lvl, f in frames.items()},
            index=index,
            gemeinde_amt=gemeinde_amt,
            gemeinde_kreis=gemeinde_kreis,
            gemeinde_unit=gemeinde_unit,
            amt_kreis=amt_kreis,
            canonical=canonical,
            neighbours={lvl: _neighbour_csr(f["neighbours"], index[lvl]) for lvl, f in frames.items()},
            xyz={lvl: unit_vectors(f["label_lon"], f["label_lat"]) for lvl, f in frames.items()},
        )

    def neighbour_counts(self, level: str, mask: np.ndarray) -> np.ndarray:
        """Count the neighbours of every region of ``level`` for which ``mask`` is true."""
        indptr, indices = self.neighbours[level]
        hits = np.concatenate([[0], np.cumsum(mask[indices])])
        return hits[indptr[1:]] - hits[indptr[:-1]]


def _build(boundaries: Boundaries) -> Layers:
    kreis, amt, gemeinde = (
        boundaries.layer(lvl, "land").drop(columns="geometry") for lvl in ("kreis", "amt", "gemeinde")
    )
    return Layers.from_frames(kreis, amt, gemeinde)


def load_layers(boundaries: Boundaries | None = None) -> Layers:
    """The layers of a boundary dataset with the engine's lookups, built once per :class:`Boundaries`.

    Parameters
    ----------
    boundaries : Boundaries, optional
        The dataset; the bundled one if omitted (built anew on every such call).

    Returns
    -------
    Layers
        Attribute columns only; join geometry with :meth:`lpr_geo.boundaries.Boundaries.layer` when needed.
    """
    return (boundaries or Boundaries.bundled()).derived("coverage.layers", _build)
