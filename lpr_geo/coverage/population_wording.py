"""The population in the network in words: one wording for the dashboard's card and ``lpr-geo coverage``.

With Gemeinde figures the covered population is exact. With Kreis figures only (the bundled data) it is
known only between two bounds (see :mod:`lpr_geo.coverage.key_figures`); the bounds are said plainly, in
whole percent rounded outwards so that they stay true: "zwischen 11 % und 83 % der Einwohner". A bound
that says little is still said, with what it rests on, rather than hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lpr_geo.vocabulary import date, number, percent

from .key_figures import PopulationFigure, PopulationSource

#: What the figures rest on, by the level of the population figures.
_FIGURES_OF = {"gemeinde": "Gemeindezahlen", "kreis": "Kreiszahlen"}


@dataclass(frozen=True)
class PopulationWording:
    """The covered population as a short value (a card) and as a sentence (card detail, command line).

    Attributes
    ----------
    value : str
        "12,3 %", "11–83 %" or "keine Angabe".
    sentence : str
        E.g. "zwischen 11 % und 83 % der Einwohner (nur Kreiszahlen bekannt, Stand 31.12.2018: …)".
    """

    value: str
    sentence: str


def population_wording(figure: PopulationFigure | None, source: PopulationSource | None) -> PopulationWording:
    """Word the covered population of an area.

    Parameters
    ----------
    figure : PopulationFigure or None
        The area's population figure (:attr:`RegionFigures.population`).
    source : PopulationSource or None
        Where the figures come from (:attr:`CoverageFigures.population_source`).

    Returns
    -------
    PopulationWording
    """
    if figure is None or source is None:
        return PopulationWording("keine Angabe", "keine Einwohnerzahlen vorhanden")
    figures = _FIGURES_OF.get(source.level, source.level)
    stand = f", Stand {date(source.date)}" if source.date else ""
    if figure.exact:
        share = percent(figure.pct_min)
        counts = f"{number(figure.covered_min)} von {number(figure.total)}"
        return PopulationWording(share, f"{share} der Einwohner ({counts}; {figures}{stand})")
    low, high = math.floor(figure.pct_min), math.ceil(figure.pct_max)
    return PopulationWording(
        f"{low}–{high} %",
        f"zwischen {low} % und {high} % der Einwohner (nur {figures} bekannt{stand}: mindestens die "
        "Einwohner der Kreise, deren Gemeinden alle im Netzwerk sind, höchstens die aller Kreise mit "
        "einer Gemeinde im Netzwerk)",
    )
