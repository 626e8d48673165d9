"""After an erasure on SQLite: no erased value may stay readable in the database files.

Every connection deletes with ``secure_delete`` (:mod:`lpr_geo.register.database`), so a page written
after the erasure holds zeros where the values were. Older copies can remain in two places: in the
write-ahead log (``register.sqlite-wal``), which keeps earlier versions of every page until a checkpoint,
and in free space of pages written before ``secure_delete`` was on (a register older than this release).
So the file is rebuilt from its live rows (``VACUUM``) and the log is then checkpointed into it and
truncated. Whether a rebuild is needed cannot be found out by reading the file from this process: closing
any file handle of a database file drops every lock the process's SQLite connections hold on it (POSIX
advisory locks), which corrupts their view of the log. The rebuild costs well under a second for a
register of this size, and erasures are rare. Other databases are left alone here (PostgreSQL: see
``docs/datenschutz.md``).
"""

from __future__ import annotations

import time
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


def clean_files(engine: Engine) -> list[str]:
    """Make erased values unreadable from a SQLite register's files (no-op for other databases).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register, after the erasure has been committed.

    Returns
    -------
    list of str
        Files that may still hold an erased value (empty when all is clean): possible only while another
        process holds the database busy for longer than its busy timeout or :data:`CHECKPOINT_PATIENCE`.
    """
    files = database_files(engine)
    if not files:
        return []
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
    except OperationalError:  # locked by another process for longer than the busy timeout
        return [path.name for path in files]
    return [] if _checkpoint(engine) else [files[0].name + "-wal"]
