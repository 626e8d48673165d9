"""Options shared by several commands, as reusable decorators."""

from __future__ import annotations

import click

from lpr_geo.settings import Settings

db_option = click.option(
    "--db",
    "db_url",
    envvar="LPR_GEO_DB",
    default=None,
    metavar="URL",
    help="Datenbank des Registers (SQLAlchemy-URL). Standard: $LPR_GEO_DB, sonst eingebettete SQLite-Datei.",
)


def settings_from(db_url: str | None = None) -> Settings:
    """Settings from the environment with the command line's overrides."""
    return Settings.from_env(db_url=db_url)
