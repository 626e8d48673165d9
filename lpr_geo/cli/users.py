"""``lpr-geo users``: local accounts of the dashboard (add, list, set-role, deactivate, activate, password).

Passwords are read from a hidden prompt (typed twice), from ``--password-stdin`` or from the
environment variable ``LPR_GEO_NEW_PASSWORD`` (scripts); they are never echoed, logged or accepted as a
command-line argument (which would show in the process list and the shell history).
"""

from __future__ import annotations

import os
import sys

import click

from lpr_geo.auth import (
    ROLES,
    AuthError,
    activate_user,
    add_user,
    deactivate_user,
    get_user,
    list_users,
    set_password,
    set_role,
)
from lpr_geo.settings import Settings
from lpr_geo.vocabulary import ROLE_LABELS

from .options import register_of, uses_settings
from .register_errors import reports_register_errors

PASSWORD_ENV = "LPR_GEO_NEW_PASSWORD"
_ROLE = click.Choice(ROLES)


_PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help=f"Passwort aus der ersten Zeile der Standardeingabe lesen (sonst ${PASSWORD_ENV} oder Abfrage).",
)


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
@_PASSWORD_STDIN
@uses_settings(db=True)
@reports_register_errors
def add_command(name: str, role: str, password_stdin: bool, settings: Settings) -> None:
    """Konto anlegen; das Passwort wird verdeckt abgefragt und nur als argon2-Hash gespeichert."""
    engine = register_of(settings)
    user = add_user(engine, name, role, _new_password(password_stdin))
    click.echo(f"Benutzer »{user.name}« mit der Rolle »{ROLE_LABELS[user.role]}« angelegt")


@users.command("list")
@uses_settings(db=True)
@reports_register_errors
def list_command(settings: Settings) -> None:
    """Konten mit Rolle, Status und Anlagedatum auflisten."""
    for user in list_users(register_of(settings)):
        created = f"{user.created_at:%d.%m.%Y}" if user.created_at else ""
        state = "aktiv" if user.active else "deaktiviert"
        click.echo(f"{user.name}\t{user.role}\t{state}\t{created}")


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=_ROLE)
@uses_settings(db=True)
@reports_register_errors
def set_role_command(name: str, role: str, settings: Settings) -> None:
    """Rolle eines Kontos ändern."""
    set_role(register_of(settings), name, role)
    click.echo(f"»{name}« hat jetzt die Rolle »{ROLE_LABELS[role]}«")


@users.command("deactivate")
@click.argument("name")
@uses_settings(db=True)
@reports_register_errors
def deactivate_command(name: str, settings: Settings) -> None:
    """Konto deaktivieren (keine Anmeldung mehr; Einträge im Änderungsprotokoll bleiben)."""
    deactivate_user(register_of(settings), name)
    click.echo(f"»{name}« ist deaktiviert")


@users.command("activate")
@click.argument("name")
@uses_settings(db=True)
@reports_register_errors
def activate_command(name: str, settings: Settings) -> None:
    """Deaktiviertes Konto wieder aktivieren (mit seiner bisherigen Rolle und seinem Passwort)."""
    user = activate_user(register_of(settings), name)
    click.echo(f"»{name}« ist wieder aktiv (Rolle »{ROLE_LABELS[user.role]}«)")


@users.command("password")
@click.argument("name")
@_PASSWORD_STDIN
@uses_settings(db=True)
@reports_register_errors
def password_command(name: str, password_stdin: bool, settings: Settings) -> None:
    """Neues Passwort für ein Konto setzen; es wird verdeckt abgefragt und nur als argon2-Hash gespeichert."""
    engine = register_of(settings)
    if get_user(engine, name) is None:  # before asking for a password that could not be used
        raise AuthError(f"Benutzer »{name}« gibt es nicht")
    set_password(engine, name, _new_password(password_stdin))
    click.echo(f"Neues Passwort für »{name}« gesetzt")
