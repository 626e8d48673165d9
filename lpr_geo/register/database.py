"""Connecting to the register: engines, schema migrations and audited sessions.

Dialect quirks live here and only here: SQLite gets WAL mode, foreign keys, a busy timeout and
``secure_delete`` on every connection; PostgreSQL URLs are mapped to the psycopg 3 driver, connect with a
timeout and test a pooled connection before handing it out (``pool_pre_ping``), so a restarted database
server costs no request.
A check and the write it guards run as one step in :func:`serialised` (SQLite: ``BEGIN IMMEDIATE``,
PostgreSQL: advisory locks).

A database that cannot be reached or opened when a program starts raises
:class:`DatabaseUnavailableError` with a one-line German message; the driver's English text is kept in
``detail`` for logs.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lpr_geo.settings import Settings

from . import audit_trail
from .errors import ConflictError, RegisterError, SchemaOutdatedError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Seconds to wait for a PostgreSQL server to accept a connection (``?connect_timeout=N`` in the URL wins).
CONNECT_TIMEOUT = 5

_log = logging.getLogger(__name__)


class DatabaseUnavailableError(RegisterError):
    """The register's database cannot be reached or opened; nothing was read or written.

    Server down, unknown host, no such database, an unwritable directory, ... The message is German and one
    line; ``detail`` holds the driver's (English) text for logs.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


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
    # deleted and overwritten content is zeroed in the file, not left in free space: an erased e-mail
    # address (DSGVO Art. 17, lpr_geo.privacy) must not be readable from the bytes afterwards
    cursor.execute("PRAGMA secure_delete=ON")
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
        For SQLite every connection runs with ``foreign_keys=ON``, ``journal_mode=WAL`` and
        ``secure_delete=ON``. Other databases get ``pool_pre_ping``; PostgreSQL connects with a timeout of
        :data:`CONNECT_TIMEOUT` seconds. Error messages never show a statement's parameters.
    """
    parsed = make_url(normalise_url(url))
    # a failed statement's message must not carry its values (names, addresses) into a log
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    # pre-ping: a connection the server dropped (restart, failover, idle timeout) is replaced on checkout
    # instead of failing the request that drew it; a failed ping also retires the rest of the pool.
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, hide_parameters=True)


_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("connection refused",), "Verbindung abgelehnt – läuft der Datenbankserver, stimmen Rechner und Port?"),
    (
        (
            "failed to resolve host",
            "could not translate host name",
            "name or service not known",
            "temporary failure in name resolution",
            "nodename nor servname",
        ),
        "der Rechnername ist unbekannt",
    ),
    (("timeout expired", "timed out"), "keine Antwort innerhalb von {timeout} Sekunden"),
    (("no route to host", "network is unreachable"), "der Rechner ist über das Netz nicht erreichbar"),
    (
        ("the database system is starting up", "the database system is shutting down", "in recovery mode"),
        "der Datenbankserver startet gerade oder fährt herunter; bitte gleich noch einmal versuchen",
    ),
    (
        ("password authentication failed", "no pg_hba.conf entry", "authentication failed"),
        "Anmeldung abgelehnt – Benutzer, Passwort und Zugriffsregeln (pg_hba.conf) prüfen",
    ),
    (("too many connections", "too many clients"), "der Server nimmt keine weiteren Verbindungen an"),
    (
        ("unable to open database file",),
        "die Datei kann nicht geöffnet oder angelegt werden – gibt es das Verzeichnis, und darf das "
        "Programm dort schreiben?",
    ),
    (("readonly database", "read-only file system"), "die Datei ist schreibgeschützt"),
    (("file is not a database", "file is encrypted"), "die Datei ist keine SQLite-Datenbank"),
    (("database is locked",), "die Datei ist von einem anderen Programm gesperrt"),
    (("disk i/o error", "disk is full"), "Schreib- oder Lesefehler auf dem Datenträger (voll oder defekt?)"),
)
_OS_REASONS = {
    errno.EACCES: "keine Schreibberechtigung",
    errno.EPERM: "keine Schreibberechtigung",
    errno.EROFS: "das Dateisystem ist schreibgeschützt",
    errno.ENOTDIR: "ein Teil des Pfades ist eine Datei, kein Verzeichnis",
    errno.EEXIST: "ein Teil des Pfades ist eine Datei, kein Verzeichnis",
    errno.ENOENT: "",  # mkdir creates the parents: the file system refuses (e.g. /proc)
    errno.ENOSPC: "der Datenträger ist voll",
}


def _shown(url: str) -> str:
    """The database as named in messages: the SQLite file, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"»{parsed.database or ':memory:'}«"
    return parsed.render_as_string(hide_password=True)


