"""``lpr-geo coverage``, ``gaps`` and ``route``: the coverage engine on the register."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import click
import pandas as pd

from lpr_geo.boundaries import Boundaries
from lpr_geo.coverage import (
    CoverageOptions,
    PriorityWeights,
    coverage_figures,
    coverage_tables,
    find_gaps,
    load_layers,
    nearby_gaps,
    plan_route,
    population_wording,
    priority_key,
    resolve_place,
)
from lpr_geo.coverage.gap_table import gap_csv, gap_table, gap_text
from lpr_geo.coverage.priority import GROUP_DECLINED
from lpr_geo.register import DEFAULT_NETWORK, last_contacts, networks, status_events
from lpr_geo.settings import Settings
from lpr_geo.status import Status
from lpr_geo.vocabulary import REGION, date

from .options import shown_register, uses_settings
from .register_errors import reports_register_errors

_network_option = click.option(
    "--network",
    default=None,
    metavar="NAME",
    help=f"Netzwerk (Standard: {DEFAULT_NETWORK}, falls vorhanden).",
)
_date_option = click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="JJJJ-MM-TT",
    help="Stichtag (Standard: heute).",
)


def _reports_value_errors(command: Callable) -> Callable:
    """Print engine errors (unknown key, network, bad data) as ``Fehler: ...`` and exit with status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValueError as error:
            click.echo(f"Fehler: {error}", err=True)
            raise SystemExit(1) from error

    return wrapper


