"""The key figures as the dashboard, the embed view and the exports word them (one wording)."""

from __future__ import annotations

from lpr_geo import CoverageFigures, RegionFigures

from .text import german_date, german_number, percent

POPULATION_LEVEL = {"gemeinde": "Gemeindeebene", "kreis": "Kreisebene"}


def area_figures(figures: CoverageFigures, kreis: str | None) -> tuple[RegionFigures, str]:
    """The figures of the area shown (one Kreis or the whole dataset) and its name."""
    if kreis:
        found = next(k for k in figures.kreise if k.key == kreis)
        return found.figures, found.name
    return figures.total, "Brandenburg"


#: A population share known only within more than this many percentage points is shown as not determinable.
UNINFORMATIVE_SPAN = 50


def _population(area: RegionFigures, figures: CoverageFigures) -> tuple[str, str]:
    pop, source = area.population, figures.population_source
    if pop is None or source is None:
        return "keine Angabe", "keine Bevölkerungszahlen vorhanden"
    origin = f"{POPULATION_LEVEL.get(source.level, source.level)}, Stand {german_date(source.date)}"
    if pop.exact:
        return percent(
            pop.pct_min
        ), f"{german_number(pop.covered_min)} von {german_number(pop.total)} ({origin})"
    if pop.pct_max - pop.pct_min > UNINFORMATIVE_SPAN:
        # e.g. one Kreis with members but no Gemeinde figures: "0–100 %" would say nothing
        return "nicht bestimmbar", f"Gemeindezahlen fehlen; aus Kreiszahlen ({origin}) keine engere Spanne"
    return (
        f"{german_number(pop.pct_min, 1)}–{percent(pop.pct_max)}",
        f"Spanne: Gemeindezahlen nicht importiert, daher aus Kreiszahlen ({origin})",
    )


def key_figures(figures: CoverageFigures, kreis: str | None = None) -> list[tuple[str, str, str]]:
    """(title, value, detail) of members, Gemeinden, area and population in the network."""
    area, _ = area_figures(figures, kreis)
    return [
        (
            "Mitglieder",
            german_number(area.members_by_status.get("member", 0)),
            "Regionen mit eigenem Beitritt",
        ),
        (
            "Gemeinden im Netzwerk",
            f"{area.gemeinden_covered} von {area.gemeinden}",
            f"{percent(area.gemeinden_covered_pct)}; {area.gemeinden_committed} weitere haben zugesagt",
        ),
        (
            "Fläche im Netzwerk",
            percent(area.area_covered_pct),
            f"{german_number(area.area_covered_km2)} von {german_number(area.area_km2)} km²",
        ),
        ("Bevölkerung im Netzwerk", *_population(area, figures)),
    ]
