"""``lpr-geo users``: local accounts of the dashboard (add, list, set-role, deactivate).

Passwords are read from a hidden prompt (typed twice), from ``--password-stdin`` or from the
environment variable ``LPR_GEO_NEW_PASSWORD`` (scripts); they are never echoed, logged or accepted as a
command-line argument (which would show in the process list and the shell history).
"""

from __future__ import annotations

import os
import sys

import click

from lpr_geo.auth import ROLE_LABELS, add_user, deactivate_user, list_users, set_role
from lpr_geo.register import open_register
from lpr_geo.register.models import ROLES

from .options import db_option, settings_from
from .register_errors import reports_register_errors

PASSWORD_ENV = "LPR_GEO_NEW_PASSWORD"
_ROLE = click.Choice(ROLES)


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return click.prompt(
        "Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen", err=True, type=str
    )


@click.group()
def users() -> None:
    """Benutzerkonten des Dashboards verwalten."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=_ROLE, required=True, help="Rolle: viewer, editor oder admin.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help=f"Passwort aus der ersten Zeile der Standardeingabe lesen (sonst ${PASSWORD_ENV} oder Abfrage).",
)
@db_option
@reports_register_errors
def add_command(name: str, role: str, password_stdin: bool, db_url: str | None) -> None:
    """Konto anlegen; das Passwort wird verdeckt abgefragt und nur als argon2-Hash gespeichert."""
    engine = open_register(settings_from(db_url))
    user = add_user(engine, name, role, _new_password(password_stdin))
    click.echo(f"Benutzer »{user.name}« mit der Rolle »{ROLE_LABELS[user.role]}« angelegt")


@users.command("list")
@db_option
@reports_register_errors
def list_command(db_url: str | None) -> None:
    """Konten mit Rolle, Status und Anlagedatum auflisten."""
    for user in list_users(open_register(settings_from(db_url))):
        created = f"{user.created_at:%d.%m.%Y}" if user.created_at else ""
        state = "aktiv" if user.active else "deaktiviert"
        click.echo(f"{user.name}\t{user.role}\t{state}\t{created}")


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=_ROLE)
@db_option
@reports_register_errors
def set_role_command(name: str, role: str, db_url: str | None) -> None:
    """Rolle eines Kontos ändern."""
    set_role(open_register(settings_from(db_url)), name, role)
    click.echo(f"»{name}« hat jetzt die Rolle »{ROLE_LABELS[role]}«")


@users.command("deactivate")
@click.argument("name")
@db_option
@reports_register_errors
def deactivate_command(name: str, db_url: str | None) -> None:
    """Konto deaktivieren (keine Anmeldung mehr; Einträge im Änderungsprotokoll bleiben)."""
    deactivate_user(open_register(settings_from(db_url)), name)
    click.echo(f"»{name}« ist deaktiviert")
