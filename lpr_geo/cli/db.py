"""``lpr-geo db``: schema upgrade, backup and restore of the register."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from lpr_geo.boundaries import Boundaries
from lpr_geo.register import backup, recreate_sample, restore, upgrade
from lpr_geo.register.database import head_revision, normalise_url, open_database, unavailable
from lpr_geo.settings import Settings

from .options import register_of, uses_settings
from .register_errors import reports_register_errors

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group()
def db() -> None:
    """Datenbank des Registers verwalten."""


@db.command("upgrade")
@uses_settings(db=True)
@reports_register_errors
def upgrade_command(settings: Settings) -> None:
    """Datenbankschema auf den aktuellen Stand bringen (legt eine leere Datenbank an)."""
    url = settings.register_url
    click.echo(settings.describe_register(), err=True)
    engine = open_database(url)  # creates a SQLite file's directory; fails clearly if unreachable
    try:
        upgrade(engine)
    except DBAPIError as error:  # e.g. a read-only SQLite file
        raise unavailable(error, url) from error
    parsed = make_url(normalise_url(url))
    click.echo(f"{parsed.render_as_string(hide_password=True)}: Schema auf Stand {head_revision()}")


@db.command("backup")
@click.argument("path", type=_FILE)
@uses_settings(db=True)
@reports_register_errors
def backup_command(path: Path, settings: Settings) -> None:
    """Konsistente Sicherung schreiben, auch während die Anwendung läuft."""
    backup(register_of(settings), path)
    click.echo(f"Sicherung nach {path} geschrieben")


@db.command("restore")
@click.argument("path", type=_FILE)
@uses_settings(db=True)
@reports_register_errors
def restore_command(path: Path, settings: Settings) -> None:
    """Register aus einer Sicherung wiederherstellen (ersetzt den aktuellen Inhalt)."""
    restore(register_of(settings), path)
    click.echo(f"Register aus {path} wiederhergestellt")


@db.command("sample")
@uses_settings(db=True)
@reports_register_errors
def sample_command(settings: Settings, boundaries: Boundaries) -> None:
    """Beispielregister (fiktive Einträge) neu anlegen, in einem leeren Register oder an seiner Stelle.

    Ein Register mit echten Daten bleibt unverändert (Fehler).
    """
    recreate_sample(register_of(settings), boundaries)
    click.echo(
        "Beispielregister angelegt (fiktive Einträge; »lpr-geo members import --beispiel-entfernen« "
        "ersetzt es durch echte Daten)"
    )
