"""The key figures as the dashboard, the embed view and the exports word them (one wording)."""

from __future__ import annotations

from lpr_geo import CoverageFigures, RegionFigures, population_wording
from lpr_geo import vocabulary as words


def area_figures(figures: CoverageFigures, kreis: str | None) -> tuple[RegionFigures, str]:
    """The figures of the area shown (one Kreis or the whole dataset) and its name."""
    if kreis:
        found = next(k for k in figures.kreise if k.key == kreis)
        return found.figures, found.name
    return figures.total, "Brandenburg"


def key_figures(figures: CoverageFigures, kreis: str | None = None) -> list[tuple[str, str, str]]:
    """(title, value, detail) of members, Gemeinden, area and population in the network."""
    area, _ = area_figures(figures, kreis)
    wording = population_wording(area.population, figures.population_source)
    return [
        (
            "Mitglieder",
            words.number(area.members_by_status.get("member", 0)),
            "Regionen mit eigenem Beitritt",
        ),
        (
            "Gemeinden im Netzwerk",
            f"{words.number(area.gemeinden_covered)} von {words.number(area.gemeinden)}",
            f"{words.percent(area.gemeinden_covered_pct)}; {area.gemeinden_committed} weitere "
            f"{words.conjugated(area.gemeinden_committed, 'hat', 'haben')} zugesagt",
        ),
        (
            "Fläche im Netzwerk",
            words.percent(area.area_covered_pct),
            f"{words.number(area.area_covered_km2)} von {words.number(area.area_km2)} km²",
        ),
        ("Bevölkerung im Netzwerk", wording.value, wording.sentence),
    ]
