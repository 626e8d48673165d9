"""Visit planner: a short round trip from a start through chosen regions, and gaps along the way.

Distances are great-circle distances between label points times :data:`ROAD_FACTOR`; driving time uses
:data:`AVERAGE_SPEED_KMH`. Both are estimates for planning a day, not navigation.

The order: exact (Held-Karp dynamic programming) for up to :data:`EXACT_LIMIT` stops, else nearest
neighbour improved by 2-opt until no exchange of two edges shortens the tour. 2-opt only ever
shortens, so the result is never longer than nearest neighbour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distance import haversine_km, pairwise_km
from .layers import PARTICIPANT_LEVELS, Layers
from .priority import GROUP_DECLINED

#: Road distance / great-circle distance. Detour factors of road networks are usually found between
#: about 1.2 and 1.4 (1.3 is the common rule of thumb for regional trips). A rough check in
#: Brandenburg: Potsdam-Cottbus is 112 km great-circle and roughly 140-150 km by road (A10/A13).
ROAD_FACTOR = 1.3
#: Average driving speed in km/h for mixed trips on Landstraßen, through villages and on short
#: motorway sections, including getting out of town; deliberately cautious for planning.
AVERAGE_SPEED_KMH = 60.0
#: Up to this many stops the order is exact (Held-Karp: 2^n·n² steps, ~10 ms at 9 stops).
EXACT_LIMIT = 9
#: Most stops of one route: more than a day's visits, planned in a few milliseconds. The distance table
#: grows with the square of the stops (10,000 stops took 30 s and 3 GB), so more are refused unread.
MAX_STOPS = 25


@dataclass(frozen=True)
class Place:
    """A point to start from or visit: a region's label point or a given position."""

    key: str | None
    name: str
    lon: float
    lat: float


#: Default start: Ministerium des Innern und für Kommunales, Henning-von-Tresckow-Str. 9-13,
#: 14467 Potsdam (office of the Landespräventionsrat).
MINISTRY = Place(None, "Ministerium des Innern und für Kommunales, Potsdam", 13.0595, 52.3995)


@dataclass(frozen=True)
class Leg:
    """One leg of a route with its estimated road distance and driving time."""

    origin: Place
    destination: Place
    km: float
    minutes: float


@dataclass(frozen=True)
class Route:
    """A round trip: start, stops in visit order, legs (back to the start included) and totals."""

    start: Place
    stops: list[Place]
    legs: list[Leg]
    total_km: float
    total_minutes: float
    exact: bool


@dataclass(frozen=True)
class Suggestion:
    """A gap region near a stop of the route."""

    stop: Place
    key: str
    name: str
    km: float
    status: str

    @property
    def text(self) -> str:
        """The suggestion in German, as shown to users."""
        return (
            f"Wenn Sie in {self.stop.name} sind: {self.name} ist {self.km:.0f} km entfernt "
            "und noch nicht im Netzwerk."
        )


def too_many_stops(count: int) -> str:
    """The German message for a route of ``count`` stops, more than :data:`MAX_STOPS`."""
    return f"Höchstens {MAX_STOPS} Stationen je Route; angegeben: {count:,}.".replace(",", ".")


def resolve_place(layers: Layers, text: str) -> Place:
    """Resolve a start or stop given as ``potsdam``, a region key (any level) or ``LON,LAT``.

    Raises
    ------
    ValueError
        With a German message if the key is unknown or the coordinates are invalid.
    """
    text = text.strip()
    if text.casefold() == "potsdam":
        return MINISTRY
    if "," in text:
        try:
            lon, lat = (float(part) for part in text.split(","))
        except ValueError:
            raise ValueError(
                f"ungültige Koordinaten {text!r}; erwartet LÄNGE,BREITE, z. B. 13.06,52.40"
            ) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"Koordinaten außerhalb des gültigen Bereichs: {text!r}")
        return Place(None, f"{lat:.4f} N, {lon:.4f} O", lon, lat)
    for level in PARTICIPANT_LEVELS:
        row = layers.index[level].get(text)
        if row is not None:
            frame = layers.frames[level]
            return Place(
                text,
                str(frame["name"].iat[row]),
                float(frame["label_lon"].iat[row]),
                float(frame["label_lat"].iat[row]),
            )
    raise ValueError(f"unbekannter Schlüssel {text!r} (weder Gemeinde, Amt noch Kreis im Datensatz)")


def tour_length(distances: np.ndarray, order: Sequence[int]) -> float:
    """Length of the closed tour ``0 -> order... -> 0`` over a distance matrix (row 0 is the start)."""
    path = np.concatenate([[0], np.asarray(order, dtype=np.intp), [0]])
    return float(distances[path[:-1], path[1:]].sum())


def nearest_neighbour_order(distances: np.ndarray) -> list[int]:
    """Visit order (indices 1..n) by always driving to the nearest stop not yet visited."""
    n = len(distances)
    unvisited = np.ones(n, dtype=bool)
    unvisited[0] = False
    order, current = [], 0
    for _ in range(n - 1):
        candidates = np.where(unvisited, distances[current], np.inf)
        current = int(np.argmin(candidates))
        unvisited[current] = False
        order.append(current)
    return order


