"""Accounts, password hashes, logins with the rate limiter, and role checks, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from lpr_geo.auth import (
    AuthError,
    LoginBlocked,
    PermissionDenied,
    RateLimit,
    User,
    add_user,
    authenticate,
    deactivate_user,
    get_user,
    has_role,
    list_users,
    require_role,
    set_role,
)
from lpr_geo.register import make_engine
from lpr_geo.register.models import AuditEntry, LoginAttempt, UserAccount
from tests.register.conftest import row_counts

PASSWORD = "Sommer-in-Potsdam-2026"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_authenticate_right_and_wrong(register):
    add_user(register, "erika", "editor", PASSWORD, by="admin")
    user = authenticate(register, "erika", PASSWORD, now=T0)
    assert user == User("erika", "editor", True, user.created_at)
    assert authenticate(register, "erika", PASSWORD + "x", now=T0) is None
    assert authenticate(register, "niemand", PASSWORD, now=T0) is None
    deactivate_user(register, "erika")
    assert authenticate(register, "erika", PASSWORD, now=T0) is None
    assert get_user(register, "erika").active is False


def test_hash_is_argon2_and_never_in_the_audit_trail(register):
    add_user(register, "erika", "editor", PASSWORD)
    with register.connect() as connection:
        stored = connection.scalar(select(UserAccount.password_hash))
        audit = connection.execute(select(AuditEntry.field, AuditEntry.new_value)).all()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert ("password_hash", "(verborgen)") in audit
    assert not any(stored in (value or "") or PASSWORD in (value or "") for _, value in audit)


def test_roles_change_and_are_audited(register):
    add_user(register, "otto", "viewer", PASSWORD)
    assert set_role(register, "otto", "admin", by="chefin").role == "admin"
    assert [(u.name, u.role) for u in list_users(register)] == [("otto", "admin")]
    with register.connect() as connection:
        change = connection.execute(
            select(AuditEntry.changed_by, AuditEntry.old_value, AuditEntry.new_value).where(
                AuditEntry.field == "role", AuditEntry.old_value.is_not(None)
            )
        ).one()
    assert tuple(change) == ("chefin", "viewer", "admin")


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("erika", "editor", "kurz", "mindestens 10 Zeichen"),
        ("erika", "chef", PASSWORD, "Unbekannte Rolle »chef«"),
        ("eri ka", "editor", PASSWORD, "Ungültiger Benutzername"),
        ("", "editor", PASSWORD, "Ungültiger Benutzername"),
        ("vorhanden", "editor", PASSWORD, "»vorhanden« gibt es bereits"),
    ],
)
def test_bad_accounts_change_nothing(register, name, role, password, message):
    add_user(register, "vorhanden", "viewer", PASSWORD)
    before = row_counts(register)
    with pytest.raises(AuthError, match=message):
        add_user(register, name, role, password)
    assert row_counts(register) == before


def test_unknown_account_for_set_role_and_deactivate(register):
    with pytest.raises(AuthError, match="»niemand« gibt es nicht"):
        set_role(register, "niemand", "admin")
    with pytest.raises(AuthError, match="»niemand« gibt es nicht"):
        deactivate_user(register, "niemand")


def test_rate_limit_per_name_blocks_and_resets_after_the_window(register):
    add_user(register, "erika", "editor", PASSWORD)
    limit = RateLimit(max_failures=5, window=dt.timedelta(minutes=15))
    for second in range(5):
        assert (
            authenticate(register, "erika", "falsch", limit=limit, now=T0 + dt.timedelta(seconds=second))
            is None
        )
    with pytest.raises(LoginBlocked) as blocked:
        # even the right password is not checked while blocked
        authenticate(register, "erika", PASSWORD, limit=limit, now=T0 + dt.timedelta(minutes=1))
    assert blocked.value.retry_at == T0 + dt.timedelta(minutes=15)
    # 09:15 UTC is 10:15 in Potsdam (CET)
    assert "Zu viele fehlgeschlagene Anmeldeversuche. Bitte ab 10:15 Uhr (in 14 Minuten)" in str(
        blocked.value
    )
    # the blocked attempt did not extend the block
    user = authenticate(
        register, "erika", PASSWORD, limit=limit, now=T0 + dt.timedelta(minutes=15, seconds=1)
    )
    assert user is not None and user.name == "erika"


def test_success_clears_the_count_of_the_name(register):
    add_user(register, "erika", "editor", PASSWORD)
    for second in range(4):
        authenticate(register, "erika", "falsch", now=T0 + dt.timedelta(seconds=second))
    assert authenticate(register, "erika", PASSWORD, now=T0 + dt.timedelta(seconds=10)) is not None
    for second in range(4):
        authenticate(register, "erika", "falsch", now=T0 + dt.timedelta(seconds=20 + second))
    assert authenticate(register, "erika", PASSWORD, now=T0 + dt.timedelta(seconds=30)) is not None


def test_rate_limit_per_address_across_names(register):
    add_user(register, "erika", "editor", PASSWORD)
    for number in range(5):
        authenticate(register, f"rate{number}", "falsch", address="10.0.0.66", now=T0)
    with pytest.raises(LoginBlocked):
        authenticate(register, "erika", PASSWORD, address="10.0.0.66", now=T0 + dt.timedelta(seconds=1))
    assert authenticate(register, "erika", PASSWORD, address="10.0.0.7", now=T0 + dt.timedelta(seconds=1))


def test_rate_limit_is_shared_by_workers(register):
    """Two engines on one database stand for two gunicorn workers: their failures count together."""
    add_user(register, "erika", "editor", PASSWORD)
    other_worker = make_engine(register.url.render_as_string(hide_password=False))
    try:
        for second in range(5):
            engine = register if second % 2 else other_worker
            authenticate(engine, "erika", "falsch", now=T0 + dt.timedelta(seconds=second))
        with pytest.raises(LoginBlocked):
            authenticate(other_worker, "erika", PASSWORD, now=T0 + dt.timedelta(seconds=10))
        with pytest.raises(LoginBlocked):
            authenticate(register, "erika", PASSWORD, now=T0 + dt.timedelta(seconds=10))
    finally:
        other_worker.dispose()


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(register):
    """40 attempts at once through two engines (two workers): the count and the record are one step."""
    add_user(register, "erika", "editor", PASSWORD)
    other_worker = make_engine(register.url.render_as_string(hide_password=False))

    def attempt(number: int) -> str:
        engine = register if number % 2 else other_worker
        try:
            user = authenticate(engine, "erika", "falsch", address="10.0.0.9")
        except LoginBlocked:
            return "blocked"
        return "checked" if user is None else "logged in"

    try:
        with ThreadPoolExecutor(20) as pool:
            outcomes = list(pool.map(attempt, range(40)))
    finally:
        other_worker.dispose()
    assert (outcomes.count("checked"), outcomes.count("blocked")) == (5, 35)


def test_attempts_are_kept_only_as_long_as_the_window(register):
    limit = RateLimit(max_failures=5, window=dt.timedelta(minutes=15))
    authenticate(register, "erika", "falsch", address="10.0.0.8", limit=limit, now=T0)
    authenticate(register, "otto", "falsch", limit=limit, now=T0 + dt.timedelta(minutes=10))
    authenticate(register, "anna", "falsch", limit=limit, now=T0 + dt.timedelta(minutes=16))
    with register.connect() as connection:
        names = connection.scalars(select(LoginAttempt.name).order_by(LoginAttempt.name)).all()
    assert names == ["anna", "otto"]


def test_require_role():
    viewer, editor, admin = User("v", "viewer"), User("e", "editor"), User("a", "admin")
    assert require_role(admin, "editor") is admin
    assert require_role(editor, "editor") is editor
    assert has_role(viewer, "viewer") and not has_role(viewer, "editor") and not has_role(None, "viewer")
    with pytest.raises(PermissionDenied, match="Rolle »Bearbeiter« nötig; »v« hat die Rolle »Betrachter«"):
        require_role(viewer, "editor")
    with pytest.raises(PermissionDenied, match="Rolle »Administrator« nötig"):
        require_role(editor, "admin")
    with pytest.raises(PermissionDenied, match="Bitte zuerst anmelden"):
        require_role(None, "viewer")
    with pytest.raises(PermissionDenied, match="Das Konto »a« ist deaktiviert"):
        require_role(User("a", "admin", active=False), "viewer")
