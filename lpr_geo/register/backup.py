"""Backup and restore of the register, consistent while the application keeps running.

SQLite uses the online backup API (a consistent snapshot even with concurrent writers). PostgreSQL uses
``pg_dump``/``pg_restore`` (custom format) from the PostgreSQL client tools, which must be installed and
match the server's major version or be newer; without them the command fails with a clear message and
the database administrator's own backup procedure applies.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from .database import known_revisions, upgrade
from .errors import RegisterError


def _pg_command(tool: str, url: URL) -> tuple[list[str], dict[str, str]]:
    program = shutil.which(tool)
    if program is None:
        raise RegisterError(
            f"{tool} nicht gefunden: für PostgreSQL bitte die PostgreSQL-Client-Programme installieren "
            "oder die Sicherung über den Datenbankbetrieb vornehmen."
        )
    args = [program, "--no-owner", "--dbname", url.database or ""]
    for option, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args += [option, str(value)]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` would show it
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RegisterError(f"{Path(args[0]).name} ist fehlgeschlagen: {done.stderr.strip()}")


def backup(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the register to ``path`` while it stays in use.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register (SQLite or PostgreSQL).
    path : Path
        New file: a SQLite database, or a ``pg_dump`` archive (custom format) for PostgreSQL.

    Raises
    ------
    RegisterError
        If ``path`` exists already or the backup fails.
    """
    path = Path(path)
    if path.exists():
        raise RegisterError(f"{path}: Datei existiert bereits; bitte einen neuen Namen wählen")
    partial = path.with_name(path.name + ".partial")
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(partial)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
    else:
        args, env = _pg_command("pg_dump", engine.url)
        _run([*args, "--format", "custom", "--file", str(partial)], env)
    partial.replace(path)


def _check_sqlite_backup(path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            row = source.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise RegisterError(f"{path}: keine Sicherung des Registers ({error})") from error
    if row is None or row[0] not in known_revisions():
        raise RegisterError(f"{path}: Sicherung hat einen unbekannten Datenbankstand ({row and row[0]})")


def restore(engine: Engine, path: Path) -> None:
    """Replace the register's content with a backup made by :func:`backup`, then upgrade it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register to overwrite (same backend as the backup).
    path : Path
        The backup file.

    Raises
    ------
    RegisterError
        If the file is missing or no register backup, or restoring fails (the register is unchanged
        then: SQLite restores in one step, PostgreSQL in one transaction).
    """
    path = Path(path)
    if not path.is_file():
        raise RegisterError(f"{path}: Datei nicht gefunden")
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(path)
        raw = engine.raw_connection()
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
                source.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
    else:
        args, env = _pg_command("pg_restore", engine.url)
        _run([*args, "--clean", "--if-exists", "--single-transaction", str(path)], env)
    engine.dispose()
    upgrade(engine)
