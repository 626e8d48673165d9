"""Gaps: every region not yet covered by the network, ranked by priority, each with its reason.

The facts of each region are gathered here (population, neighbours, distance, its Kreis, its contact
history); what they are worth and how the list is ordered is the model of :mod:`.priority` ("Wie die
Priorität entsteht"). The result carries every part of the priority as a column, the sum, the group
(Rangliste, zurückgestellt, Kein Interesse/Ausgetreten), the rank and a German reason per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .distance import nearest_km
from .join import CoverageTables
from .priority import GROUPS, PARTS, Facts, PriorityWeights, classify, reasons, score
from .rules import canonicalise
from .state import check_contacts

#: Columns of a gaps frame, with their meaning.
GAP_COLUMNS: dict[str, str] = {
    "rank": "position in the list: Rangliste first, then deferred, then declined or left",
    "key": "official key of the region",
    "name": "name",
    "bez": "BKG designation",
    "kreis_key": "key of its Kreis",
    "kreis_name": "name of its Kreis",
    "population": "inhabitants (Gemeinde: if imported, kreisfreie Stadt: its Kreis; Amt: sum if all known)",
    "area_km2": "area in km²",
    "distance_km": "great-circle distance between label points to the nearest covered region of the level",
    "neighbour_members": "number of bordering covered regions of the same level",
    "kreis_covered_pct": "share of the Gemeinden of its Kreis in the network, in %",
    "status": "own status code",
    "effective_status": "effective status code (e.g. 'committed' through its Amt)",
    "status_since": "date the own status took effect",
    "last_contact": "date of the last contact (status change or activity) on or before the date",
    "last_kind": "kind of that contact ('Besuch', 'Statusänderung: Kein Interesse', ...)",
    **{name: f"priority part: {label}" for name, label in PARTS.items()},
    "priority": "sum of the parts; higher means approach first",
    "group": "'open' (Rangliste), 'deferred' (recent contact) or 'declined' (Kein Interesse/Ausgetreten)",
    "approach_from": "end of the deferral, or the date a region that declined or left may be asked again",
    "reason": "German reason: the facts that earned points and the contact history",
    "label_lon": "longitude of the label point",
    "label_lat": "latitude of the label point",
}


def _gemeinde_population(tables: CoverageTables) -> np.ndarray:
    """Population per Gemeinde; a kreisfreie Stadt without its own figure takes its Kreis's (one body)."""
    gem, kreis, layers = tables.gemeinde, tables.kreis, tables.layers
    pop = gem["population"].to_numpy(dtype=float) if "population" in gem else np.full(len(gem), np.nan)
    if "population" in kreis:
        bodies = layers.canonical["kreis"]
        alias = np.flatnonzero(bodies >= 0)
        kreis_pop = kreis["population"].to_numpy(dtype=float)[alias]
        rows = bodies[alias]
        pop = pop.copy()
        pop[rows] = np.where(np.isnan(pop[rows]), kreis_pop, pop[rows])
    return pop


def _population(tables: CoverageTables, level: str) -> np.ndarray:
    """Population per region of ``level`` where known (``nan`` otherwise; never estimated)."""
    if level == "kreis":
        frame = tables.kreis
        if "population" not in frame:
            return np.full(len(frame), np.nan)
        return frame["population"].to_numpy(dtype=float)
    pop = _gemeinde_population(tables)
    if level == "gemeinde":
        return pop
    layers = tables.layers
    known = layers.gemeinde_unit >= 0
    rows = layers.gemeinde_unit[known]
    n = len(tables.amt)
    total = np.bincount(rows, weights=np.nan_to_num(pop[known]), minlength=n)
    missing = np.bincount(rows, weights=np.isnan(pop[known]), minlength=n)
    return np.where(missing > 0, np.nan, total)


def _last_contacts(tables: CoverageTables, level: str, rows: np.ndarray, contacts: pd.DataFrame | None):
    """Date and kind of the last contact on or before the date of the regions at ``rows``.

    Contacts recorded under any key of the same body count (see :func:`.rules.canonicalise`); of several
    on the same day the later row wins (the register lists activities after status changes).
    """
    when = np.full(len(rows), np.datetime64("NaT", "s"))
    kind = np.full(len(rows), None, dtype=object)
    if contacts is None or contacts.empty:
        return when, kind
    checked = check_contacts(contacts)
    checked = checked[checked["last_contact"] <= pd.Timestamp(tables.on)]
    matched, _ = canonicalise(checked, tables.layers)
    dates = matched["last_contact"].to_numpy(dtype="datetime64[s]")
    kinds = matched["last_kind"].to_numpy(dtype=object)
    ids = zip(matched["level"].to_numpy(dtype=object), matched["key"].to_numpy(dtype=object), strict=True)
    latest: dict[tuple[str, str], int] = {}
    for i, body in enumerate(ids):
        if body not in latest or dates[i] >= dates[latest[body]]:
            latest[body] = i
    layers = tables.layers
    canonical, gem_keys, keys = layers.canonical[level], layers.keys["gemeinde"], layers.keys[level]
    for out, row in enumerate(rows):
        body = ("gemeinde", gem_keys[canonical[row]]) if canonical[row] >= 0 else (level, keys[row])
        found = latest.get(body)
        if found is not None:
            when[out], kind[out] = dates[found], kinds[found]
    return when, kind


