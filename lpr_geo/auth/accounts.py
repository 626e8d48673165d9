"""Local user accounts of the dashboard: add, look up, list, change role, (re)activate, set a password.

Accounts live in the register database (table ``users``), so every worker process sees the same ones.
Changes go through :func:`lpr_geo.register.database.register_session` and so into the audit trail;
the password hash is audited as changed but never with its value.

Every changing function takes ``by`` (the name recorded in the audit trail; the CLI leaves it to the
operating-system user) or ``actor``: the logged-in dashboard user, who must be an admin and is recorded
under their own name. The last active admin can neither be deactivated nor lose the role, so the
register always keeps someone who can manage accounts. A new password, another role and a deactivation
end the account's login sessions (:mod:`lpr_geo.auth.sessions`).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Engine, delete, func, select

from lpr_geo.register.database import register_session
from lpr_geo.register.models import LoginSession, UserAccount
from lpr_geo.register.permissions import ROLES, AuthError, User, require_role

from .passwords import check_password_rules, hash_password

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


def _user(row: UserAccount) -> User:
    created = row.created_at
    if created is not None and created.tzinfo is None:  # SQLite returns naive UTC
        created = created.replace(tzinfo=dt.UTC)
    return User(row.name, row.role, bool(row.active), created)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AuthError(f"Unbekannte Rolle »{role}«; erlaubt: {', '.join(ROLES)}")


def _acting(actor: User | None, by: str | None) -> str | None:
    """The name to audit: an acting dashboard user must be an admin; otherwise ``by``."""
    if actor is None:
        return by
    return require_role(actor, "admin").name


def _last_admin_guard(session, row: UserAccount, change: str) -> None:
    """Refuse (after the change is flushed) if it left the register without an active admin.

    On PostgreSQL the active admin rows are locked first (:func:`_lock_admins`), so two admins removing
    each other at the same moment wait for each other and the second one sees the first change. SQLite
    has a single writer: the recount after the flush runs under the write lock and sees every commit.
    """
    session.flush()
    left = session.scalar(
        select(func.count())
        .select_from(UserAccount)
        .where(UserAccount.active.is_(True), UserAccount.role == "admin")
    )
    if not left:
        raise AuthError(
            f"»{row.name}« ist das letzte aktive Administratorkonto und kann nicht {change} werden; "
            "bitte zuerst einem anderen Konto die Rolle »Administrator« geben."
        )


def _lock_admins(session) -> None:
    session.execute(
        select(UserAccount.id)
        .where(UserAccount.active.is_(True), UserAccount.role == "admin")
        .with_for_update()
    )


def _end_sessions(session, row: UserAccount) -> None:
    """Delete the account's login sessions in the transaction that changes it.

    The new row version alone already refuses them (:func:`lpr_geo.auth.sessions.session_user`);
    deleting them leaves no rows of ended sessions behind. A bulk delete: not part of the audit trail.
    """
    session.execute(delete(LoginSession).where(LoginSession.user_id == row.id))


def _account(session, name: str) -> UserAccount:
    row = session.scalar(select(UserAccount).where(UserAccount.name == name))
    if row is None:
        raise AuthError(f"Benutzer »{name}« gibt es nicht")
    return row


def add_user(
    engine: Engine,
    name: str,
    role: str,
    password: str,
    *,
    by: str | None = None,
    actor: User | None = None,
) -> User:
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
    actor : User, optional
        The logged-in dashboard user creating it; must be an admin and is recorded instead of ``by``.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the name is malformed or taken, the role unknown or the password too short (German).
    PermissionDenied
        If ``actor`` is given and is not an active admin; nothing is written.
    """
    by = _acting(actor, by)
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


def set_role(
    engine: Engine, name: str, role: str, *, by: str | None = None, actor: User | None = None
) -> User:
    """Give an account another role (audited); if it really changes, the account's login sessions end.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The account.
    role : {"viewer", "editor", "admin"}
        Its new role.
    by : str, optional
        Who changes it (audit trail); the operating-system user by default.
    actor : User, optional
        The logged-in dashboard user changing it; must be an admin and is recorded instead of ``by``.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the account does not exist, the role is unknown, or the account is the last active admin
        and the new role is not admin (nothing is written).
    PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    by = _acting(actor, by)
    _check_role(role)
    with register_session(engine, by) as session:
        _lock_admins(session)
        row = _account(session, name)
        was_admin = row.active and row.role == "admin"
        changed = row.role != role
        row.role = role
        if was_admin and role != "admin":
            _last_admin_guard(session, row, "herabgestuft")
        session.flush()
        if changed:
            _end_sessions(session, row)
        return _user(row)


def deactivate_user(engine: Engine, name: str, *, by: str | None = None, actor: User | None = None) -> User:
    """Deactivate an account: it can no longer log in and holds no role; its audit entries remain.

    Every login session of the account ends: its next request is anonymous, and reactivating the
    account does not bring the session back.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The account.
    by : str, optional
        Who deactivates it (audit trail); the operating-system user by default.
    actor : User, optional
        The logged-in dashboard user; must be an admin and is recorded instead of ``by``.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the account does not exist or is the last active admin (nothing is written).
    PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    by = _acting(actor, by)
    with register_session(engine, by) as session:
        _lock_admins(session)
        row = _account(session, name)
        was_admin = row.active and row.role == "admin"
        row.active = False
        if was_admin:
            _last_admin_guard(session, row, "deaktiviert")
        session.flush()
        _end_sessions(session, row)
        return _user(row)


def activate_user(engine: Engine, name: str, *, by: str | None = None, actor: User | None = None) -> User:
    """Reactivate a deactivated account with its old role and password (audited; no-op if active).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The account.
    by : str, optional
        Who reactivates it (audit trail); the operating-system user by default.
    actor : User, optional
        The logged-in dashboard user; must be an admin and is recorded instead of ``by``.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the account does not exist.
    PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    by = _acting(actor, by)
    with register_session(engine, by) as session:
        row = _account(session, name)
        row.active = True
        session.flush()
        return _user(row)


def set_password(
    engine: Engine, name: str, password: str, *, by: str | None = None, actor: User | None = None
) -> User:
    """Give an account a new password (e.g. a temporary one an admin hands over).

    Only the argon2 hash is stored; the audit trail records that the hash changed, never a value. Every
    login session of the account ends (a compromised account is closed by a password reset).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The account.
    password : str
        The new password, checked by :func:`lpr_geo.auth.passwords.check_password_rules`.
    by : str, optional
        Who sets it (audit trail); the operating-system user by default.
    actor : User, optional
        The logged-in dashboard user; must be an admin and is recorded instead of ``by``.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        If the account does not exist or the password breaks the rules (German; nothing is written).
    PermissionDenied
        If ``actor`` is given and is not an active admin.
    """
    by = _acting(actor, by)
    check_password_rules(password)
    with register_session(engine, by) as session:
        row = _account(session, name)
        row.password_hash = hash_password(password)
        session.flush()
        _end_sessions(session, row)
        return _user(row)
