"""Coverage rules: when a region counts as covered by the network.

The rules, in the order they are applied:

1. **One body, one status.** An amtsfreie Gemeinde and its administration unit (the Amt-level region of
   which it is the only Gemeinde) are the same body; so are a kreisfreie Stadt, its unit and its Kreis.
   Events recorded under any of these keys apply to the body (the latest event wins), and the body is
   counted once.
2. **Own status.** A region's own status on a date is that of its latest event on or before the date
   (:mod:`lpr_geo.coverage.state`); no event means "nicht kontaktiert". "Ausgetreten" is not a member:
   a region that left covers nothing from the day it left.
3. **Gemeinde.** A Gemeinde is covered if it is a member itself ("selbst") or its Amt /
   Verbandsgemeinde is a member ("über Amt X").
4. **Kreis.** A Kreis that is a member is shown as a member (its own row in the Kreis table is covered),
   but by default it does not cover its Gemeinden or Ämter: a Landkreis joining does not bring the
   town halls to the table. :attr:`CoverageOptions.kreis_covers_gemeinden` turns that on
   ("über Kreis X").
5. **Amt.** An Amt is covered if it is a member itself, or through its Kreis when the option is on.
6. **Mitarbeit zugesagt** (committed) is never covered. A region that is not covered but committed
   itself, or through its Amt (or Kreis, with the option), has the effective status "committed" and is
   counted separately.
7. **Since.** When several paths cover a region, the one that has held longest is reported (ties: self
   before Amt before Kreis), with the date it took effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lpr_geo.status import Status

from .layers import PARTICIPANT_LEVELS, Layers

#: How a region is covered (or committed): by its own status, through its Amt, through its Kreis.
VIA_SELF, VIA_AMT, VIA_KREIS = "self", "amt", "kreis"

_NAT = np.datetime64("NaT", "s")
_FAR_FUTURE = np.datetime64("9999-12-31", "s")


@dataclass(frozen=True)
class CoverageOptions:
    """Settings of the coverage rules.

    Parameters
    ----------
    kreis_covers_gemeinden : bool
        Count a member Kreis as covering all its Ämter and Gemeinden (default ``False``).
    """

    kreis_covers_gemeinden: bool = False

    @classmethod
    def from_settings(cls, settings) -> CoverageOptions:
        """The rule settings of :class:`lpr_geo.settings.Settings` (``kreis_covers_gemeinden``)."""
        return cls(kreis_covers_gemeinden=settings.kreis_covers_gemeinden)


def canonicalise(frame: pd.DataFrame, layers: Layers) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map rows keyed by ``(level, key)`` to the body they belong to (rule 1).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame with ``level`` and ``key`` columns (events, contacts).
    layers : Layers
        The boundary layers.

    Returns
    -------
    matched : pandas.DataFrame
        Rows whose key exists in its level, with ``level``/``key`` replaced by the Gemeinde's where the
        region is the same body as a Gemeinde.
    unmatched : pandas.DataFrame
        Rows whose key does not exist in the layer of its level (e.g. a Gemeinde formed after the
        boundary dataset's reference date).
    """
    levels = frame["level"].to_numpy(dtype=object)
    keys = frame["key"].to_numpy(dtype=object)
    gem_keys = layers.keys["gemeinde"]
    found = np.zeros(len(frame), dtype=bool)
    new_levels, new_keys = levels.copy(), keys.copy()
    for i, (level, key) in enumerate(zip(levels, keys, strict=True)):
        row = layers.index[level].get(key, -1)
        if row < 0:
            continue
        found[i] = True
        body = layers.canonical[level][row]
        if body >= 0:
            new_levels[i], new_keys[i] = "gemeinde", gem_keys[body]
    matched = frame[found].copy()
    matched["level"], matched["key"] = new_levels[found], new_keys[found]
    return matched, frame[~found].copy()


@dataclass(frozen=True)
class OwnStatus:
    """Own status (code) and the date it took effect, per row of one level."""

    status: np.ndarray
    since: np.ndarray

    @property
    def member(self) -> np.ndarray:
        """Rows that are members."""
        return self.status == Status.MEMBER.value

    @property
    def committed(self) -> np.ndarray:
        """Rows that committed to working with the network."""
        return self.status == Status.COMMITTED.value

    def take(self, rows: np.ndarray) -> OwnStatus:
        """Return the status of ``rows`` (``-1`` gives "nicht kontaktiert")."""
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        return OwnStatus(
            np.where(
                valid,
                self.status[safe] if len(self.status) else Status.NOT_CONTACTED.value,
                Status.NOT_CONTACTED.value,
            ),
            np.where(valid, self.since[safe] if len(self.since) else _NAT, _NAT),
        )


