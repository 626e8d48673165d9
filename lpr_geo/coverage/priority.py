"""Wie die Priorität entsteht: the model that ranks the regions not yet in the network, and its words.

The priority of a region is a sum of five parts, each a column of the gap list, each explained in the
row's reason. With the default :class:`PriorityWeights`:

=========================  ==========================================================================
part                       points
=========================  ==========================================================================
Einwohner                  ``30 × clamp(log10(Einwohner / 1.000) / 2, 0, 1)``: 1.000 Einwohner or
                           fewer 0, 10.000 → 15, 100.000 or more 30. Only figures that are known:
                           Gemeinde figures once imported (an Amt: the sum of its Gemeinden, if all are
                           known), for a kreisfreie Stadt its Kreis figure (the same body), at Kreis
                           level the Kreis figure. Unknown → 0, and the reason says
                           "Einwohnerzahl unbekannt"; never a guess.
Stadt                      10 if the region is a Stadt or kreisfreie Stadt (BKG designation).
Netzwerk nebenan           5 per neighbouring region in the network (at most 15), plus
                           ``10 × max(0, 1 − km / 50)`` for the distance to the nearest region in the
                           network, plus ``10 × share`` of the Kreis's Gemeinden in the network
                           (word of mouth, short trips, a Kreis that is halfway there).
Kreis ohne Mitglied        20 if nothing in the region's Kreis is a member: the office contacted every
                           Kreis in 2019, the network should reach every Kreis.
nie kontaktiert            10 if there never was a contact, neither a status change nor an activity.
=========================  ==========================================================================

Every part is rounded to one decimal and the priority is their sum (0 to 105), so the columns add up to
what is shown. **Contact history** does not subtract points; it sorts the list into three groups:

1. **Rangliste**: every region not in one of the two groups below.
2. **zurückgestellt**: the last contact (status change or activity) lies less than
   :attr:`PriorityWeights.defer_days` (setting ``priority_defer_days``, 180) before the date of the list;
   listed after the Rangliste with "zurückgestellt bis <date>", so a region is not approached again
   too soon.
3. **Kein Interesse / Ausgetreten**: own status "Kein Interesse" or "Ausgetreten", set less than
   :attr:`PriorityWeights.retry_years` (setting ``priority_retry_years``, 2) ago; listed apart and left
   out by default, with "erneut ansprechen ab <date>". After that the region is back in the Rangliste.

Within a group the order is: priority (descending), then population (descending, unknown last),
distance to the nearest member (ascending, none last), name and key; the position is the column
``rank``. Ties in the priority are therefore broken by a stated order, never by chance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from lpr_geo.status import Status
from lpr_geo.vocabulary import (
    DAY,
    INHABITANT,
    NEIGHBOUR,
    YEAR,
    date,
    km,
    percent,
    status_since,
)

#: The groups of the gap list, in the order they are listed.
GROUP_OPEN, GROUP_DEFERRED, GROUP_DECLINED = "open", "deferred", "declined"
GROUPS: tuple[str, ...] = (GROUP_OPEN, GROUP_DEFERRED, GROUP_DECLINED)
#: German names of the groups.
GROUP_LABELS: dict[str, str] = {
    GROUP_OPEN: "Rangliste",
    GROUP_DEFERRED: "zurückgestellt",
    GROUP_DECLINED: "Kein Interesse oder ausgetreten",
}
#: Statuses that put a region apart until it may be asked again.
DECLINED_STATUSES = frozenset({Status.DECLINED.value, Status.LEFT.value})

#: The parts of the priority (columns of the gap list) and their German names.
PARTS: dict[str, str] = {
    "score_population": "Einwohner",
    "score_town": "Stadt",
    "score_network": "Netzwerk nebenan",
    "score_kreis_without_member": "Kreis ohne Mitglied",
    "score_never_contacted": "nie kontaktiert",
}
_NAT = np.datetime64("NaT", "s")


@dataclass(frozen=True)
class PriorityWeights:
    """Weights and windows of the priority (see the module docstring for the whole model)."""

    population: float = 30.0
    """Points of a region of :attr:`population_full` inhabitants or more (log scale below)."""
    population_zero: int = 1_000
    """Inhabitants at or below which the population earns no points."""
    population_full: int = 100_000
    """Inhabitants from which the population earns all its points."""
    town: float = 10.0
    """Points of a Stadt or kreisfreie Stadt: the office's yardstick since 2019 is the towns."""
    per_neighbour: float = 5.0
    """Points per neighbouring region (same level) in the network."""
    neighbours_max: float = 15.0
    """Most points from neighbours (three neighbours in the network say enough)."""
    nearby: float = 10.0
    """Points of a region next to a member; falling linearly to 0 at :attr:`nearby_km`."""
    nearby_km: float = 50.0
    """Distance (between label points) to the nearest member from which there are no points."""
    kreis_share: float = 10.0
    """Points of a region whose Kreis has all Gemeinden in the network, pro rata for a share."""
    kreis_without_member: float = 20.0
    """Points of a region in a Kreis where nothing (Gemeinde, Amt, Kreis) is a member."""
    never_contacted: float = 10.0
    """Points of a region never contacted (no status change, no activity)."""
    defer_days: int = 180
    """A contact this many days before the list's date defers the region (setting priority_defer_days)."""
    retry_years: int = 2
    """"Kein Interesse"/"Ausgetreten" keep a region apart this many years (setting priority_retry_years)."""

    @classmethod
    def from_settings(cls, settings) -> PriorityWeights:
        """The default weights with the windows of :class:`lpr_geo.settings.Settings`."""
        return cls(defer_days=settings.priority_defer_days, retry_years=settings.priority_retry_years)


