"""Logging in: password check with a rate limiter shared by all worker processes.

Every attempt is a row in ``login_attempts`` (the register database), so several gunicorn workers and
hosts count together. A name is blocked after ``max_failures`` failures within ``window`` (a successful
login clears its count); a client address is blocked after as many failures within the window whatever
the names tried.

The limit holds under parallel requests: the count and the recording of the attempt happen in one
transaction that no other attempt for the same name or address overlaps
(:func:`lpr_geo.register.database.serialised`). The attempt is recorded as a failure before its password
is checked and turned into a success afterwards, so a burst of parallel tries gets at most
``max_failures`` password checks, and a worker that dies during the check leaves a failure behind.

Attempts (name as typed, client address, time) are kept only as long as the limit needs them: every
attempt deletes those older than the window, after which they count for nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, func, insert, select, update

from lpr_geo.register.database import register_session, serialised
from lpr_geo.register.models import LoginAttempt, UserAccount
from lpr_geo.register.permissions import User

from .accounts import _user
from .errors import LoginBlocked
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password

_LOCAL = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class RateLimit:
    """How many failed logins are allowed within which time, per name and per client address."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _retry_at(connection, column, value: str, limit: RateLimit, now: dt.datetime) -> dt.datetime | None:
    since = now - limit.window
    if column is LoginAttempt.name:
        last_success = connection.scalar(
            select(func.max(LoginAttempt.attempted_at)).where(column == value, LoginAttempt.succeeded)
        )
        if last_success is not None:
            since = max(since, _aware(last_success))
    failures = connection.scalars(
        select(LoginAttempt.attempted_at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since)
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(limit.max_failures)
    ).all()
    if len(failures) < limit.max_failures:
        return None
    return _aware(failures[-1]) + limit.window


def _blocked_message(retry_at: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    local = retry_at.astimezone(_LOCAL)
    return (
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte ab "
        f"{local:%H:%M} Uhr (in {minutes} Minute{'' if minutes == 1 else 'n'}) erneut versuchen."
    )


def authenticate(
    engine: Engine,
    name: str,
    password: str,
    *,
    address: str = "",
    limit: RateLimit = RateLimit(),  # noqa: B008 (frozen dataclass, safe as a default)
    now: dt.datetime | None = None,
) -> User | None:
    """Check a login and record the attempt.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    name : str
        Login name as typed (surrounding blanks ignored).
    password : str
        Password as typed; never logged or stored.
    address : str
        Client address (e.g. ``request.remote_addr`` behind a trusted proxy); empty: not limited by
        address.
    limit : RateLimit
        Failures allowed per name and per address within a time window (default 5 in 15 minutes).
    now : datetime.datetime, optional
        Current time (aware); tests inject a clock here. Default: the system clock (UTC).

    Returns
    -------
    User or None
        The user if the name exists, is active and the password matches; ``None`` otherwise (the
        caller shows one message for all three, so names cannot be probed).

    Raises
    ------
    LoginBlocked
        If the name or the address has too many recent failures; the German message says when to
        try again. A blocked attempt does not check the password and does not extend the block.
    """
    now = _aware(now) if now is not None else dt.datetime.now(dt.UTC)
    name = name.strip()
    limited_name = name.casefold()[:100]
    address = address[:64]
    keys = [f"login-name:{limited_name}"] + ([f"login-address:{address}"] if address else [])
    with serialised(engine, *keys) as connection:
        connection.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - limit.window))
        blocks = [_retry_at(connection, LoginAttempt.name, limited_name, limit, now)]
        if address:
            blocks.append(_retry_at(connection, LoginAttempt.address, address, limit, now))
        retry_at = max((b for b in blocks if b is not None), default=None)
        if retry_at is None:  # a blocked attempt is not recorded: it does not extend the block
            recorded = connection.execute(
                insert(LoginAttempt).values(
                    attempted_at=now, name=limited_name, address=address, succeeded=False
                )
            )
            attempt = recorded.inserted_primary_key[0]
    if retry_at is not None:
        raise LoginBlocked(_blocked_message(retry_at, now), retry_at)

    with register_session(engine, name or None) as session:
        row = session.scalar(select(UserAccount).where(UserAccount.name == name))
        matches = verify_password(row.password_hash if row is not None else dummy_hash(), password)
        if row is None or not row.active or not matches:
            return None
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        # the attempt's row is not a register record: written past the audit trail
        session.connection().execute(
            update(LoginAttempt).where(LoginAttempt.id == attempt).values(succeeded=True)
        )
        return _user(row)