def _reason(error: BaseException, url: URL) -> str:
    text = str(getattr(error, "orig", None) or error)
    lower = text.lower()
    quoted = re.search(r'(database|role) "([^"]+)" does not exist', text)
    if quoted and quoted.group(1) == "database":
        return f"die Datenbank »{quoted.group(2)}« gibt es auf dem Server nicht"
    if quoted:
        return f"Anmeldung abgelehnt – den Benutzer »{quoted.group(2)}« gibt es auf dem Server nicht"
    timeout = url.query.get("connect_timeout", CONNECT_TIMEOUT)
    for needles, reason in _REASONS:
        if any(needle in lower for needle in needles):
            return reason.format(timeout=timeout)
    first_line = " ".join(text.split("\n", 1)[0].split())
    return f"Verbindung fehlgeschlagen ({first_line})"


def unavailable(error: BaseException, url: str) -> DatabaseUnavailableError:
    """Turn a driver error on connecting to ``url`` into a :class:`DatabaseUnavailableError`.

    Parameters
    ----------
    error : BaseException
        What the driver raised (usually :class:`sqlalchemy.exc.OperationalError`).
    url : str
        The database URL as configured (the password is never shown).

    Returns
    -------
    DatabaseUnavailableError
        German one-line message naming the database and the likely cause; ``detail`` is the driver's text.
    """
    detail = " ".join(str(getattr(error, "orig", None) or error).split())
    parsed = make_url(normalise_url(url))
    state = "lässt sich nicht öffnen" if parsed.get_backend_name() == "sqlite" else "ist nicht erreichbar"
    reason = _reason(error, parsed)
    message = f"Die Datenbank {_shown(url)} {state}: {reason}" + ("" if reason.endswith("?") else ".")
    return DatabaseUnavailableError(message, detail)


def open_database(url: str) -> Engine:
    """Create the engine of a register database and check that the database answers.

    A SQLite file's directory is created if missing. Nothing else is written; the schema is not checked.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``postgresql://`` is accepted).

    Returns
    -------
    sqlalchemy.Engine
        Engine whose database answered a first query.

    Raises
    ------
    DatabaseUnavailableError
        If the URL is invalid, the driver is missing, the directory cannot be created or the database
        does not answer (within :data:`CONNECT_TIMEOUT` seconds for PostgreSQL).
    """
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as error:
        raise DatabaseUnavailableError(
            "Die Angabe der Datenbank ist keine gültige URL (Beispiele: sqlite:////pfad/register.sqlite, "
            "postgresql://benutzer@rechner/datenbank).",
            str(error),
        ) from error
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        directory = Path(parsed.database).parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = _OS_REASONS.get(error.errno or 0, error.strerror or "")
            raise DatabaseUnavailableError(
                f"Die Datenbank {_shown(url)} kann nicht angelegt werden: das Verzeichnis {directory} "
                "lässt sich nicht erstellen" + (f" ({reason})." if reason else "."),
                str(error),
            ) from error
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailableError(
            f"Die Datenbank {_shown(url)} hat einen Typ, den das Programm nicht kennt "
            f"(»{parsed.drivername}«; möglich sind sqlite und postgresql).",
            str(error),
        ) from error
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        engine.dispose()
        failure = unavailable(error, url)
        _log.info("register database unavailable: %s", failure.detail)
        raise failure from error
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
    DatabaseUnavailableError
        If the database cannot be reached, opened or (SQLite) created.
    """
    engine = open_database(settings.register_url)
    try:
        if engine.dialect.name == "sqlite":
            upgrade(engine)
        elif current_revision(engine) != head_revision():
            raise SchemaOutdatedError(
                f"Die Datenbank {_shown(settings.register_url)} hat nicht den aktuellen Stand; "
                "bitte zuerst »lpr-geo db upgrade« ausführen."
            )
    except DBAPIError as error:  # e.g. a read-only SQLite file that needs migrating
        engine.dispose()
        raise unavailable(error, settings.register_url) from error
    return engine


@contextmanager
def serialised(engine: Engine, *keys: str) -> Iterator[Connection]:
    """A transaction that no other one holding any of the same ``keys`` overlaps: check, then write.

    For a limit that must hold under parallel requests (e.g. counting failed logins, then recording the
    next attempt): whatever the transaction reads cannot change before it commits, in any worker.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    *keys : str
        What the transaction must have to itself, e.g. ``"login-name:erika"``.

    Yields
    ------
    sqlalchemy.Connection
        Committed on leaving the block, rolled back on an exception.

    Notes
    -----
    SQLite has one writer at a time, so the keys do not matter there: ``BEGIN IMMEDIATE`` takes the write
    lock before the first read (pysqlite would begin only at the first write, after the reads, so two
    transactions could read the same count). PostgreSQL takes a transaction-scoped advisory lock per key,
    in sorted order so that two transactions never hold one lock each and wait for the other's; they are
    released at commit or rollback. Reads after the locks see every commit made before them (READ
    COMMITTED takes a snapshot per statement).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            # AUTOCOMMIT leaves transaction control to the statements below; the pool restores the level
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")
        return
    with engine.begin() as connection:
        for lock in sorted({_lock_id(key) for key in keys}):
            connection.execute(select(func.pg_advisory_xact_lock(lock)))
        yield connection


def _lock_id(key: str) -> int:
    """A stable signed 64-bit number for a key (PostgreSQL advisory locks are numbered)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


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
    audit_trail.watch(session)
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
