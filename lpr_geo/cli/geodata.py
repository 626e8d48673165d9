"""``lpr-geo geodata``: show the active boundary dataset, import newer VG250 releases and population."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import click

from lpr_geo.boundaries import Boundaries, active_dir, read_dataset
from lpr_geo.boundaries.active import activate, store_dataset
from lpr_geo.boundaries.imports import prepare_vg250
from lpr_geo.boundaries.population import PopulationError, attach_population, read_gv_isys
from lpr_geo.boundaries.vg250 import VG250Error
from lpr_geo.register import succession
from lpr_geo.settings import Settings
from lpr_geo.spreadsheets import ReadLimits

from .options import fail, register_of, uses_settings
from .register_errors import reports_register_errors

_stand_option = click.option(
    "--stand",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="JJJJ-MM-TT",
    help="Stichtag der Daten, falls er nicht aus Datei- bzw. Blattnamen hervorgeht.",
)


@click.group()
def geodata() -> None:
    """Grenzdaten (VG250) und Einwohnerzahlen anzeigen und aktualisieren."""


@geodata.command("info")
@uses_settings()
def info(boundaries: Boundaries) -> None:
    """JSON: aktiver Datensatz, Stichtag, Namensnennung, Einwohnerzahlen und Anzahl je Ebene."""
    click.echo(json.dumps(boundaries.info(), ensure_ascii=False, indent=2))


@geodata.command("import-vg250")
@click.argument("path", type=click.Path(path_type=Path))
@_stand_option
@click.option("--dry-run", is_flag=True, help="Nur prüfen und berichten, nichts ändern.")
@click.option(
    "--apply-succession",
    "apply",
    is_flag=True,
    help="Registereinträge weggefallener Schlüssel auf den Nachfolger übertragen.",
)
@uses_settings(db=True)
@reports_register_errors
def import_vg250(
    path: Path, stand: dt.datetime | None, dry_run: bool, apply: bool, settings: Settings
) -> None:
    """VG250-Download des BKG (ZIP, Ordner oder GeoPackage, EPSG:25832) prüfen und aktivieren.

    Der neue Gebietsstand wird nur aktiv, wenn alle Prüfungen bestehen. Schlüssel, die wegfallen,
    werden mit ihrem Nachfolger (größter Flächenanteil) berichtet; Registereinträge mit solchen
    Schlüsseln werden nur mit --apply-succession übertragen, sonst bleibt der alte Stand aktiv.
    """
    current = active_dir(settings)
    try:
        prepared = prepare_vg250(path, current, stand.date() if stand else None)
    except VG250Error as error:
        fail(f"{error}. Der aktive Datensatz bleibt unverändert.")
    click.echo(prepared.text())
    if not prepared.ok:
        fail(f"Import abgebrochen; der aktive Datensatz ({current.name}) bleibt unverändert.")

    rekeys = [
        succession.Rekey(c.level, c.key, c.successor.key, c.successor.name)
        for c in prepared.changes
        if c.kind == "weggefallen" and c.successor is not None
    ]
    engine = register_of(settings) if rekeys else None
    try:
        migrations = succession.preview_succession(engine, rekeys) if engine is not None else []
    except succession.SuccessionConflict as error:
        fail(f"{error} Der aktive Datensatz bleibt unverändert.")
    for migration in migrations:
        click.echo(migration.text())
    if dry_run:
        click.echo("Probelauf: nichts geändert.")
        return
    if migrations and not apply:
        fail(
            f"{len(migrations)} Registereinträge verwenden weggefallene Schlüssel. Zum Übertragen auf die "
            "Nachfolger den Import mit --apply-succession wiederholen; bis dahin bleibt der aktive "
            "Datensatz unverändert."
        )

    directory = store_dataset(prepared.dataset, settings, prepared.directory_name)
    if migrations:
        try:
            succession.apply_succession(
                engine, rekeys, note=f"Gebietsstand VG250 {prepared.reference_date:%d.%m.%Y}"
            )
        except BaseException:
            shutil.rmtree(directory)
            raise
        click.echo(f"{len(migrations)} Registereinträge auf ihre Nachfolger übertragen.")
    activate(directory, settings)
    click.echo(f"Aktiver Datensatz: {prepared.dataset.meta['name']} ({directory})")


@geodata.command("import-population")
@click.argument("path", type=click.Path(path_type=Path))
@_stand_option
@uses_settings()
def import_population(path: Path, stand: dt.datetime | None, settings: Settings) -> None:
    """Einwohnerzahlen der Gemeinden aus dem GV-ISys-Auszug (Auszug_GV.xlsx) übernehmen.

    Gemeinden werden nur über den amtlichen Gemeindeschlüssel zugeordnet; Schlüssel, die im aktiven
    Gebietsstand fehlen, werden berichtet, nicht geraten. Es entsteht eine neue Fassung des aktiven
    Datensatzes, die sofort aktiv wird.
    """
    current = active_dir(settings)
    try:
        table = read_gv_isys(path, "12", stand.date() if stand else None, ReadLimits.from_settings(settings))
    except PopulationError as error:
        fail(f"{error}. Nichts geändert.")
    dataset, report = attach_population(read_dataset(current), table)
    base = re.sub(r"(-ew-\d{4}-\d\d-\d\d)?(-\d+)?$", "", current.name)
    directory = store_dataset(dataset, settings, f"{base}-ew-{table.reference_date.isoformat()}")
    activate(directory, settings)
    click.echo(report.text(table))
    click.echo(f"Aktiver Datensatz: {dataset.meta['name']}, Einwohner Stand {table.reference_date:%d.%m.%Y}")
