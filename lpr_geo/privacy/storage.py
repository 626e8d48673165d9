"""After an erasure on SQLite: no erased value may stay readable in the database files.

Every connection deletes with ``secure_delete`` (:mod:`lpr_geo.register.database`), so a page written
after the erasure holds zeros where the values were. Older copies can remain in two places: in the
write-ahead log (``register.sqlite-wal``), which keeps every page version until a checkpoint, and in free
space of pages written before ``secure_delete`` was on. So the log is checkpointed into the file and
truncated; if the file's bytes still hold a value, it is rebuilt (``VACUUM``) and checkpointed again.
Other databases are left alone here (PostgreSQL: see ``docs/datenschutz.md``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

#: How long to wait for readers that hold an old snapshot before a checkpoint can truncate the log.
CHECKPOINT_PATIENCE = 10.0


def database_files(engine: Engine) -> list[Path]:
    """The SQLite database file and its ``-wal`` and ``-shm`` companions (those that exist)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return []
    main = Path(name)
    return [path for path in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if path.exists()]


def _checkpoint(engine: Engine) -> bool:
    """Copy the log into the file and truncate it; ``False`` if readers kept it busy too long."""
    deadline = time.monotonic() + CHECKPOINT_PATIENCE
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        while True:
            busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
            if not busy or time.monotonic() > deadline:
                return not busy
            time.sleep(0.1)  # another process reads an old snapshot: wait for it to finish


def remnants(engine: Engine, values: Iterable[str]) -> list[str]:
    """Names of the database files whose bytes hold one of ``values`` (ASCII letters in any case)."""
    needles = [value.encode("utf-8").lower() for value in values if value]
    found = []
    for path in database_files(engine):
        data = path.read_bytes().lower()
        if any(needle in data for needle in needles):
            found.append(path.name)
    return found


def clean_files(engine: Engine, values: Iterable[str]) -> list[str]:
    """Make erased values unreadable from a SQLite register's files (no-op for other databases).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    values : iterable of str
        The erased e-mail addresses and phone numbers.

    Returns
    -------
    list of str
        Files that still hold one of them (empty when all is clean): possible only while another process
        holds the database busy for longer than :data:`CHECKPOINT_PATIENCE` seconds.
    """
    values = list(values)
    if not database_files(engine) or not values:
        return []
    _checkpoint(engine)
    if not remnants(engine, values):
        return []
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
    except OperationalError:  # locked by another process for longer than the busy timeout: reported below
        return remnants(engine, values)
    _checkpoint(engine)
    return remnants(engine, values)
