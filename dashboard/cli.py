"""Commands the dashboard contributes to ``lpr-geo`` (entry-point group ``lpr_geo.commands``)."""

from __future__ import annotations

import click

from lpr_geo.cli.options import db_option, settings_from


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse, an der der Server lauscht.")
@click.option("--port", default=8050, show_default=True, type=int, help="Port des Servers.")
@db_option
def serve(host: str, port: int, db_url: str | None) -> None:
    """Dashboard starten (Standard: eingebettete SQLite-Datenbank mit Beispielregister)."""
    from .app import create_app  # the web stack loads only for this command

    app = create_app(settings_from(db_url))
    click.echo(f"Dashboard: http://{host}:{port}/")
    app.run(host=host, port=port, debug=False)
