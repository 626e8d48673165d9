"""``lpr-geo members``: import and export the member register, list and add networks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from lpr_geo.boundaries import Boundaries
from lpr_geo.register import (
    SampleRegisterError,
    add_network,
    export_members,
    import_members,
    networks,
    register_holds_sample,
)
from lpr_geo.register.errors import FileTooLarge
from lpr_geo.settings import SETTINGS, Settings
from lpr_geo.spreadsheets import ReadLimits

from .options import register_of, shown_register, uses_settings
from .register_errors import reports_register_errors

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group()
def members() -> None:
    """Mitgliederregister importieren und exportieren."""


@members.command("import")
@click.argument("path", type=_FILE)
@click.option("--dry-run", is_flag=True, help="Nur prüfen und berichten, nichts speichern.")
@click.option(
    "--network",
    default=None,
    metavar="NAME",
    help="Netzwerk für Zeilen ohne Spalte »Netzwerk« (Standard: AG 4).",
)
@click.option(
    "--beispiel-entfernen",
    "remove_sample",
    is_flag=True,
    help="Enthält das Register noch das Beispielregister, es im selben Schritt entfernen (ohne diese "
    "Option wird der Import dann abgelehnt; lpr-geo db sample stellt es wieder her).",
)
@uses_settings(db=True)
@reports_register_errors
def import_command(
    path: Path,
    dry_run: bool,
    network: str | None,
    remove_sample: bool,
    settings: Settings,
    boundaries: Boundaries,
) -> None:
    """Mitgliederliste (CSV oder XLSX) einlesen: erst prüfen, dann ganz oder gar nicht übernehmen.

    Dateien über der Größengrenze (Standard 10 MB, Umgebungsvariable LPR_GEO_IMPORT_MAX_MB) werden
    abgelehnt, ohne sie zu lesen; beim Lesen endet es an der ersten Zeile oder Zelle über den Grenzen
    (Standard 50.000 Datenzeilen, LPR_GEO_IMPORT_MAX_ROWS; 1.000.000 Zellen, LPR_GEO_IMPORT_MAX_CELLS).
    """
    engine = register_of(settings)
    try:
        report = import_members(
            engine,
            path,
            network=network,
            dry_run=dry_run,
            limits=ReadLimits.from_settings(settings),
            remove_sample=remove_sample,
            boundaries=boundaries,
        )
    except SampleRegisterError as error:
        raise SampleRegisterError(
            f"{error} Mit --beispiel-entfernen wird es im selben Schritt entfernt; »lpr-geo db sample« "
            "stellt es wieder her."
        ) from error
    except FileTooLarge as error:
        env = next(s.env for s in SETTINGS if s.name == error.setting)
        raise FileTooLarge(
            f"{error} (Grenze einstellbar mit der Umgebungsvariablen {env})",
            error.size,
            error.limit,
            error.setting,
        ) from error
    click.echo(report.text(), err=not report.ok)
    if dry_run and not remove_sample and register_holds_sample(engine):
        click.echo(
            "Hinweis: Das Register enthält noch das Beispielregister; übernommen wird nur mit "
            "--beispiel-entfernen (es wird dann im selben Schritt entfernt).",
            err=True,
        )
    if not report.ok:
        raise SystemExit(1)


@members.command("export")
@click.argument("path", type=_FILE)
@click.option("--network", default=None, metavar="NAME", help="Nur dieses Netzwerk (Standard: alle).")
@uses_settings(db=True)
@reports_register_errors
def export_command(path: Path, network: str | None, settings: Settings, boundaries: Boundaries) -> None:
    """Register als CSV oder XLSX schreiben (Format nach Dateiendung); wieder importierbar."""
    engine = shown_register(settings, boundaries)
    count = export_members(engine, path, network=network, boundaries=boundaries)
    click.echo(f"{count} Zeilen nach {path} geschrieben")


@members.command("networks")
@uses_settings(db=True)
@reports_register_errors
def networks_command(settings: Settings, boundaries: Boundaries) -> None:
    """Netzwerke im Register auflisten."""
    for name in networks(shown_register(settings, boundaries)):
        click.echo(name)


@members.command("add-network")
@click.argument("name")
@click.option(
    "--founded", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), default=None, help="Gründungsdatum."
)
@click.option("--description", default="", help="Beschreibung.")
@uses_settings(db=True)
@reports_register_errors
def add_network_command(name: str, founded: dt.datetime | None, description: str, settings: Settings) -> None:
    """Weiteres Netzwerk anlegen, etwa einen kommunalen Präventionsrat."""
    engine = register_of(settings)
    add_network(engine, name, founded=founded.date() if founded else None, description=description)
    click.echo(f"Netzwerk »{name}« angelegt")
