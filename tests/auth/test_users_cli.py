"""``lpr-geo users`` as admins run it: real processes for the password paths, CliRunner for the rest."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, text

from lpr_geo.auth import authenticate
from lpr_geo.cli import main
from lpr_geo.register import make_engine
from lpr_geo.register.models import UserAccount

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))
PASSWORD = "Havel-Ufer-Falkensee-7"


def _run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "LPR_GEO_NEW_PASSWORD"} | (env or {})
    return subprocess.run(
        [LPR_GEO, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


def _everything_stored(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        dump = [
            str(row)
            for table in ("users", "audit", "login_attempts")
            for row in connection.execute(text(f"SELECT * FROM {table}")).all()
        ]
    engine.dispose()
    return "\n".join(dump)


def test_add_users_in_real_processes_from_stdin_and_env(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    from_stdin = _run(
        "users", "add", "erika", "--role", "editor", "--password-stdin", "--db", url, stdin=PASSWORD + "\n"
    )
    from_env = _run(
        "users", "add", "otto", "--role", "admin", "--db", url, env={"LPR_GEO_NEW_PASSWORD": PASSWORD + "-2"}
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_env.returncode == 0, from_env.stderr
    assert "Benutzer »erika« mit der Rolle »Bearbeiter« angelegt" in from_stdin.stdout
    assert "Benutzer »otto« mit der Rolle »Administrator« angelegt" in from_env.stdout
    for result in (from_stdin, from_env):
        assert PASSWORD not in result.stdout + result.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        hashes = connection.scalars(select(UserAccount.password_hash)).all()
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in _everything_stored(url)
    assert authenticate(engine, "erika", PASSWORD).role == "editor"
    assert authenticate(engine, "otto", PASSWORD + "-2").role == "admin"
    engine.dispose()


def test_prompt_asks_twice_and_hides_the_password(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("LPR_GEO_NEW_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    mismatch = runner.invoke(
        main, ["users", "add", "erika", "--role", "editor", "--db", url], input=f"{PASSWORD}\nanders-123456\n"
    )
    assert mismatch.exit_code != 0 and PASSWORD not in mismatch.output
    assert "Benutzer" not in mismatch.output  # nothing created
    result = runner.invoke(
        main, ["users", "add", "erika", "--role", "editor", "--db", url], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Passwort" in result.output and "Passwort wiederholen" in result.output
    assert PASSWORD not in result.output
    assert PASSWORD not in caplog.text
    assert PASSWORD not in _everything_stored(url)


def test_list_set_role_deactivate_and_errors(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    monkeypatch.setenv("LPR_GEO_NEW_PASSWORD", PASSWORD)
    assert runner.invoke(main, ["users", "add", "otto", "--role", "viewer", "--db", url]).exit_code == 0
    result = runner.invoke(main, ["users", "set-role", "otto", "editor", "--db", url])
    assert result.exit_code == 0 and "»otto« hat jetzt die Rolle »Bearbeiter«" in result.output
    assert runner.invoke(main, ["users", "deactivate", "otto", "--db", url]).exit_code == 0
    listing = runner.invoke(main, ["users", "list", "--db", url])
    assert listing.stdout.startswith("otto\teditor\tdeaktiviert\t")
    missing = runner.invoke(main, ["users", "deactivate", "niemand", "--db", url])
    assert missing.exit_code == 1 and "Fehler: Benutzer »niemand« gibt es nicht" in missing.output
    short = runner.invoke(
        main, ["users", "add", "kurt", "--role", "viewer", "--db", url], env={"LPR_GEO_NEW_PASSWORD": "kurz"}
    )
    assert short.exit_code == 1 and "mindestens 10 Zeichen" in short.output
    bad_role = runner.invoke(main, ["users", "add", "kurt", "--role", "chef", "--db", url])
    assert bad_role.exit_code == 2
