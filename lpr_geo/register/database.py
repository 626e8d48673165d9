"""Connecting to the register: engines, schema migrations and audited sessions.

Dialect quirks live here and only here: SQLite gets WAL mode, foreign keys and a busy timeout on every
connection; PostgreSQL URLs are mapped to the psycopg 3 driver.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lpr_geo.settings import Settings

from . import audit
from .errors import ConflictError, SchemaOutdatedError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Map ``postgresql://`` and ``postgres://`` to the psycopg 3 driver; other URLs unchanged.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL.

    Returns
    -------
    str
        The URL with an explicit driver where one is needed.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for a register URL (SQLite file or PostgreSQL).

    Parameters
    ----------
    url : str
        SQLAlchemy URL; ``postgresql://`` is accepted and mapped to psycopg.

    Returns
    -------
    sqlalchemy.Engine
        For SQLite every connection runs with ``foreign_keys=ON`` and ``journal_mode=WAL``.
    """
    url = normalise_url(url)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """Return the newest schema revision this program knows."""
    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Return every schema revision this program can upgrade from."""
    scripts = ScriptDirectory.from_config(_alembic_config(None))  # type: ignore[arg-type]
    return {script.revision for script in scripts.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision of the database (``None`` if it has no register tables yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest revision (creating all tables on an empty database).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register database.
    """
    command.upgrade(_alembic_config(engine), "head")


def open_register(settings: Settings) -> Engine:
    """Open the register named by the settings.

    SQLite files (the embedded default included) are created and upgraded on opening. A PostgreSQL
    database, shared by several instances, is only checked: migrating it is an explicit step
    (``lpr-geo db upgrade``).

    Parameters
    ----------
    settings : Settings
        Resolved settings; ``settings.register_url`` names the database.

    Returns
    -------
    sqlalchemy.Engine
        Engine of an up-to-date register.

    Raises
    ------
    SchemaOutdatedError
        If a PostgreSQL register is not at the newest schema revision.
    """
    url = make_url(normalise_url(settings.register_url))
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.register_url)
    if engine.dialect.name == "sqlite":
        upgrade(engine)
    elif current_revision(engine) != head_revision():
        raise SchemaOutdatedError(
            f"Die Datenbank {url.render_as_string(hide_password=True)} hat nicht den aktuellen Stand; "
            "bitte zuerst »lpr-geo db upgrade« ausführen."
        )
    return engine


def default_user() -> str:
    """Name recorded in the audit trail when the caller names nobody (the operating-system user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"


@contextmanager
def register_session(engine: Engine, user: str | None = None) -> Iterator[Session]:
    """Open a session whose changes are audited and committed together, or not at all.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    user : str, optional
        Who makes the changes (audit trail, ``created_by``); the operating-system user by default.

    Yields
    ------
    sqlalchemy.orm.Session
        Commit happens on leaving the block without an exception; any exception rolls back.

    Raises
    ------
    ConflictError
        If a record was changed by someone else after this session read it (stale version).
    """
    session = Session(engine, info={"user": user or default_user()})
    audit.watch(session)
    try:
        yield session
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise ConflictError(
            "Der Datensatz wurde inzwischen von jemand anderem geändert; bitte neu laden und die "
            "Änderung erneut vornehmen."
        ) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
