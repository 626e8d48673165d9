"""Login sessions kept on the server, so that a logout, an expiry or an account change ends them for good.

A signed cookie alone cannot be taken back: a copy made before the logout would keep working. So the
browser holds only a random token, and the register (shared by every worker) holds its SHA-256 hash
with the account and two times, in ``login_sessions``. A session ends

- at logout (:func:`end_session`);
- after ``idle`` without a request or ``absolute`` after the login, however active it is
  (:class:`SessionLifetime`, by default 8 and 12 hours);
- when the account changes in any way: a new password, another role, a deactivation. The session is
  bound to the account's row version at login, so it does not come back when the account is
  reactivated; :mod:`lpr_geo.auth.accounts` also deletes the rows in the transaction of the change.

The time of the last request is written at most once a minute per session (:data:`REFRESH`), not on
every request, so the idle limit holds to within a minute. Rows of ended sessions are deleted: at
logout, when an expired or outdated session is presented, and at every login for every session that has
expired by then. No address or browser details are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, or_, select, update

from lpr_geo.register.models import LoginSession, UserAccount
from lpr_geo.register.permissions import User

#: How stale the stored time of the last request may get before a request writes it again.
REFRESH = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLifetime:
    """How long a login lasts: ``idle`` without a request, ``absolute`` after the login at most."""

    idle: dt.timedelta = dt.timedelta(hours=8)
    absolute: dt.timedelta = dt.timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite: naive UTC


def _now(now: dt.datetime | None) -> dt.datetime:
    return _aware(now) if now is not None else dt.datetime.now(dt.UTC)


def _expired(lifetime: SessionLifetime, now: dt.datetime):
    return or_(
        LoginSession.last_seen_at <= now - lifetime.idle,
        LoginSession.created_at <= now - lifetime.absolute,
    )


def open_session(
    engine: Engine,
    name: str,
    *,
    lifetime: SessionLifetime = SessionLifetime(),  # noqa: B008 (frozen dataclass, safe as a default)
    now: dt.datetime | None = None,
) -> str | None:
    """Start a session for an account that has just logged in, and delete every expired one.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        The account (as returned by :func:`lpr_geo.auth.authenticate`).
    lifetime : SessionLifetime
        Used here to delete the sessions that have expired by now.
    now : datetime.datetime, optional
        Current time (aware); tests inject a clock here. Default: the system clock (UTC).

    Returns
    -------
    str or None
        The token for the browser's cookie (only its hash is stored); ``None`` if the account does not
        exist or was deactivated in the meantime.
    """
    now = _now(now)
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(delete(LoginSession).where(_expired(lifetime, now)))
        account = connection.execute(
            select(UserAccount.id, UserAccount.version).where(
                UserAccount.name == name, UserAccount.active.is_(True)
            )
        ).first()
        if account is None:
            return None
        connection.execute(
            insert(LoginSession).values(
                token_hash=_digest(token),
                user_id=account.id,
                user_version=account.version,
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def session_user(
    engine: Engine,
    token: str,
    *,
    lifetime: SessionLifetime = SessionLifetime(),  # noqa: B008 (frozen dataclass, safe as a default)
    now: dt.datetime | None = None,
) -> User | None:
    """The account of a running session, re-read from the register; ``None`` if the session has ended.

    Every request of a logged-in browser asks here. A session that has expired, whose account has changed
    since the login or is deactivated is deleted and gives ``None``; a live one has its time of the last
    request written if that is older than :data:`REFRESH`.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    token : str
        The token from the browser's cookie.
    lifetime : SessionLifetime
        Idle and absolute limit.
    now : datetime.datetime, optional
        Current time (aware); tests inject a clock here. Default: the system clock (UTC).

    Returns
    -------
    User or None
    """
    now = _now(now)
    with engine.begin() as connection:
        found = connection.execute(
            select(
                LoginSession.id,
                LoginSession.user_version,
                LoginSession.created_at,
                LoginSession.last_seen_at,
                UserAccount.name,
                UserAccount.role,
                UserAccount.active,
                UserAccount.created_at.label("account_created_at"),
                UserAccount.version,
            )
            .join(UserAccount, UserAccount.id == LoginSession.user_id)
            .where(LoginSession.token_hash == _digest(token))
        ).first()
        if found is None:
            return None
        last_seen = _aware(found.last_seen_at)
        if (
            found.user_version != found.version
            or not found.active
            or last_seen <= now - lifetime.idle
            or _aware(found.created_at) <= now - lifetime.absolute
        ):
            connection.execute(delete(LoginSession).where(LoginSession.id == found.id))
            return None
        if now - last_seen >= REFRESH:
            refreshed = update(LoginSession).where(LoginSession.id == found.id).values(last_seen_at=now)
            connection.execute(refreshed)
    return User(found.name, found.role, True, _aware(found.account_created_at))


def end_session(engine: Engine, token: str) -> None:
    """End a session at logout: its row is deleted, so the token is worthless from now on, in every worker."""
    with engine.begin() as connection:
        connection.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
