"""Map categories of a region's status: order, German legend text and colour-blind-safe colours.

Colours from Paul Tol's schemes (designed to stay distinct under deuteranopia, protanopia and
tritanopia); the map uses one trace with a stepped colorscale over the category index instead of one
trace per category (plotly.py #2633, #5291).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Category:
    """One colour class of the map."""

    code: str
    label: str
    colour: str


CATEGORIES: tuple[Category, ...] = (
    Category("member", "Mitglied", "#004488"),
    Category("covered_via", "Über Amt/Kreis im Netzwerk", "#6699cc"),
    Category("committed", "Mitarbeit zugesagt", "#228833"),
    Category("in_talks", "Im Gespräch", "#ccbb44"),
    Category("requested", "Angefragt", "#ee7733"),
    Category("declined", "Kein Interesse", "#aa3377"),
    Category("left", "Ausgetreten", "#555555"),
    Category("not_contacted", "Nicht kontaktiert", "#e6eaee"),
)
INDEX = {c.code: i for i, c in enumerate(CATEGORIES)}


def categories(table: pd.DataFrame) -> np.ndarray:
    """Category code per region of a coverage table (own membership vs. covered through Amt/Kreis)."""
    effective = table["effective_status"].to_numpy(dtype=object)
    via_other = table["covered"].to_numpy(dtype=bool) & (table["via"].to_numpy(dtype=object) != "self")
    return np.where(via_other, "covered_via", effective)


def category_index(codes: np.ndarray) -> list[int]:
    """Position of each category in :data:`CATEGORIES` (the z value of the map)."""
    return [INDEX[c] for c in codes]


def stepped_colorscale() -> list[list]:
    """A colorscale with one flat band per category, for z = 0..n-1 with zmin -0.5, zmax n-0.5."""
    n = len(CATEGORIES)
    scale = []
    for i, category in enumerate(CATEGORIES):
        scale.append([i / n, category.colour])
        scale.append([(i + 1) / n, category.colour])
    return scale