@dataclass(frozen=True)
class Facts:
    """What the priority of each region rests on: arrays of equal length, one entry per region.

    Attributes
    ----------
    population : numpy.ndarray
        Inhabitants (float; ``nan`` if unknown).
    town, kreisfrei : numpy.ndarray
        Whether the region is a Stadt (kreisfreie Städte included), a kreisfreie Stadt.
    neighbours : numpy.ndarray
        Neighbouring regions of the same level in the network.
    distance_km : numpy.ndarray
        Distance to the nearest region in the network (``nan`` if there is none).
    kreis_share : numpy.ndarray
        Share (0–1) of the Gemeinden of the region's Kreis in the network.
    kreis_has_member : numpy.ndarray
        Whether anything in the region's Kreis is a member.
    status, status_since : numpy.ndarray
        Own status code and the day it took effect (``datetime64[s]``, NaT without one).
    last_contact : numpy.ndarray
        Day of the last contact on or before the date of the list (``datetime64[s]``, NaT if none).
    """

    population: np.ndarray
    town: np.ndarray
    kreisfrei: np.ndarray
    neighbours: np.ndarray
    distance_km: np.ndarray
    kreis_share: np.ndarray
    kreis_has_member: np.ndarray
    status: np.ndarray
    status_since: np.ndarray
    last_contact: np.ndarray


def score(facts: Facts, weights: PriorityWeights) -> dict[str, np.ndarray]:
    """The parts of the priority (keys of :data:`PARTS`), each rounded to one decimal."""
    w = weights
    with np.errstate(divide="ignore", invalid="ignore"):
        decades = np.log10(facts.population / w.population_zero)
    scale = decades / np.log10(w.population_full / w.population_zero)
    population = w.population * np.nan_to_num(np.clip(scale, 0.0, 1.0), nan=0.0)
    nearby = w.nearby * np.nan_to_num(np.clip(1.0 - facts.distance_km / w.nearby_km, 0.0, 1.0), nan=0.0)
    network = (
        np.minimum(facts.neighbours * w.per_neighbour, w.neighbours_max)
        + nearby
        + w.kreis_share * facts.kreis_share
    )
    parts = {
        "score_population": population,
        "score_town": np.where(facts.town, w.town, 0.0),
        "score_network": network,
        "score_kreis_without_member": np.where(facts.kreis_has_member, 0.0, w.kreis_without_member),
        "score_never_contacted": np.where(np.isnat(facts.last_contact), w.never_contacted, 0.0),
    }
    return {name: np.round(values.astype(float), 1) for name, values in parts.items()}


def _years_later(day: np.datetime64, years: int) -> np.datetime64:
    start = day.astype("datetime64[D]").item()
    try:
        later = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        later = start.replace(year=start.year + years, day=28)
    return np.datetime64(later, "s")


