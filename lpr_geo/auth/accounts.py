"""Local user accounts of the dashboard: add, look up, list, change role, deactivate.

Accounts live in the register database (table ``users``), so every worker process sees the same ones.
Changes go through :func:`lpr_geo.register.database.register_session` and so into the audit trail;
the password hash is audited as changed but never with its value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Engine, select

from lpr_geo.register.database import register_session
from lpr_geo.register.models import ROLES, UserAccount

from .errors import AuthError
from .passwords import check_password_rules, hash_password

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


@dataclass(frozen=True)
class User:
    """A dashboard user as the application sees it (no password hash).

    Attributes
    ----------
    name : str
        Login name, also recorded in the audit trail.
    role : {"viewer", "editor", "admin"}
        What the user may do (see :func:`lpr_geo.auth.require_role`).
    active : bool
        Deactivated users cannot log in and hold no role.
    created_at : datetime.datetime or None
        When the account was created (UTC).
    """

    name: str
    role: str
    active: bool = True
    created_at: dt.datetime | None = None


def _user(row: UserAccount) -> User:
    created = row.created_at
    if created is not None and created.tzinfo is None:  # SQLite returns naive UTC
        created = created.replace(tzinfo=dt.UTC)
    return User(row.name, row.role, bool(row.active), created)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AuthError(f"Unbekannte Rolle »{role}«; erlaubt: {', '.join(ROLES)}")


def _account(session, name: str) -> UserAccount:
    row = session.scalar(select(UserAccount).where(UserAccount.name == name))
    if row is None:
        raise AuthError(f"Benutzer »{name}« gibt es nicht")
    return row


def add_user(engine: Engine, name: str, role: str, password: str, *, by: str | None = None) -> User:
    """Create an account with an argon2 hash of its password.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        Login name: letters, digits, ``.``, ``_``, ``@`` and ``-``, at most 100 characters.
    role : {"viewer", "editor", "admin"}
        The account's role.
    password : str
        At least :data:`lpr_geo.auth.passwords.MIN_PASSWORD_LENGTH` characters; only its hash is stored.
    by : str, optional
        Who creates the account (audit trail); the operating-system user by default.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the name is malformed or taken, the role unknown or the password too short (German).
    """
    if not _NAME.fullmatch(name):
        raise AuthError(
            f"Ungültiger Benutzername »{name}«: erlaubt sind Buchstaben, Ziffern, ».«, »_«, »@« und »-« "
            "(höchstens 100 Zeichen)"
        )
    _check_role(role)
    check_password_rules(password)
    with register_session(engine, by) as session:
        if session.scalar(select(UserAccount.id).where(UserAccount.name == name)) is not None:
            raise AuthError(f"Benutzer »{name}« gibt es bereits")
        row = UserAccount(name=name, role=role, password_hash=hash_password(password), active=True)
        session.add(row)
        session.flush()
        return _user(row)


def get_user(engine: Engine, name: str) -> User | None:
    """Return the account with this name (active or not), or ``None``.

    For a trusted single-sign-on header the dashboard looks the forwarded name up here to get the role.
    """
    with register_session(engine) as session:
        row = session.scalar(select(UserAccount).where(UserAccount.name == name))
        return _user(row) if row is not None else None


def list_users(engine: Engine) -> list[User]:
    """All accounts, sorted by name."""
    with register_session(engine) as session:
        return [_user(row) for row in session.scalars(select(UserAccount).order_by(UserAccount.name))]


def set_role(engine: Engine, name: str, role: str, *, by: str | None = None) -> User:
    """Give an account another role (audited).

    Raises
    ------
    AuthError
        If the account does not exist or the role is unknown.
    """
    _check_role(role)
    with register_session(engine, by) as session:
        row = _account(session, name)
        row.role = role
        session.flush()
        return _user(row)


def deactivate_user(engine: Engine, name: str, *, by: str | None = None) -> User:
    """Deactivate an account: it can no longer log in and holds no role; its audit entries remain.

    Raises
    ------
    AuthError
        If the account does not exist.
    """
    with register_session(engine, by) as session:
        row = _account(session, name)
        row.active = False
        session.flush()
        return _user(row)
