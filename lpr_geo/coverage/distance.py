"""Great-circle distances between label points, vectorised with numpy.

All functions take longitudes and latitudes in degrees (WGS84) and return kilometres on a sphere of
the mean Earth radius; the error against the ellipsoid is below 0.5 %, far less than the uncertainty of
any road distance estimated from it.
"""

from __future__ import annotations

import numpy as np

#: Mean Earth radius (IUGG) in km.
EARTH_RADIUS_KM = 6371.0088

# Rows of the candidate matrix per block in :func:`nearest_km`: bounds memory to ~8 MB per block.
_BLOCK_ELEMENTS = 1_000_000


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between points, broadcasting like numpy.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : array_like
        Coordinates in degrees; any shapes that broadcast together.

    Returns
    -------
    numpy.ndarray
        Distances in km with the broadcast shape.
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def pairwise_km(lon, lat) -> np.ndarray:
    """Matrix of great-circle distances in km between all pairs of points."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])


def unit_vectors(lon, lat) -> np.ndarray:
    """Points as unit vectors in 3-D (shape ``(n, 3)``), for fast nearest-point search."""
    lon = np.radians(np.asarray(lon, dtype=float))
    lat = np.radians(np.asarray(lat, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def nearest_km(points: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance to, and index of, the nearest target for every point.

    The nearest point on the sphere is the one with the largest dot product of unit vectors, so the
    search is a matrix product (done in blocks to bound memory); the distance is then computed from the
    chord length, which is exact also for very short distances.

    Parameters
    ----------
    points, targets : numpy.ndarray
        Unit vectors as returned by :func:`unit_vectors`.

    Returns
    -------
    distance_km : numpy.ndarray
        Great-circle distance to the nearest target; ``nan`` for every point if there are no targets.
    index : numpy.ndarray
        Row of the nearest target in ``targets``; ``-1`` if there are none.
    """
    n = len(points)
    if len(targets) == 0:
        return np.full(n, np.nan), np.full(n, -1, dtype=np.intp)
    index = np.empty(n, dtype=np.intp)
    block = max(1, _BLOCK_ELEMENTS // len(targets))
    for start in range(0, n, block):
        index[start : start + block] = np.argmax(points[start : start + block] @ targets.T, axis=1)
    chord = np.linalg.norm(points - targets[index], axis=1)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), index