def classify(facts: Facts, on: dt.date, weights: PriorityWeights) -> tuple[np.ndarray, np.ndarray]:
    """Group of every region (:data:`GROUPS`) and the day from which it may be approached (NaT: now).

    Parameters
    ----------
    facts : Facts
        The facts of the regions.
    on : datetime.date
        The date of the list.
    weights : PriorityWeights
        Its windows :attr:`~PriorityWeights.defer_days` and :attr:`~PriorityWeights.retry_years`.

    Returns
    -------
    group : numpy.ndarray
        :data:`GROUP_OPEN`, :data:`GROUP_DEFERRED` or :data:`GROUP_DECLINED` per region.
    approach_from : numpy.ndarray
        ``datetime64[s]``: end of the deferral, or the day a region that declined or left may be asked
        again (also when that day has passed); NaT otherwise.
    """
    today = np.datetime64(on, "s")
    n = len(facts.status)
    group = np.full(n, GROUP_OPEN, dtype=object)
    approach_from = np.full(n, _NAT)
    deferred_until = facts.last_contact + np.timedelta64(weights.defer_days, "D")
    deferred = ~np.isnat(facts.last_contact) & (deferred_until > today)
    group[deferred] = GROUP_DEFERRED
    approach_from[deferred] = deferred_until[deferred]
    declined = np.isin(facts.status, list(DECLINED_STATUSES)) & ~np.isnat(facts.status_since)
    for row in np.flatnonzero(declined):
        again = _years_later(facts.status_since[row], weights.retry_years)
        if again > today:
            group[row], approach_from[row] = GROUP_DECLINED, again
        elif not deferred[row]:  # a recent contact's deferral says more than a past retry date
            approach_from[row] = again
    return group, approach_from


def _contact_reason(facts: Facts, row: int, group: str, approach_from: np.datetime64) -> str:
    status = facts.status[row]
    since = facts.status_since[row]
    said = status_since(status, None if np.isnat(since) else since.item())
    if group == GROUP_DECLINED:
        return f"{said}, erneut ansprechen ab {date(approach_from.item())}"
    if group == GROUP_DEFERRED:
        return f"zurückgestellt bis {date(approach_from.item())}"
    if np.isnat(facts.last_contact[row]):
        return "nie kontaktiert"
    if status in DECLINED_STATUSES:
        return f"{said}, erneut ansprechbar seit {date(approach_from.item())}"
    if status != Status.NOT_CONTACTED.value:
        return said
    return f"zuletzt kontaktiert {date(facts.last_contact[row].item())}"


def reasons(
    facts: Facts,
    group: np.ndarray,
    approach_from: np.ndarray,
    weights: PriorityWeights,
    level: str,
) -> list[str]:
    """A short German reason per region: the facts that earned points, then its contact history.

    E.g. "kreisfreie Stadt, 57.873 Einwohner, nächstes Mitglied 21 km, Kreis ohne Mitglied,
    nie kontaktiert"; facts that earn nothing are left out, an unknown population is said.
    """
    out = []
    for row in range(len(group)):
        items = []
        if facts.kreisfrei[row]:
            items.append("kreisfreie Stadt")
        elif facts.town[row]:
            items.append("Stadt")
        population = facts.population[row]
        items.append("Einwohnerzahl unbekannt" if np.isnan(population) else INHABITANT.count(int(population)))
        if facts.neighbours[row] > 0:
            items.append(f"{NEIGHBOUR.count(int(facts.neighbours[row]))} im Netzwerk")
        distance = facts.distance_km[row]
        if distance < weights.nearby_km:  # nan (no member anywhere) compares false
            items.append(f"nächstes Mitglied {km(distance)}")
        if round(100 * facts.kreis_share[row]) > 0:
            whose = "seiner Gemeinden" if level == "kreis" else "der Gemeinden des Kreises"
            items.append(f"{percent(100 * facts.kreis_share[row], 0)} {whose} im Netzwerk")
        if not facts.kreis_has_member[row]:
            items.append("Kreis ohne Mitglied")
        items.append(_contact_reason(facts, row, group[row], approach_from[row]))
        out.append(", ".join(items))
    return out


def priority_key(weights: PriorityWeights) -> str:
    """The one-line key shown above the list and printed by ``lpr-geo gaps``."""
    parts = " + ".join(PARTS.values())
    return (
        f"Priorität = {parts}; zurückgestellt: Kontakt in den letzten {DAY.dative(weights.defer_days)}; "
        f"»Kein Interesse« und »Ausgetreten«: erneut ansprechen nach {YEAR.dative(weights.retry_years)}"
    )