def own_statuses(state: pd.DataFrame, layers: Layers) -> dict[str, OwnStatus]:
    """Own status of every region of every level from a canonical state frame (rules 1 and 2)."""
    result: dict[str, OwnStatus] = {}
    levels = state["level"].to_numpy(dtype=object)
    keys = state["key"].to_numpy(dtype=object)
    statuses = state["status"].to_numpy(dtype=object)
    dates = state["since"].to_numpy(dtype="datetime64[s]")
    for level in PARTICIPANT_LEVELS:
        n = len(layers.frames[level])
        status = np.full(n, Status.NOT_CONTACTED.value, dtype=object)
        since = np.full(n, _NAT)
        here = np.flatnonzero(levels == level)
        index = layers.index[level]
        positions = np.fromiter((index[k] for k in keys[here]), np.intp, len(here))
        status[positions] = statuses[here]
        since[positions] = dates[here]
        result[level] = OwnStatus(status, since)
    gemeinde = result["gemeinde"]
    for level in ("amt", "kreis"):
        body = layers.canonical[level]
        alias = body >= 0
        result[level].status[alias] = gemeinde.status[body[alias]]
        result[level].since[alias] = gemeinde.since[body[alias]]
    return result


@dataclass(frozen=True)
class Resolution:
    """How every region of one level is covered (rules 3 to 7).

    Attributes
    ----------
    covered, committed : numpy.ndarray
        Boolean per row; ``committed`` only where not covered.
    via : numpy.ndarray
        :data:`VIA_SELF`, :data:`VIA_AMT`, :data:`VIA_KREIS` or ``""``.
    via_row : numpy.ndarray
        Row of the covering region in the layer named by ``via`` (``-1`` if none).
    since : numpy.ndarray
        Date the effective status took effect (``NaT`` if neither covered nor committed).
    """

    covered: np.ndarray
    committed: np.ndarray
    via: np.ndarray
    via_row: np.ndarray
    since: np.ndarray


def _earliest(paths: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]], n: int):
    """Pick per row the active path that took effect first (ties: order of ``paths``)."""
    if not paths:
        return np.zeros(n, bool), np.full(n, "", dtype=object), np.full(n, -1, np.intp), np.full(n, _NAT)
    since = np.stack([np.where(active, when, _FAR_FUTURE) for _, active, when, _ in paths])
    best = np.argmin(since, axis=0)
    columns = np.arange(n)
    any_active = np.stack([active for _, active, _, _ in paths]).any(axis=0)
    via = np.array([name for name, _, _, _ in paths], dtype=object)[best]
    via_row = np.stack([rows for _, _, _, rows in paths])[best, columns]
    return (
        any_active,
        np.where(any_active, via, ""),
        np.where(any_active, via_row, -1),
        np.where(any_active, since[best, columns], _NAT),
    )


def resolve(level: str, own: dict[str, OwnStatus], layers: Layers, options: CoverageOptions) -> Resolution:
    """Apply the coverage rules to every region of ``level``.

    Parameters
    ----------
    level : {"gemeinde", "amt", "kreis"}
        The level to resolve.
    own : dict
        Own statuses of all levels (see :func:`own_statuses`).
    layers : Layers
        The boundary layers.
    options : CoverageOptions
        Rule settings.

    Returns
    -------
    Resolution
    """
    n = len(layers.frames[level])
    # (via, status of the region the path goes through, its row there)
    paths: list[tuple[str, OwnStatus, np.ndarray]] = [(VIA_SELF, own[level], np.arange(n, dtype=np.intp))]
    if level == "gemeinde":
        paths.append((VIA_AMT, own["amt"].take(layers.gemeinde_amt), layers.gemeinde_amt))
    if options.kreis_covers_gemeinden and level != "kreis":
        kreis_rows = layers.gemeinde_kreis if level == "gemeinde" else layers.amt_kreis
        paths.append((VIA_KREIS, own["kreis"].take(kreis_rows), kreis_rows))

    covered, via, via_row, since = _earliest([(v, s.member, s.since, r) for v, s, r in paths], n)
    committed, c_via, c_row, c_since = _earliest([(v, s.committed, s.since, r) for v, s, r in paths], n)
    committed &= ~covered
    return Resolution(
        covered=covered,
        committed=committed,
        via=np.where(covered, via, c_via),
        via_row=np.where(covered, via_row, np.where(committed, c_row, -1)),
        since=np.where(covered, since, np.where(committed, c_since, _NAT)),
    )
