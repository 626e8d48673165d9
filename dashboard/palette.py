"""Map categories of a region's status: order, German legend text, fill and border colours.

Fills come from Paul Tol's colour-blind-safe schemes, chosen so that every pair of categories stays
apart (CIELAB distance > 20) under simulated deuteranopia, protanopia and tritanopia; the test
``tests/dashboard/test_palette.py`` checks this and the contrast rules. Each fill gets the border
(white or dark) that contrasts with it by at least 3:1 (WCAG 1.4.11), so every region is delimited
even where its fill is close to the white background. The map uses one trace with a stepped
colorscale over the category index instead of one trace per category (plotly.py #2633, #5291).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

LIGHT_BORDER = "#ffffff"
DARK_BORDER = "#1d2b36"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Category:
    """One colour class of the map."""

    code: str
    label: str
    colour: str

    @cached_property
    def border(self) -> str:
        """White or dark, whichever contrasts more with the fill (computed once: the map asks per region)."""
        light, dark = contrast_ratio(self.colour, LIGHT_BORDER), contrast_ratio(self.colour, DARK_BORDER)
        return LIGHT_BORDER if light >= dark else DARK_BORDER


CATEGORIES: tuple[Category, ...] = (
    Category("member", "Mitglied", "#004488"),
    Category("covered_via", "Über Amt im Netzwerk", "#88ccee"),
    Category("committed", "Mitarbeit zugesagt", "#009988"),
    Category("in_talks", "Im Gespräch", "#ddcc77"),
    Category("requested", "Angefragt", "#ee7733"),
    Category("declined", "Kein Interesse", "#882255"),
    Category("left", "Ausgetreten", "#222222"),
    Category("not_contacted", "Nicht kontaktiert", "#e6eaee"),
)
INDEX = {c.code: i for i, c in enumerate(CATEGORIES)}
#: Legend text of "covered_via" when a member Kreis covers its Gemeinden and Ämter (setting
#: ``kreis_covers_gemeinden``); by default only an Amt covers others, and the label says just that.
COVERED_VIA_KREIS_LABEL = "Über Amt oder Kreis im Netzwerk"


def labels(kreis_covers_gemeinden: bool = False) -> dict[str, str]:
    """Category code -> legend text under the coverage rule in force."""
    result = {c.code: c.label for c in CATEGORIES}
    if kreis_covers_gemeinden:
        result["covered_via"] = COVERED_VIA_KREIS_LABEL
    return result


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
