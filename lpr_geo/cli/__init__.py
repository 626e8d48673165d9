"""The ``lpr-geo`` console script: parse, validate, build the core object, run.

Each command group lives in its own module and is registered here. Commands of the web layer
(``serve``, exports) are contributed by the ``dashboard`` package through the entry-point group
``lpr_geo.commands``, so this package never imports the web app (imports go dashboard -> lpr_geo).
Only this package (and the WSGI entry point) reads settings, and every command the same way
(:func:`.options.uses_settings`), which also hands the commands that need boundaries the active dataset
(the last imported one, else the bundled one).
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from . import german
from .analysis import coverage, gaps, route
from .config import settings_command
from .db import db
from .followups import followups_command
from .geodata import geodata
from .members import members
from .options import fail, uses_settings
from .privacy import privacy
from .users import users

#: What a command plugin needs: settings (and boundaries) handed over, errors in one German line.
__all__ = ["fail", "main", "uses_settings"]

german.install()  # before @click.version_option below, which words its help text when applied


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lpr-geo")
def main() -> None:
    """Abdeckungskarte des Netzwerks Kriminalprävention vor Ort (Landespräventionsrat Brandenburg)."""


main.add_command(geodata)
main.add_command(coverage)
main.add_command(gaps)
main.add_command(route)
main.add_command(members)
main.add_command(db)
main.add_command(users)
main.add_command(privacy)
main.add_command(followups_command)
main.add_command(settings_command)
for _entry in entry_points(group="lpr_geo.commands"):
    main.add_command(_entry.load(), _entry.name)
german.localise(main)