def _facts(tables: CoverageTables, level: str, contacts: pd.DataFrame | None):
    """The facts of the regions of ``level`` not in the network, and the last contacts' kinds."""
    table = tables.table(level)
    layers = tables.layers
    covered = table["covered"].to_numpy()
    gap = ~covered
    rows = np.flatnonzero(gap)
    distance, _ = nearest_km(layers.xyz[level][gap], layers.xyz[level][covered])

    gem = tables.gemeinde
    body = layers.canonical[level][gap]  # the Gemeinde row of the same body, or -1
    safe = np.where(body >= 0, body, 0)
    own_bez = table["bez"].to_numpy(dtype=object)[gap]
    bez = np.where(body >= 0, gem["bez"].to_numpy(dtype=object)[safe], own_bez)
    kreisfrei = (body >= 0) & layers.frames["gemeinde"]["kreisfrei"].to_numpy(dtype=bool)[safe]
    kreisfrei |= own_bez == "Kreisfreie Stadt"

    kreis_rows = (
        np.arange(len(table))
        if level == "kreis"
        else (layers.gemeinde_kreis if level == "gemeinde" else layers.amt_kreis)
    )[gap]
    in_kreis = layers.gemeinde_kreis >= 0
    n_kreis = len(tables.kreis)
    gemeinden = np.bincount(layers.gemeinde_kreis[in_kreis], minlength=n_kreis)
    members = np.bincount(
        layers.gemeinde_kreis[in_kreis], weights=gem["covered"].to_numpy()[in_kreis], minlength=n_kreis
    )
    share = np.divide(members, gemeinden, out=np.zeros(n_kreis), where=gemeinden > 0)

    when, kind = _last_contacts(tables, level, rows, contacts)
    facts = Facts(
        population=_population(tables, level)[gap],
        town=np.isin(bez, ["Stadt", "Kreisfreie Stadt"]) | kreisfrei,
        kreisfrei=kreisfrei,
        neighbours=layers.neighbour_counts(level, covered)[gap],
        distance_km=distance,
        kreis_share=np.where(kreis_rows >= 0, share[kreis_rows], 0.0),
        kreis_has_member=tables.kreise_with_member()[kreis_rows],
        status=table["status"].to_numpy(dtype=object)[gap],
        status_since=table["status_since"].to_numpy(dtype="datetime64[s]")[gap],
        last_contact=when,
    )
    return facts, kind, kreis_rows


def find_gaps(
    tables: CoverageTables,
    level: str = "gemeinde",
    contacts: pd.DataFrame | None = None,
    weights: PriorityWeights | None = None,
) -> pd.DataFrame:
    """Every region of a level not covered by the network, ranked by priority, with the reasons.

    Parameters
    ----------
    tables : CoverageTables
        Coverage on the date of interest (see :func:`lpr_geo.coverage.coverage_tables`).
    level : {"gemeinde", "amt", "kreis"}
        Level of the regions listed.
    contacts : pandas.DataFrame, optional
        Contacts (status changes and activities), columns :data:`lpr_geo.coverage.state.CONTACT_COLUMNS`:
        the last ones per region or the whole history; the latest on or before the date counts.
    weights : PriorityWeights, optional
        Weights and windows of the model (defaults of :class:`PriorityWeights`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GAP_COLUMNS`, exactly the non-covered regions, in the order of the model
        (:mod:`lpr_geo.coverage.priority`): group, priority (descending), population (descending),
        distance (ascending), name, key.
    """
    weights = weights or PriorityWeights()
    table = tables.table(level)
    gap = ~table["covered"].to_numpy()
    facts, kind, kreis_rows = _facts(tables, level, contacts)
    parts = score(facts, weights)
    group, approach_from = classify(facts, tables.on, weights)
    kreis_names = tables.kreis["name"].to_numpy(dtype=object)
    sub = table[gap]
    result = pd.DataFrame(
        {
            "rank": np.zeros(len(sub), dtype=int),
            "key": sub["key"].to_numpy(),
            "name": sub["name"].to_numpy(),
            "bez": sub["bez"].to_numpy(),
            "kreis_key": sub["kreis_key"].to_numpy(),
            "kreis_name": np.where(kreis_rows >= 0, kreis_names[np.maximum(kreis_rows, 0)], None),
            "population": pd.array(np.round(facts.population), dtype="Int64"),
            "area_km2": sub["area_km2"].to_numpy(),
            "distance_km": np.round(facts.distance_km, 1),
            "neighbour_members": facts.neighbours,
            "kreis_covered_pct": np.round(100 * facts.kreis_share, 1),
            "status": facts.status,
            "effective_status": sub["effective_status"].to_numpy(),
            "status_since": sub["status_since"].to_numpy(),
            "last_contact": facts.last_contact,
            "last_kind": kind,
            **parts,
            "priority": np.round(sum(parts.values()), 1),
            "group": group,
            "approach_from": approach_from,
            "reason": reasons(facts, group, approach_from, weights, level),
            "label_lon": sub["label_lon"].to_numpy(),
            "label_lat": sub["label_lat"].to_numpy(),
        }
    )
    order = np.lexsort(
        (
            result["key"].to_numpy(dtype=object),
            result["name"].str.casefold().to_numpy(dtype=object),
            result["distance_km"].fillna(np.inf).to_numpy(),
            -result["population"].to_numpy(dtype=float, na_value=-1.0),
            -result["priority"].to_numpy(),
            np.array([GROUPS.index(g) for g in group], dtype=int),
        )
    )
    ranked = result.iloc[order].reset_index(drop=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return ranked
