"""Names on a zoomed map: as many region names as fit without overlapping, the most important first.

Plotly draws text labels wherever they are put; it has no collision handling. So the labels of a Kreis
view are chosen here, once per view: each name's box is estimated from its length and font size in the
map's projected coordinates (Mercator, as drawn), scaled to a reference map size no larger than the map
in the dashboard or any export (text keeps its pixel size, so a larger map only adds room). Greedy:
the most important region first (towns, then more inhabitants, then more area), each name placed at
its label point if its box hits no box placed before, else skipped. At most :data:`MAX_CANDIDATES`
names are tried, so the work stays bounded whatever the dataset holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Size in pixels the placement assumes for the map's extent (smaller than the map in the dashboard
#: at desktop width and than every export: labels chosen for it do not overlap in those either).
REFERENCE_SIZE = (760, 520)
#: Font size of the names in pixels.
FONT_SIZE = 11
#: Average glyph width and line height per font pixel (Arial / system sans, generous), plus a gap.
CHAR_WIDTH, LINE_HEIGHT, GAP = 0.6, 1.3, 3.0
#: Most names tried per view (a Kreis has up to ~60 Gemeinden).
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Labels:
    """The names that fit, with their positions (degrees) and boxes (reference pixels)."""

    lon: list[float]
    lat: list[float]
    text: list[str]
    boxes: np.ndarray  # (n, 4): x0, y0, x1, y1


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates as plotly's mercator map draws them (radians; y grows northwards)."""
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    return lon_r, np.log(np.tan(np.pi / 4 + lat_r / 2))


def text_boxes(x: np.ndarray, y: np.ndarray, text: list[str], font_size: float = FONT_SIZE) -> np.ndarray:
    """Boxes ``(x0, y0, x1, y1)`` of centred one-line texts at pixel positions, a small gap included."""
    widths = np.array([len(t) for t in text], dtype=float) * font_size * CHAR_WIDTH + GAP
    height = font_size * LINE_HEIGHT + GAP
    return np.column_stack([x - widths / 2, y - height / 2, x + widths / 2, y + height / 2])


def to_pixels(
    lon: np.ndarray, lat: np.ndarray, extent: tuple[list[float], list[float]], size=REFERENCE_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in pixels of a map of ``size`` showing ``extent`` (lon range, lat range), fit as plotly fits."""
    (west, east), (south, north) = extent
    x0, y0 = mercator(np.array([west]), np.array([south]))
    x1, y1 = mercator(np.array([east]), np.array([north]))
    scale = min(size[0] / float(x1[0] - x0[0]), size[1] / float(y1[0] - y0[0]))
    x, y = mercator(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return (x - x0[0]) * scale, (y1[0] - y) * scale


def overlapping(boxes: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap (for checks; quadratic, fine for the few labels of one view)."""
    x0, y0, x1, y1 = (boxes[:, i][:, None] for i in range(4))
    hit = (x0 < x1.T) & (x0.T < x1) & (y0 < y1.T) & (y0.T < y1)
    np.fill_diagonal(hit, False)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(hit)), strict=True)]


def importance(frame: pd.DataFrame) -> pd.Index:
    """Row order of a layer, most important first: towns, then inhabitants, then area."""
    town = frame["bez"].astype(str).str.contains("Stadt", case=False)
    population = pd.to_numeric(frame.get("population"), errors="coerce") if "population" in frame else None
    order = pd.DataFrame(
        {
            "town": town.astype(int),
            "population": population.fillna(0) if population is not None else 0,
            "area": pd.to_numeric(frame["area_km2"], errors="coerce").fillna(0),
        },
        index=frame.index,
    )
    return order.sort_values(["town", "population", "area"], ascending=False, kind="stable").index


def place(frame: pd.DataFrame, extent: tuple[list[float], list[float]], names: dict[str, str]) -> Labels:
    """The names of a layer's regions that fit on the map of ``extent``, without overlap.

    Parameters
    ----------
    frame : pandas.DataFrame
        Regions with ``name``, ``bez``, ``area_km2``, ``label_lon``, ``label_lat`` (``population`` if known).
    extent : (lon range, lat range)
        What the map shows.
    names : dict
        Shorter forms of long names (the map's abbreviations).
    """
    rows = frame.loc[importance(frame)[:MAX_CANDIDATES]]
    text = [names.get(n, n) for n in rows["name"].astype(str)]
    x, y = to_pixels(rows["label_lon"].to_numpy(), rows["label_lat"].to_numpy(), extent)
    boxes = text_boxes(x, y, text)
    kept: list[int] = []
    for i, box in enumerate(boxes):
        if kept:
            other = boxes[kept]
            if np.any(
                (box[0] < other[:, 2])
                & (other[:, 0] < box[2])
                & (box[1] < other[:, 3])
                & (other[:, 1] < box[3])
            ):
                continue
        kept.append(i)
    return Labels(
        lon=rows["label_lon"].to_numpy()[kept].tolist(),
        lat=rows["label_lat"].to_numpy()[kept].tolist(),
        text=[text[i] for i in kept],
        boxes=boxes[kept],
    )
