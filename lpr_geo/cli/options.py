"""How every command gets its settings, and options shared by several commands, as reusable decorators."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import click
from sqlalchemy import Engine

from lpr_geo.boundaries import Boundaries
from lpr_geo.register import ensure_sample_register, open_register
from lpr_geo.settings import SETTINGS, Settings, SettingsError, load_settings

_DB_HELP = next(s for s in SETTINGS if s.name == "db_url")
#: Command-line flags that set a setting, by setting name, as they are spelled.
FLAGS = {"db_url": "--db"}


def fail(message: object) -> None:
    """End the command with ``Fehler: ...`` (one German line) on stderr and exit status 1."""
    click.echo(f"Fehler: {message}", err=True)
    raise SystemExit(1)


def uses_settings(*, db: bool = False) -> Callable:
    """Give the command its resolved :class:`Settings` as the keyword ``settings``, if it names one.

    Every command resolves its settings the same way, through :func:`lpr_geo.settings.load_settings`:
    flags > environment > TOML file (``LPR_GEO_CONFIG``) > defaults. A command that names a
    ``boundaries`` parameter gets the active boundary dataset of the data directory
    (:meth:`lpr_geo.boundaries.Boundaries.active`, the last imported one, else the bundled one). With
    ``db=True`` the command gets ``--db URL``.
    """

    def decorate(command: Callable) -> Callable:
        parameters = inspect.signature(command).parameters

        @functools.wraps(command)
        def wrapper(*args, db_url: str | None = None, **kwargs):
            try:
                settings = load_settings({"db_url": db_url}, flag_names=FLAGS)
            except SettingsError as error:
                fail(error)
            if "settings" in parameters:
                kwargs["settings"] = settings
            if "boundaries" in parameters:
                kwargs["boundaries"] = Boundaries.active(settings)
            return command(*args, **kwargs)

        if db:
            return click.option(
                "--db",
                "db_url",
                default=None,
                metavar="URL",
                help=f"{_DB_HELP.help} Voreinstellung: ${_DB_HELP.env}, sonst db_url aus der TOML-Datei "
                f"in $LPR_GEO_CONFIG, sonst {_DB_HELP.default_text}.",
            )(wrapper)
        return wrapper

    return decorate


def register_of(settings: Settings) -> Engine:
    """Open the register the settings name, and say on stderr which one it is."""
    click.echo(settings.describe_register(), err=True)
    return open_register(settings)


def shown_register(settings: Settings, boundaries: Boundaries) -> Engine:
    """Open the register a command shows, filled with the sample on first use like ``lpr-geo serve``.

    Commands that show the register (coverage, gaps, route, members export and networks) and the dashboard
    see the same register from the first command on; commands that write or restore it open it as it is.
    """
    click.echo(settings.describe_register(), err=True)
    return ensure_sample_register(settings, boundaries)
