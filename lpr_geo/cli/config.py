"""``lpr-geo settings``: every setting with its value and where the value came from."""

from __future__ import annotations

import click

from lpr_geo.settings import SETTINGS, Settings, markdown_table

from .options import uses_settings


def _shown(value: object, secret: bool) -> str:
    if value is None or value == ():
        return "–"
    if secret:
        return "(gesetzt, wird nicht angezeigt)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(value) if isinstance(value, tuple) else str(value)


@click.command("settings")
@click.option("--markdown", is_flag=True, help="Die Tabelle aller Einstellungen für die README ausgeben.")
@uses_settings(db=True)
def settings_command(markdown: bool, settings: Settings) -> None:
    """Einstellungen mit ihrem Wert und ihrer Herkunft (Option, Umgebung, TOML-Datei, Voreinstellung)."""
    if markdown:
        click.echo(markdown_table())
        return
    if settings.config_file is not None:
        click.echo(f"Konfigurationsdatei: {settings.config_file}")
    for setting in SETTINGS:
        value = _shown(getattr(settings, setting.name), setting.secret)
        click.echo(f"{setting.name} = {value}  ({settings.source(setting.name)})")
    click.echo(settings.describe_register())
