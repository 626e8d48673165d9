"""Server-side login sessions on SQLite and PostgreSQL: logout, idle and absolute expiry, account changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lpr_geo.auth import (
    SessionLifetime,
    activate_user,
    add_user,
    deactivate_user,
    end_session,
    open_session,
    session_user,
    set_password,
    set_role,
)
from lpr_geo.register.models import AuditEntry, LoginSession

PASSWORD = "Sommer-in-Potsdam-2026"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIFETIME = SessionLifetime(idle=dt.timedelta(hours=8), absolute=dt.timedelta(hours=12))


def _at(hours: float = 0, minutes: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours, minutes=minutes)


def _rows(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(select(LoginSession)).all()


def _audit(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(select(AuditEntry.id)).all()


def _user(engine, token: str, when: dt.datetime):
    return session_user(engine, token, lifetime=LIFETIME, now=when)


def test_a_session_lasts_until_logout_and_stores_only_a_hash(register):
    add_user(register, "erika", "editor", PASSWORD)
    audit_before = len(_audit(register))
    token = open_session(register, "erika", lifetime=LIFETIME, now=T0)
    user = _user(register, token, _at(minutes=1))
    assert (user.name, user.role, user.active) == ("erika", "editor", True)
    (row,) = _rows(register)
    assert token not in repr(tuple(row)) and len(row.token_hash) == 64
    assert _user(register, token + "x", _at(minutes=1)) is None
    assert len(_audit(register)) == audit_before  # a login is no change of the register

    end_session(register, token)
    assert _user(register, token, _at(minutes=2)) is None
    assert _rows(register) == []


def test_idle_expiry_and_the_throttled_record_of_the_last_request(register):
    add_user(register, "erika", "editor", PASSWORD)
    token = open_session(register, "erika", lifetime=LIFETIME, now=T0)
    assert _user(register, token, _at(minutes=0.5)) is not None
    (row,) = _rows(register)
    assert row.last_seen_at.replace(tzinfo=dt.UTC) == T0  # less than a minute: nothing written
    assert _user(register, token, _at(hours=7, minutes=59)) is not None
    (row,) = _rows(register)
    assert row.last_seen_at.replace(tzinfo=dt.UTC) == _at(hours=7, minutes=59)
    # 8 hours after that last request
    assert _user(register, token, _at(hours=15, minutes=59)) is None
    assert _rows(register) == []


def test_the_absolute_lifetime_ends_even_an_active_session(register):
    add_user(register, "erika", "editor", PASSWORD)
    token = open_session(register, "erika", lifetime=LIFETIME, now=T0)
    for hour in range(1, 12):
        assert _user(register, token, _at(hours=hour)) is not None
    assert _user(register, token, _at(hours=11, minutes=59)) is not None
    assert _user(register, token, _at(hours=12)) is None


def test_a_login_deletes_every_expired_session(register):
    add_user(register, "erika", "editor", PASSWORD)
    add_user(register, "otto", "viewer", PASSWORD)
    old = open_session(register, "otto", lifetime=LIFETIME, now=T0)
    kept = open_session(register, "otto", lifetime=LIFETIME, now=_at(hours=5))
    open_session(register, "erika", lifetime=LIFETIME, now=_at(hours=12, minutes=1))
    assert len(_rows(register)) == 2
    assert _user(register, kept, _at(hours=12, minutes=2)) is not None
    assert _user(register, old, _at(hours=12, minutes=2)) is None


def test_no_session_for_an_unknown_or_deactivated_account(register):
    add_user(register, "chefin", "admin", PASSWORD)
    add_user(register, "erika", "editor", PASSWORD)
    deactivate_user(register, "erika")
    assert open_session(register, "erika", now=T0) is None
    assert open_session(register, "niemand", now=T0) is None
    assert _rows(register) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda engine: set_password(engine, "erika", "ein-ganz-neues-passwort"),
        lambda engine: set_role(engine, "erika", "viewer"),
        lambda engine: (deactivate_user(engine, "erika"), activate_user(engine, "erika")),
    ],
    ids=["password", "role", "deactivated-and-reactivated"],
)
def test_a_change_of_the_account_ends_all_its_sessions(register, change):
    add_user(register, "chefin", "admin", PASSWORD)
    add_user(register, "erika", "editor", PASSWORD)
    tokens = [open_session(register, "erika", now=T0) for _ in range(2)]
    other = open_session(register, "chefin", now=T0)
    change(register)
    assert [_user(register, token, _at(minutes=1)) for token in tokens] == [None, None]
    assert _user(register, other, _at(minutes=1)).name == "chefin"
    assert len(_rows(register)) == 1


def test_the_same_role_again_keeps_the_sessions(register):
    add_user(register, "erika", "editor", PASSWORD)
    token = open_session(register, "erika", now=T0)
    set_role(register, "erika", "editor")
    assert _user(register, token, _at(minutes=1)).role == "editor"


def test_a_session_opened_before_a_change_is_refused_even_if_its_row_survived(register):
    """The version check does not depend on the rows being deleted (e.g. a session opened mid-change)."""
    add_user(register, "erika", "editor", PASSWORD)
    token = open_session(register, "erika", now=T0)
    (row,) = _rows(register)
    set_password(register, "erika", "ein-ganz-neues-passwort")
    with register.begin() as connection:  # put the row back as a racing login could have left it
        connection.execute(LoginSession.__table__.insert(), [row._asdict()])
    assert _user(register, token, _at(minutes=1)) is None