def _register(
    settings: Settings, boundaries: Boundaries, network: str | None, on: dt.date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """Status events and last contacts (up to ``on``) of the chosen network (default: AG 4 if present)."""
    engine = shown_register(settings, boundaries)
    known = networks(engine)
    if network is None and DEFAULT_NETWORK in known:
        network = DEFAULT_NETWORK
    elif network is not None and network not in known:
        raise ValueError(f"unbekanntes Netzwerk {network!r}; vorhanden: {', '.join(known) or 'keine'}")
    return status_events(engine, network), last_contacts(engine, network, on), network


def _pct(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


def _km2(value: float) -> str:
    return f"{value:,.0f} km²".replace(",", ".")


@click.command("coverage")
@_date_option
@click.option("--json", "as_json", is_flag=True, help="Kennzahlen als JSON ausgeben.")
@_network_option
@uses_settings(db=True)
@reports_register_errors
@_reports_value_errors
def coverage(
    on: dt.datetime | None, as_json: bool, network: str | None, settings: Settings, boundaries: Boundaries
) -> None:
    """Abdeckung landesweit und je Kreis: Gemeinden, Fläche, Einwohner, Mitglieder."""
    events, _, network = _register(settings, boundaries, network)
    figures = coverage_figures(
        coverage_tables(
            load_layers(boundaries),
            events,
            on.date() if on else None,
            network=network,
            options=CoverageOptions.from_settings(settings),
        )
    )
    if as_json:
        click.echo(figures.to_json(indent=2))
        return
    total = figures.total
    click.echo(
        f"Abdeckung am {dt.date.fromisoformat(figures.date):%d.%m.%Y} – {figures.network or 'kein Netzwerk'}"
    )
    covered = f"{total.gemeinden_covered} von {total.gemeinden}"
    click.echo(f"Gemeinden abgedeckt: {covered} ({_pct(total.gemeinden_covered_pct)})")
    click.echo(f"Mitarbeit zugesagt (nicht mitgezählt): {total.gemeinden_committed} Gemeinden")
    area = f"{_km2(total.area_covered_km2)} von {_km2(total.area_km2)}"
    click.echo(f"Fläche abgedeckt: {area} ({_pct(total.area_covered_pct)})")
    population = population_wording(total.population, figures.population_source)
    click.echo(f"Bevölkerung im Netzwerk: {population.sentence}")
    counts = ", ".join(f"{Status(code).label}: {n}" for code, n in total.members_by_status.items() if n)
    click.echo(f"Teilnehmer nach Status: {counts or 'keine'}")
    click.echo("")
    click.echo(f"{'Kreis':<32} {'Gemeinden':>14} {'Fläche':>9}  Status des Kreises")
    for kreis in figures.kreise:
        f = kreis.figures
        click.echo(
            f"{kreis.name:<32} {f.gemeinden_covered:>4} von {f.gemeinden:<4}  {_pct(f.area_covered_pct):>9}  "
            f"{Status(kreis.status).label}"
        )
    names = {k.key: k.name for k in figures.kreise}
    without = ", ".join(names[k] for k in figures.kreise_without_member)
    click.echo(f"\nKreise ohne jedes Mitglied: {without or 'keine'}")
    if figures.unmatched_keys:
        click.echo(
            "Hinweis: Schlüssel im Register, die im Gebietsstand fehlen: "
            + ", ".join(figures.unmatched_keys),
            err=True,
        )


@click.command("gaps")
@click.option(
    "--level",
    type=click.Choice(["gemeinde", "amt", "kreis"]),
    default="gemeinde",
    show_default=True,
    help="Ebene der Gebiete.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Vollständige Liste als CSV speichern (UTF-8, Semikolon, deutsche Spaltennamen und Zahlen).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Angezeigte Zeilen je Gruppe (Rangliste, zurückgestellt, abgelehnt).",
)
@click.option(
    "--mit-abgelehnten",
    "--with-declined",
    "with_declined",
    is_flag=True,
    help="Auch Regionen mit »Kein Interesse« oder »Ausgetreten« aufführen, mit dem Datum, ab dem sie "
    "erneut angesprochen werden können.",
)
@_date_option
@_network_option
@uses_settings(db=True)
@reports_register_errors
@_reports_value_errors
def gaps(
    level: str,
    csv_path: Path | None,
    limit: int,
    with_declined: bool,
    on: dt.datetime | None,
    network: str | None,
    settings: Settings,
    boundaries: Boundaries,
) -> None:
    """Gebiete, die noch nicht im Netzwerk sind, nach Priorität geordnet, mit Begründung je Zeile."""
    day = on.date() if on else dt.date.today()
    events, contacts, network = _register(settings, boundaries, network, day)
    options = CoverageOptions.from_settings(settings)
    tables = coverage_tables(load_layers(boundaries), events, day, network=network, options=options)
    weights = PriorityWeights.from_settings(settings)
    result = find_gaps(tables, level, contacts, weights)
    table = gap_table(result, with_declined=with_declined)
    if csv_path is not None:
        try:
            csv_path.write_bytes(gap_csv(table))
        except OSError as error:
            raise ValueError(f"{csv_path}: nicht schreibbar ({error.strerror})") from error
        click.echo(f"{REGION.count(len(table))} nach {csv_path} geschrieben.")
    click.echo(f"{REGION.count(len(result))} noch nicht im Netzwerk (Stand {date(tables.on)}).")
    click.echo(priority_key(weights))
    for line in gap_text(table, limit):
        click.echo(line)
    declined = int((result["group"] == GROUP_DECLINED).sum())
    if declined and not with_declined:
        click.echo(
            f"Nicht aufgeführt: {REGION.count(declined)} mit »Kein Interesse« oder »Ausgetreten« "
            "(--mit-abgelehnten zeigt sie)."
        )


@click.command("route")
@click.argument("keys", nargs=-1, required=True)
@click.option(
    "--start",
    default="potsdam",
    show_default=True,
    metavar="potsdam|SCHLÜSSEL|LÄNGE,BREITE",
    help="Start und Ziel; »potsdam« ist das Ministerium des Innern und für Kommunales.",
)
@click.option(
    "--radius",
    type=click.FloatRange(min=0),
    default=15.0,
    show_default=True,
    help="Vorschläge: Gebiete ohne Mitgliedschaft bis zu so vielen km von einem Halt.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="DATEI",
    help="Besuchsplan als PDF speichern (eine A4-Seite: Karte mit Route, Stationen mit Status und letztem "
    "Kontakt, Vorschläge in der Nähe).",
)
@_network_option
@uses_settings(db=True)
@reports_register_errors
@_reports_value_errors
def route(
    keys: tuple[str, ...],
    start: str,
    radius: float,
    pdf_path: Path | None,
    network: str | None,
    settings: Settings,
    boundaries: Boundaries,
) -> None:
    """Besuchsreihenfolge ab Potsdam durch die angegebenen Gebiete (Schlüssel) und zurück."""
    layers = load_layers(boundaries)
    origin = resolve_place(layers, start)
    stops = [resolve_place(layers, key) for key in keys]
    plan = plan_route(origin, stops)
    click.echo(f"Start und Ziel: {origin.name}")
    for number, leg in enumerate(plan.legs, 1):
        click.echo(
            f"{number:>2}. {leg.origin.name} → {leg.destination.name}: "
            f"{leg.km:.0f} km, ca. {leg.minutes:.0f} min"
        )
    hours, minutes = divmod(int(plan.total_minutes), 60)
    click.echo(
        f"Gesamt: {plan.total_km:.0f} km, reine Fahrzeit ca. {hours} h {minutes:02d} min "
        "(Luftlinie × 1,3, Schnitt 60 km/h; Schätzung)"
    )
    events, _, network = _register(settings, boundaries, network)
    tables = coverage_tables(layers, events, network=network, options=CoverageOptions.from_settings(settings))
    nearby = nearby_gaps(plan, find_gaps(tables), radius_km=radius)
    for suggestion in nearby:
        click.echo(suggestion.text)
    if pdf_path is not None:
        write_sheet = _renderer("route-sheet")
        write_sheet(settings, boundaries, keys=list(keys), start=start, radius_km=radius, network=network,
                    on=dt.date.today(), out=pdf_path)  # fmt: skip
        click.echo(f"Besuchsplan nach {pdf_path} geschrieben.")


def _renderer(name: str) -> Callable:
    """A printable document's renderer from the web layer (entry-point group ``lpr_geo.renderers``).

    The PDF is drawn by the dashboard's map in Chromium; the core never imports the web app, so it finds
    the renderer the way it finds the web commands (see :mod:`lpr_geo.cli`).
    """
    found = entry_points(group="lpr_geo.renderers", name=name)
    if not found:
        raise ValueError("PDF-Ausgabe nicht verfügbar: das Paket »dashboard« ist nicht installiert.")
    return next(iter(found)).load()
