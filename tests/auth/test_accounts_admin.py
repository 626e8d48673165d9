"""What admins do with accounts and networks: reactivate, new password, last-admin guard, add and rename
networks; on SQLite and PostgreSQL, in-process and through ``lpr-geo`` in real processes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from lpr_geo.auth import (
    AuthError,
    PermissionDenied,
    User,
    activate_user,
    add_user,
    authenticate,
    deactivate_user,
    get_user,
    set_password,
    set_role,
)
from lpr_geo.cli import main
from lpr_geo.register import DEFAULT_NETWORK, make_engine, networks, register_session, status_events
from lpr_geo.register.errors import RegisterError
from lpr_geo.register.models import AuditEntry, Network, Participant, StatusEvent, UserAccount
from lpr_geo.register.networks import add_network, network_overview, rename_network
from tests.register.conftest import row_counts

PASSWORD = "Sommer-in-Potsdam-2026"
NEW_PASSWORD = "Herbst-an-der-Oder-2027"
LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))
ADMIN = User("chefin", "admin")
LAST_ADMIN = "ist das letzte aktive Administratorkonto"


def _audit(engine, table: str | None = None) -> list[tuple]:
    query = select(
        AuditEntry.changed_by,
        AuditEntry.table_name,
        AuditEntry.field,
        AuditEntry.old_value,
        AuditEntry.new_value,
    ).order_by(AuditEntry.id)
    if table:
        query = query.where(AuditEntry.table_name == table)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query).all()]


def _hash(engine, name: str) -> str:
    with engine.connect() as connection:
        return connection.scalar(select(UserAccount.password_hash).where(UserAccount.name == name))


def _stored_text(engine) -> str:
    """Everything in the users, audit and login-attempt tables, as one text."""
    with engine.connect() as connection:
        return "\n".join(
            str(row)
            for table in ("users", "audit", "login_attempts")
            for row in connection.execute(text(f"SELECT * FROM {table}")).all()
        )


# --- accounts -------------------------------------------------------------------------------------------


def test_reactivated_account_logs_in_again_with_its_role(register):
    add_user(register, "erika", "editor", PASSWORD, by="chefin")
    deactivate_user(register, "erika", by="chefin")
    assert authenticate(register, "erika", PASSWORD) is None
    user = activate_user(register, "erika", by="chefin")
    assert (user.name, user.role, user.active) == ("erika", "editor", True)
    assert authenticate(register, "erika", PASSWORD).role == "editor"
    changes = [entry for entry in _audit(register, "users") if entry[2] == "active"]
    assert changes[-2:] == [
        ("chefin", "users", "active", "True", "False"),
        ("chefin", "users", "active", "False", "True"),
    ]
    before = row_counts(register)
    assert activate_user(register, "erika").active  # already active: nothing to record
    assert row_counts(register) == before
    with pytest.raises(AuthError, match="»niemand« gibt es nicht"):
        activate_user(register, "niemand")


def test_new_password_replaces_the_old_one_and_stays_out_of_the_audit_trail(register):
    add_user(register, "erika", "editor", PASSWORD)
    old_hash = _hash(register, "erika")
    set_password(register, "erika", NEW_PASSWORD, by="chefin")
    new_hash = _hash(register, "erika")
    assert new_hash.startswith("$argon2id$") and new_hash != old_hash
    assert authenticate(register, "erika", PASSWORD) is None
    assert authenticate(register, "erika", NEW_PASSWORD) is not None
    assert ("chefin", "users", "password_hash", "(verborgen)", "(verborgen)") in _audit(register)
    stored = _stored_text(register).replace(new_hash, "<hash in users>", 1)
    for secret in (PASSWORD, NEW_PASSWORD, old_hash, new_hash):
        assert secret not in stored


@pytest.mark.parametrize("password", ["kurz", " " * 12, ""])
def test_a_bad_new_password_changes_nothing(register, password):
    add_user(register, "erika", "editor", PASSWORD)
    before, old_hash = row_counts(register), _hash(register, "erika")
    with pytest.raises(AuthError, match="mindestens 10 Zeichen"):
        set_password(register, "erika", password)
    assert row_counts(register) == before and _hash(register, "erika") == old_hash
    with pytest.raises(AuthError, match="»niemand« gibt es nicht"):
        set_password(register, "niemand", NEW_PASSWORD)


def test_the_last_active_admin_is_neither_deactivated_nor_demoted(register):
    add_user(register, "chefin", "admin", PASSWORD)
    add_user(register, "erika", "editor", PASSWORD)
    before = row_counts(register)
    with pytest.raises(AuthError, match=f"»chefin« {LAST_ADMIN} und kann nicht deaktiviert werden"):
        deactivate_user(register, "chefin")
    for role in ("editor", "viewer"):
        with pytest.raises(AuthError, match=f"»chefin« {LAST_ADMIN} und kann nicht herabgestuft werden"):
            set_role(register, "chefin", role)
    assert row_counts(register) == before
    assert get_user(register, "chefin") == User(
        "chefin", "admin", True, get_user(register, "chefin").created_at
    )
    # editors come and go as before; re-saving the admin role is no removal
    deactivate_user(register, "erika")
    assert set_role(register, "chefin", "admin").role == "admin"

    # with a second admin the first may go; a deactivated admin does not count
    add_user(register, "otto", "admin", PASSWORD)
    assert set_role(register, "chefin", "editor").role == "editor"
    set_role(register, "chefin", "admin")
    deactivate_user(register, "chefin")
    with pytest.raises(AuthError, match=LAST_ADMIN):
        deactivate_user(register, "otto")
    with pytest.raises(AuthError, match=LAST_ADMIN):
        set_role(register, "otto", "viewer")
    activate_user(register, "chefin")
    deactivate_user(register, "otto")
    assert [get_user(register, n).active for n in ("chefin", "otto")] == [True, False]


def test_two_admins_removing_each_other_at_once_leave_one(register):
    """Each request sees two admins; the guard must still keep one (locks on PostgreSQL, one writer on
    SQLite)."""
    add_user(register, "anna", "admin", PASSWORD)
    add_user(register, "bert", "admin", PASSWORD)
    url = register.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def remove(name: str, action) -> None:
        engine = make_engine(url)
        try:
            barrier.wait()
            action(engine, name)
            outcomes[name] = "ok"
        except AuthError as error:
            outcomes[name] = error
        finally:
            engine.dispose()

    threads = [
        threading.Thread(target=remove, args=("anna", deactivate_user)),
        threading.Thread(target=remove, args=("bert", lambda engine, name: set_role(engine, name, "viewer"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(str(o) == "ok" for o in outcomes.values()) == [False, True], outcomes
    refused = next(o for o in outcomes.values() if o != "ok")
    assert LAST_ADMIN in str(refused)
    admins = [
        u for u in (get_user(register, "anna"), get_user(register, "bert")) if u.active and u.role == "admin"
    ]
    assert len(admins) == 1


def test_dashboard_actors_must_be_admins_and_are_recorded_by_name(register):
    add_user(register, "erika", "editor", PASSWORD)
    add_user(register, "chefin", "admin", PASSWORD)
    add_network(register, "Präventionsrat Beispielstadt")
    before = row_counts(register)
    for actor in (User("erika", "editor"), User("alt", "admin", active=False)):
        calls = [
            lambda a: add_user(register, "neu", "viewer", PASSWORD, actor=a),
            lambda a: set_role(register, "erika", "admin", actor=a),
            lambda a: deactivate_user(register, "erika", actor=a),
            lambda a: activate_user(register, "erika", actor=a),
            lambda a: set_password(register, "erika", NEW_PASSWORD, actor=a),
            lambda a: add_network(register, "Noch ein Netzwerk", actor=a),
            lambda a: rename_network(register, "Präventionsrat Beispielstadt", "Anders", actor=a),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call(actor)
    assert row_counts(register) == before

    seen = len(_audit(register))
    add_user(register, "neu", "viewer", PASSWORD, actor=ADMIN, by="ignoriert")
    set_role(register, "neu", "editor", actor=ADMIN)
    set_password(register, "neu", NEW_PASSWORD, actor=ADMIN)
    deactivate_user(register, "neu", actor=ADMIN)
    activate_user(register, "neu", actor=ADMIN)
    add_network(register, "Noch ein Netzwerk", actor=ADMIN)
    rename_network(register, "Noch ein Netzwerk", "Ein anderes Netzwerk", actor=ADMIN)
    recent = _audit(register)[seen:]
    assert {entry[0] for entry in recent} == {"chefin"}
    assert ("chefin", "users", "role", "viewer", "editor") in recent
    assert ("chefin", "networks", "name", "Noch ein Netzwerk", "Ein anderes Netzwerk") in recent


# --- networks -------------------------------------------------------------------------------------------


def test_network_names_are_trimmed_unique_and_limited(register):
    stored = add_network(register, "  Kommunaler   Präventionsrat\tBeispielstadt ", description=" Seit 2017 ")
    assert stored == "Kommunaler Präventionsrat Beispielstadt"
    assert networks(register) == [DEFAULT_NETWORK, stored]
    overview = network_overview(register)
    assert [(n.name, n.is_default) for n in overview] == [(DEFAULT_NETWORK, True), (stored, False)]
    assert overview[1].description == "Seit 2017"
    before = row_counts(register)
    for name, message in [
        ("", "Der Name des Netzwerks fehlt"),
        ("   \n ", "Der Name des Netzwerks fehlt"),
        ("x" * 201, "201 Zeichen lang; erlaubt sind höchstens 200"),
        (
            "kommunaler präventionsrat beispielstadt",
            "»Kommunaler Präventionsrat Beispielstadt« gibt es bereits",
        ),
        (DEFAULT_NETWORK.upper(), "gibt es bereits"),
    ]:
        with pytest.raises(RegisterError, match=message):
            add_network(register, name)
    assert row_counts(register) == before
    assert add_network(register, "y" * 200) == "y" * 200


def _member(engine, network: str) -> None:
    """Elsterwerda as a member of ``network`` since 2021 (a history that a rename must keep)."""
    with register_session(engine, "test") as session:
        participant = Participant(level="gemeinde", key="12062124", name="Elsterwerda", kreis_key="12062")
        found = session.scalar(select(Network).where(Network.name == network))
        session.add(
            StatusEvent(
                participant=participant,
                network=found,
                status="member",
                effective_date=dt.date(2021, 6, 7),
                created_by="test",
            )
        )


def test_rename_keeps_the_history_and_is_audited(register):
    add_network(register, "CTC Beispielstadt", founded=dt.date(2024, 3, 1))
    _member(register, "CTC Beispielstadt")
    assert rename_network(
        register, " CTC  Beispielstadt ", "Communities That Care Beispielstadt", user="chefin"
    )
    assert networks(register) == [DEFAULT_NETWORK, "Communities That Care Beispielstadt"]
    events = status_events(register, "Communities That Care Beispielstadt")
    assert list(events["key"]) == ["12062124"] and list(events["status"]) == ["member"]
    assert status_events(register, "CTC Beispielstadt").empty
    assert (
        "chefin",
        "networks",
        "name",
        "CTC Beispielstadt",
        "Communities That Care Beispielstadt",
    ) in _audit(register)
    # only the capitalisation: allowed (the network keeps its own name free)
    assert rename_network(
        register, "Communities That Care Beispielstadt", "communities that care Beispielstadt"
    )


def test_bad_renames_change_nothing(register):
    add_network(register, "CTC Beispielstadt")
    add_network(register, "Präventionsrat Beispielstadt")
    before = row_counts(register)
    for name, new_name, message in [
        (DEFAULT_NETWORK, "AG 4 neu", "Standardnetzwerk .* kann nicht umbenannt werden"),
        ("Niemandsnetz", "Irgendwas", "Netzwerk »Niemandsnetz« gibt es nicht"),
        (
            "CTC Beispielstadt",
            "präventionsrat beispielstadt",
            "»Präventionsrat Beispielstadt« gibt es bereits",
        ),
        ("CTC Beispielstadt", DEFAULT_NETWORK, "gibt es bereits"),
        ("CTC Beispielstadt", "  ", "Der Name des Netzwerks fehlt"),
        ("CTC Beispielstadt", "z" * 201, "höchstens 200"),
        ("CTC Beispielstadt", " CTC Beispielstadt ", "heißt bereits »CTC Beispielstadt«"),
    ]:
        with pytest.raises(RegisterError, match=message):
            rename_network(register, name, new_name)
    assert row_counts(register) == before
    assert DEFAULT_NETWORK in networks(register)


# --- lpr-geo users activate / password --------------------------------------------------------------------


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "LPR_GEO_NEW_PASSWORD"}
    return subprocess.run(
        [LPR_GEO, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


def test_password_and_activate_in_real_processes(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert (
        _run(
            "users", "add", "erika", "--role", "editor", "--password-stdin", "--db", url, stdin=PASSWORD
        ).returncode
        == 0
    )
    assert _run("users", "deactivate", "erika", "--db", url).returncode == 0
    changed = _run("users", "password", "erika", "--password-stdin", "--db", url, stdin=NEW_PASSWORD + "\n")
    assert changed.returncode == 0, changed.stderr
    assert "Neues Passwort für »erika« gesetzt" in changed.stdout
    activated = _run("users", "activate", "erika", "--db", url)
    assert activated.returncode == 0, activated.stderr
    assert "»erika« ist wieder aktiv (Rolle »Bearbeiter«)" in activated.stdout
    listing = _run("users", "list", "--db", url)
    assert listing.stdout.startswith("erika\teditor\taktiv\t")
    for result in (changed, activated):
        assert NEW_PASSWORD not in result.stdout + result.stderr
    engine = make_engine(url)
    try:
        assert authenticate(engine, "erika", PASSWORD) is None
        assert authenticate(engine, "erika", NEW_PASSWORD).role == "editor"
        assert NEW_PASSWORD not in _stored_text(engine) and PASSWORD not in _stored_text(engine)
    finally:
        engine.dispose()


def test_cli_refusals(tmp_path, monkeypatch):
    monkeypatch.delenv("LPR_GEO_NEW_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "add", "chefin", "--role", "admin", "--password-stdin", "--db", url], input=PASSWORD
    )
    assert added.exit_code == 0, added.output

    last = runner.invoke(main, ["users", "deactivate", "chefin", "--db", url])
    assert last.exit_code == 1 and f"Fehler: »chefin« {LAST_ADMIN}" in last.output
    demoted = runner.invoke(main, ["users", "set-role", "chefin", "viewer", "--db", url])
    assert demoted.exit_code == 1 and "kann nicht herabgestuft werden" in demoted.output

    # an unknown account is refused before the password is asked for
    unknown = runner.invoke(main, ["users", "password", "niemand", "--db", url], input="")
    assert unknown.exit_code == 1 and "Fehler: Benutzer »niemand« gibt es nicht" in unknown.output
    assert "Passwort" not in unknown.output.replace("Fehler", "")
    short = runner.invoke(
        main, ["users", "password", "chefin", "--password-stdin", "--db", url], input="kurz\n"
    )
    assert short.exit_code == 1 and "mindestens 10 Zeichen" in short.output
    mismatch = runner.invoke(
        main, ["users", "password", "chefin", "--db", url], input=f"{NEW_PASSWORD}\nanders-1234567\n"
    )
    assert mismatch.exit_code != 0 and NEW_PASSWORD not in mismatch.output
    prompted = runner.invoke(
        main, ["users", "password", "chefin", "--db", url], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert "Passwort wiederholen" in prompted.output and NEW_PASSWORD not in prompted.output
    assert runner.invoke(main, ["users", "activate", "niemand", "--db", url]).exit_code == 1
    engine = make_engine(url)
    try:
        assert authenticate(engine, "chefin", NEW_PASSWORD) is not None
        assert get_user(engine, "chefin").active
    finally:
        engine.dispose()
