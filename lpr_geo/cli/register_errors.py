"""Turning register errors into a German message and a non-zero exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from lpr_geo.register import RegisterError


def reports_register_errors(command: Callable) -> Callable:
    """Decorate a command so a :class:`RegisterError` prints ``Fehler: ...`` and exits with status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RegisterError as error:
            click.echo(f"Fehler: {error}", err=True)
            raise SystemExit(1) from error

    return wrapper