def two_opt(distances: np.ndarray, order: Sequence[int]) -> list[int]:
    """Improve a visit order by reversing segments while that shortens the closed tour."""
    tour = np.concatenate([[0], np.asarray(order, dtype=np.intp), [0]])
    n = len(tour)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 2):
            a, b = tour[i - 1], tour[i]
            c, e = tour[i + 1 : n - 1], tour[i + 2 : n]
            delta = distances[a, c] + distances[b, e] - distances[a, b] - distances[c, e]
            j = int(np.argmin(delta))
            if delta[j] < -1e-9:
                tour[i : i + j + 2] = tour[i : i + j + 2][::-1]
                improved = True
    return tour[1:-1].tolist()


def exact_order(distances: np.ndarray) -> list[int]:
    """Shortest visit order by Held-Karp dynamic programming (use for few stops only)."""
    n = len(distances) - 1
    if n <= 1:
        return list(range(1, n + 1))
    inner = distances[1:, 1:]
    full = 1 << n
    cost = np.full((full, n), np.inf)
    parent = np.full((full, n), -1, dtype=np.intp)
    for j in range(n):
        cost[1 << j, j] = distances[0, j + 1]
    bits = np.arange(n)
    for mask in range(1, full):
        last = bits[(mask >> bits) & 1 == 1]
        if len(last) < 2:
            continue
        previous = mask ^ (1 << last)
        candidates = cost[previous] + inner[:, last].T  # [a, k]: via k, then to last[a]
        best = np.argmin(candidates, axis=1)
        cost[mask, last] = candidates[np.arange(len(last)), best]
        parent[mask, last] = best
    mask, j = full - 1, int(np.argmin(cost[full - 1] + distances[1:, 0]))
    order = []
    while j >= 0:
        order.append(j + 1)
        mask, j = mask ^ (1 << j), int(parent[mask, j])
    return order[::-1]


def plan_route(
    start: Place,
    stops: Sequence[Place],
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = AVERAGE_SPEED_KMH,
    exact_limit: int = EXACT_LIMIT,
) -> Route:
    """Plan a round trip from ``start`` through all ``stops`` and back.

    Parameters
    ----------
    start : Place
        Where the trip begins and ends (e.g. :data:`MINISTRY`).
    stops : sequence of Place
        Places to visit, in any order.
    road_factor : float
        Road km per great-circle km.
    speed_kmh : float
        Average driving speed.
    exact_limit : int
        Up to this many stops the order is exact; beyond, nearest neighbour + 2-opt.

    Returns
    -------
    Route

    Raises
    ------
    ValueError
        With a German message if there are more than :data:`MAX_STOPS` stops.
    """
    if len(stops) > MAX_STOPS:
        raise ValueError(too_many_stops(len(stops)))
    places = [start, *stops]
    distances = road_factor * pairwise_km([p.lon for p in places], [p.lat for p in places])
    exact = len(stops) <= exact_limit
    order = exact_order(distances) if exact else two_opt(distances, nearest_neighbour_order(distances))
    path = [0, *order, 0]
    legs = [
        Leg(
            places[a],
            places[b],
            round(float(distances[a, b]), 1),
            round(60.0 * distances[a, b] / speed_kmh, 0),
        )
        for a, b in zip(path[:-1], path[1:], strict=True)
    ]
    total = tour_length(distances, order)
    return Route(
        start, [places[i] for i in order], legs, round(total, 1), round(60.0 * total / speed_kmh, 0), exact
    )


def nearby_gaps(
    route: Route,
    gaps: pd.DataFrame,
    *,
    radius_km: float = 15.0,
    per_stop: int = 2,
    road_factor: float = ROAD_FACTOR,
) -> list[Suggestion]:
    """Gap regions close to the stops of a route, each suggested once at its nearest stop.

    Parameters
    ----------
    route : Route
        The planned route.
    gaps : pandas.DataFrame
        Result of :func:`lpr_geo.coverage.find_gaps` (needs ``key``, ``name``, ``status``, ``group``,
        ``label_lon``, ``label_lat``).
    radius_km : float
        Largest estimated road distance from a stop.
    per_stop : int
        Most suggestions per stop.
    road_factor : float
        Road km per great-circle km, as for the route.

    Returns
    -------
    list of Suggestion
        In visit order of the stops, nearest first.
    """
    stops = route.stops
    planned = {s.key for s in stops}
    # regions that declined or left are not suggested until they may be asked again (see .priority)
    candidates = gaps[~gaps["key"].isin(planned) & (gaps["group"] != GROUP_DECLINED)]
    if not stops or candidates.empty:
        return []
    km = road_factor * haversine_km(
        np.array([s.lon for s in stops])[:, None],
        np.array([s.lat for s in stops])[:, None],
        candidates["label_lon"].to_numpy(dtype=float)[None, :],
        candidates["label_lat"].to_numpy(dtype=float)[None, :],
    )
    nearest = np.argmin(km, axis=0)
    best = km[nearest, np.arange(km.shape[1])]
    suggestions = []
    for i, stop in enumerate(stops):
        hits = np.flatnonzero((nearest == i) & (best <= radius_km))
        for j in hits[np.argsort(best[hits], kind="stable")][:per_stop]:
            row = candidates.iloc[j]
            suggestions.append(
                Suggestion(
                    stop, str(row["key"]), str(row["name"]), round(float(best[j]), 1), str(row["status"])
                )
            )
    return suggestions
