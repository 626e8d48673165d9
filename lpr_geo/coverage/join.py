"""Join the boundary layers with the register's state on a date: one coverage table per level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lpr_geo.status import Status

from .layers import PARTICIPANT_LEVELS, Layers
from .rules import VIA_AMT, VIA_KREIS, VIA_SELF, CoverageOptions, canonicalise, own_statuses, resolve
from .state import check_events, select_network, status_on

#: Columns of every coverage table, in order (followed by the layer's attribute columns).
TABLE_COLUMNS: dict[str, str] = {
    "key": "official key of the region",
    "name": "name of the region",
    "bez": "BKG designation (Amt, Stadt, Landkreis, ...)",
    "kreis_key": "key of the Kreis the region lies in",
    "status": "own status code (see lpr_geo.status.Status), 'not_contacted' without events",
    "status_since": "date the own status took effect",
    "effective_status": "'member' if covered, 'committed' if committed (not covered), else the own status",
    "covered": "covered by the network under the rules of lpr_geo.coverage.rules",
    "committed": "committed (Mitarbeit zugesagt), never covered",
    "via": "'self', 'amt' or 'kreis': the path that covers (or commits) the region, '' if none",
    "via_key": "key of the region on that path",
    "how": "German description for users: 'selbst', 'über Amt Plessa', ''",
    "since": "date the effective status took effect",
    "kreis_member_since": "date since which the region's Landkreis is a member, NaT if it is not (always "
    "NaT for a Kreis and for a kreisfreie Stadt, which is its own Kreis)",
}
_NAT = np.datetime64("NaT", "s")
_ATTRIBUTES = ("area_km2", "label_lon", "label_lat", "population", "population_date")


@dataclass(frozen=True, eq=False)
class CoverageTables:
    """Coverage of every region of every level on one date for one network.

    Attributes
    ----------
    on : datetime.date
        The date.
    network : str or None
        The network (``None`` if the register holds no events).
    options : CoverageOptions
        Rule settings used.
    layers : Layers
        The boundary layers joined.
    gemeinde, amt, kreis : pandas.DataFrame
        One row per region, columns :data:`TABLE_COLUMNS` plus ``area_km2``, ``label_lon``,
        ``label_lat`` and, where the layer has them, ``population`` and ``population_date``.
    unmatched : pandas.DataFrame
        Events whose key is not in the boundary dataset (they cover nothing; shown so they are fixed).
    """

    on: dt.date
    network: str | None
    options: CoverageOptions
    layers: Layers = field(repr=False)
    gemeinde: pd.DataFrame = field(repr=False)
    amt: pd.DataFrame = field(repr=False)
    kreis: pd.DataFrame = field(repr=False)
    unmatched: pd.DataFrame = field(repr=False)

    def table(self, level: str) -> pd.DataFrame:
        """Return the table of one level (``"gemeinde"``, ``"amt"`` or ``"kreis"``)."""
        if level not in PARTICIPANT_LEVELS:
            raise ValueError(f"unbekannte Ebene {level!r}; erlaubt: {', '.join(PARTICIPANT_LEVELS)}")
        return getattr(self, level)

    def kreise_with_member(self) -> np.ndarray:
        """Per Kreis row: whether any body in it (Gemeinde, Amt or the Kreis itself) is a member."""
        layers = self.layers
        member = Status.MEMBER.value
        found = self.kreis["status"].to_numpy(dtype=object) == member
        for rows, table in ((layers.gemeinde_kreis, self.gemeinde), (layers.amt_kreis, self.amt)):
            hit = (table["status"].to_numpy(dtype=object) == member) & (rows >= 0)
            found |= np.bincount(rows[hit], minlength=len(found)) > 0
        return found


def _how(level: str, via: np.ndarray, via_row: np.ndarray, layers: Layers) -> np.ndarray:
    how = np.full(len(via), "", dtype=object)
    how[via == VIA_SELF] = "selbst"
    for path, target in ((VIA_AMT, "amt"), (VIA_KREIS, "kreis")):
        rows = np.flatnonzero(via == path)
        if len(rows):
            frame = layers.frames[target]
            bez = frame["bez"].to_numpy(dtype=object)[via_row[rows]]
            name = frame["name"].to_numpy(dtype=object)[via_row[rows]]
            how[rows] = [f"über {b} {n}" for b, n in zip(bez, name, strict=True)]
    return how


def _kreis_member_since(level: str, own: dict, layers: Layers) -> np.ndarray:
    """Per row: since when the Landkreis the region lies in is a member (whatever the rule makes of it)."""
    if level == "kreis":
        return np.full(len(layers.frames["kreis"]), _NAT)
    rows = layers.gemeinde_kreis if level == "gemeinde" else layers.amt_kreis
    kreis = own["kreis"].take(rows)
    # a kreisfreie Stadt is its own Kreis (rule 1): its Kreis's membership is its own, said elsewhere
    landkreis = (rows >= 0) & (layers.canonical["kreis"][np.where(rows >= 0, rows, 0)] < 0)
    return np.where(kreis.member & landkreis, kreis.since, _NAT)


def _via_key(via: np.ndarray, via_row: np.ndarray, level: str, layers: Layers) -> np.ndarray:
    keys = np.full(len(via), None, dtype=object)
    for path, target in ((VIA_SELF, level), (VIA_AMT, "amt"), (VIA_KREIS, "kreis")):
        rows = np.flatnonzero(via == path)
        keys[rows] = layers.keys[target][via_row[rows]]
    return keys


def coverage_tables(
    layers: Layers,
    events: pd.DataFrame,
    on: dt.date | None = None,
    *,
    network: str | None = None,
    options: CoverageOptions | None = None,
) -> CoverageTables:
    """Join the layers with the status of a network on a date.

    Parameters
    ----------
    layers : Layers
        Boundary layers (see :func:`lpr_geo.coverage.load_layers`).
    events : pandas.DataFrame
        Status events, columns :data:`lpr_geo.coverage.state.EVENT_COLUMNS`.
    on : datetime.date, optional
        The date (default: today).
    network : str, optional
        Network to show; may be omitted if the events hold only one.
    options : CoverageOptions, optional
        Rule settings (defaults of :class:`CoverageOptions`).

    Returns
    -------
    CoverageTables
    """
    on = on or dt.date.today()
    options = options or CoverageOptions()
    name, matched, unmatched = prepare_events(layers, events, network)
    return tables_on(layers, matched, on, options, name, unmatched)


def prepare_events(
    layers: Layers, events: pd.DataFrame, network: str | None = None
) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """Check events, select one network and map them to bodies (done once for many dates).

    Returns
    -------
    network : str or None
        The network selected.
    matched : pandas.DataFrame
        Its events, keyed by body (see :func:`lpr_geo.coverage.rules.canonicalise`).
    unmatched : pandas.DataFrame
        Its events whose key is not in the boundary dataset.
    """
    name, selected = select_network(check_events(events), network)
    matched, unmatched = canonicalise(selected, layers)
    return (
        name,
        matched,
        unmatched.loc[:, ["level", "key", "name", "status", "effective_date"]].reset_index(drop=True),
    )


def tables_on(
    layers: Layers,
    matched: pd.DataFrame,
    on: dt.date,
    options: CoverageOptions,
    network: str | None = None,
    unmatched: pd.DataFrame | None = None,
) -> CoverageTables:
    """Coverage tables on one date from events prepared by :func:`prepare_events`."""
    own = own_statuses(status_on(matched, on), layers)
    tables = {}
    for level in PARTICIPANT_LEVELS:
        frame = layers.frames[level]
        res = resolve(level, own, layers, options)
        effective = np.where(
            res.covered,
            Status.MEMBER.value,
            np.where(res.committed, Status.COMMITTED.value, own[level].status),
        )
        columns = {
            "key": frame["key"],
            "name": frame["name"],
            "bez": frame["bez"],
            "kreis_key": frame["kreis_key"],
            "status": own[level].status,
            "status_since": own[level].since,
            "effective_status": effective,
            "covered": res.covered,
            "committed": res.committed,
            "via": res.via,
            "via_key": _via_key(res.via, res.via_row, level, layers),
            "how": _how(level, res.via, res.via_row, layers),
            "since": res.since,
            "kreis_member_since": _kreis_member_since(level, own, layers),
        }
        columns.update({c: frame[c] for c in _ATTRIBUTES if c in frame.columns})
        tables[level] = pd.DataFrame(columns, copy=False)
    if unmatched is None:
        unmatched = matched.iloc[:0].loc[:, ["level", "key", "name", "status", "effective_date"]]
    return CoverageTables(
        on=on, network=network, options=options, layers=layers, unmatched=unmatched, **tables
    )
