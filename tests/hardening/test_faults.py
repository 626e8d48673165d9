"""Faults (issue 10): killed writers, a database unreachable at start, PostgreSQL restarted under the app.

Real processes only. ``lpr-geo members import`` and a loop of dashboard edits are SIGKILLed while they
write, on SQLite and on PostgreSQL, and the register must afterwards hold the complete previous or the
complete new state. Every entry point started against a database it cannot reach must say so in one
German line and exit non-zero within seconds. Finally the dashboard runs against a private PostgreSQL
cluster (started by this module, never the shared server) that is restarted and stopped under it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from lpr_geo.auth import User
from lpr_geo.boundaries import Boundaries
from lpr_geo.register import DEFAULT_NETWORK, import_members, make_engine, set_status, upgrade
from lpr_geo.register.database import head_revision
from lpr_geo.register.models import Base
from lpr_geo.register.regions import regions
from lpr_geo.status import Status
from lpr_geo.vocabulary import DATA_ROW
from tests.conftest import ARTIFACTS
from tests.register.conftest import PostgresDatabases, write_csv
from tests.servers import HOST, PORT, app_env, free_port, start_server

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
#: Rows of the big member file: the import takes seconds, most of them in its write transaction.
IMPORT_ROWS = 8000
STATUSES = [s for s in Status if s is not Status.NOT_CONTACTED]
ELSTERWERDA = "12062124"


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


def _register(backend: str, pg_factory: Callable[[], PostgresDatabases], tmp_path: Path, name: str) -> str:
    """URL of a fresh, migrated register (the default network only)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    databases = pg_factory()
    return databases.register(len(databases.urls))


# --- checking a register --------------------------------------------------------------------------------

_DUMP = {
    "alembic_version": "SELECT version_num FROM alembic_version",
    "networks": "SELECT name, description, founded, is_sample, version FROM networks",
    "participants": "SELECT level, key, name, kreis_key, version FROM participants",
    "status_events": (
        "SELECT p.level, p.key, n.name, e.status, e.effective_date, e.note, e.created_by, e.version "
        "FROM status_events e JOIN participants p ON p.id = e.participant_id JOIN networks n ON n.id = e.network_id"
    ),
    "contacts": (
        "SELECT p.key, c.name, c.role, c.organisation, c.email, c.phone, c.version "
        "FROM contacts c LEFT JOIN participants p ON p.id = c.participant_id"
    ),
    "activities": (
        "SELECT p.key, a.date, a.kind, a.place, a.attendees, a.outcome, a.next_step, a.next_step_due, a.version "
        "FROM activities a JOIN participants p ON p.id = a.participant_id"
    ),
    # ids and timestamps differ between databases that hold the same register: left out
    "audit": (
        "SELECT changed_by, table_name, field, "
        "CASE WHEN field LIKE '%_id' OR field = 'created_at' THEN NULL ELSE old_value END, "
        "CASE WHEN field LIKE '%_id' OR field = 'created_at' THEN NULL ELSE new_value END FROM audit"
    ),
    "users": "SELECT name, role, active FROM users",
}


def dump(url: str) -> dict[str, list[tuple]]:
    """The register's content without ids and timestamps: equal dumps mean the same register."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: sorted((tuple(row) for row in connection.execute(text(query))), key=repr)
                for table, query in _DUMP.items()
            }
    finally:
        engine.dispose()


def assert_consistent(url: str) -> None:
    """SQLite's own checks, no dangling foreign key on any backend, the schema at the newest revision."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    column, parent = fk.parent.name, fk.column
                    dangling = connection.scalar(
                        text(
                            f"SELECT count(*) FROM {table.name} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
                            f"(SELECT 1 FROM {parent.table.name} p WHERE p.{parent.name} = c.{column})"
                        )
                    )
                    assert dangling == 0, f"{table.name}.{column}: {dangling} rows point nowhere"
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert versions == [head_revision()]
    finally:
        engine.dispose()


# --- 1. SIGKILL during an import ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def member_files(tmp_path_factory) -> tuple[Path, Path]:
    """A small file (the previous state) and a big one: every region many times, each row a new event."""
    directory = tmp_path_factory.mktemp("member-files")
    index = regions(Boundaries.bundled())
    keys = [key for level in ("kreis", "amt", "gemeinde") for key in index._by_level[level]]
    small = [["Schlüssel", "Status", "Seit", "Bemerkung", "Ansprechpartner", "E-Mail"]]
    for n, key in enumerate(keys[:40]):
        contact = [f"Person {n} (Beispiel)", f"person{n}@beispiel.invalid"] if n % 4 == 0 else ["", ""]
        small.append([key, Status.REQUESTED.label, "21.02.2020", "vorher", *contact])
    big = [["Schlüssel", "Status", "Seit", "Bemerkung"]]
    start = dt.date(2020, 3, 1)
    for n in range(IMPORT_ROWS):
        day = start + dt.timedelta(days=n // len(keys))
        big.append([keys[n % len(keys)], STATUSES[n % len(STATUSES)].label, f"{day:%d.%m.%Y}", f"Zeile {n}"])
    return write_csv(directory / "vorher.csv", small), write_csv(directory / "gross.csv", big)


def _import_process(url: str, path: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as sink:
        return subprocess.Popen(
            ["lpr-geo", "members", "import", str(path), "--db", url],
            env=app_env(log.parent / "data"),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


class SqliteWriter:
    """What a process is doing to a SQLite register, seen from outside.

    In WAL mode a write transaction holds the POSIX write lock on byte 120 of the ``-shm`` file from its
    first change until the commit is complete (visible in ``/proc/locks``); the ``-wal`` file grows when
    the transaction's changes overflow the page cache, and by the rest at commit.
    """

    def __init__(self, url: str) -> None:
        self.path = Path(url.removeprefix("sqlite:///"))

    def wal_size(self) -> int:
        try:
            return Path(f"{self.path}-wal").stat().st_size
        except FileNotFoundError:  # no writer yet, or the last connection checkpointed and removed it
            return 0

    def writing(self, pid: int) -> bool:
        """True while ``pid`` holds the write lock: its transaction has begun and not yet committed."""
        try:
            inode = Path(f"{self.path}-shm").stat().st_ino
        except FileNotFoundError:
            return False
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()  # 1: POSIX  ADVISORY  WRITE 4711 00:2d:123456 120 120
            if fields[1:5] == ["POSIX", "ADVISORY", "WRITE", str(pid)] and fields[6] == "120":
                if fields[5].rsplit(":", 1)[-1] == str(inode):
                    return True
        return False


def _event_sequence(url: str) -> tuple[Callable[[], int], Callable[[], None]]:
    """Inserted status events so far, read from the sequence: it moves outside the import's transaction."""
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    connection = engine.connect()
    sequence = connection.scalar(text("SELECT pg_get_serial_sequence('status_events', 'id')"))

    def read() -> int:
        return connection.scalar(
            text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
        )

    def close() -> None:
        connection.close()
        engine.dispose()

    return read, close


def _run_import(
    url: str, path: Path, log: Path, writing: Callable[[int], bool], kill_when: Callable[[int], bool] | None
) -> tuple[int, float, float]:
    """Run ``lpr-geo members import``; SIGKILL it as soon as ``kill_when(pid)`` holds (polled every 10 ms).

    Returns
    -------
    (int, float, float)
        Exit code (``-SIGKILL`` if killed), seconds from start to exit, and seconds from the first sign of
        the write transaction (``writing``) to the kill, or to its last sign.
    """
    start = time.monotonic()
    first = last = None
    process = _import_process(url, path, log)
    while process.poll() is None:
        assert time.monotonic() - start < 300, "import did not finish"
        if writing(process.pid):
            first, last = first or time.monotonic(), time.monotonic()
        if kill_when is not None and kill_when(process.pid):
            process.send_signal(signal.SIGKILL)
            last = time.monotonic()
            break
        time.sleep(0.01)
    returncode = process.wait(timeout=30)
    return returncode, time.monotonic() - start, (last - first) if first and last else 0.0


def _sqlite_kill_points(writer: SqliteWriter) -> list[tuple[str, Callable[[int], bool]]]:
    """Early, middle and late in the import's write transaction, each checked against the write lock."""
    since: dict[int, float] = {}

    def early(pid: int) -> bool:
        if not writer.writing(pid):
            return False
        return time.monotonic() - since.setdefault(pid, time.monotonic()) >= 0.2

    return [
        ("0,2 s nach Beginn der Transaktion", early),
        ("erste Seiten im WAL", lambda pid: writer.wal_size() > 0 and writer.writing(pid)),
        ("WAL über 512 KiB", lambda pid: writer.wal_size() > 512 * 1024 and writer.writing(pid)),
    ]


def _events(state: dict[str, list[tuple]]) -> set[tuple[str, str, str, str]]:
    """Status events of a dump as (key, status, day, note)."""
    return {(key, status, str(day), note) for _, key, _, status, day, note, _, _ in state["status_events"]}


def _expected_after(before: dict[str, list[tuple]], big: Path) -> set[tuple[str, str, str, str]]:
    """The status events the register must hold after the big import: the old ones and one per row."""
    events = _events(before)
    for row in big.read_text(encoding="utf-8").splitlines()[1:]:
        key, label, day, note = row.split(";")
        events.add(
            (key, Status.from_label(label).value, str(dt.datetime.strptime(day, "%d.%m.%Y").date()), note)
        )
    return events


@pytest.mark.parametrize("backend", BACKENDS)
def test_import_killed_while_writing_leaves_the_previous_register(backend, member_files, tmp_path, request):
    small, big = member_files
    url = _register(backend, lambda: request.getfixturevalue("pg"), tmp_path, "register")
    engine = make_engine(url)
    assert import_members(engine, small).ok
    engine.dispose()
    before = dump(url)
    outcomes = []

    if backend == "sqlite":
        writer = SqliteWriter(url)
        writing, points, close = writer.writing, _sqlite_kill_points(writer), lambda: None
    else:
        inserted, close = _event_sequence(url)
        begun: dict[int, int] = {}  # per process: the sequence when it started

        def writing(pid: int) -> bool:
            return inserted() > begun.setdefault(pid, inserted())

        def after_rows(fraction: float) -> Callable[[int], bool]:
            return lambda pid: inserted() >= begun.setdefault(pid, inserted()) + int(IMPORT_ROWS * fraction)

        # below 100 % the transaction is open for sure (it commits after the last row); at 100 % the audit
        # entries may still be on their way, or the commit may just have happened
        points = [(f"{f:.0%} der Zeilen eingefügt", after_rows(f)) for f in (0.1, 0.6, 1.0)]
    try:
        for n, (where, kill_when) in enumerate(points):
            if backend == "sqlite":
                assert writer.wal_size() == 0  # the checks below closed the register: nothing left over
            log = tmp_path / f"killed-{n}.log"
            returncode, _, into = _run_import(url, big, log, writing, kill_when)
            assert returncode == -signal.SIGKILL, (
                f"the import ended before the kill ({where}): {log.read_text()}"
            )
            assert_consistent(url)
            state = dump(url)
            outcomes.append(
                f"{where}, {into:.1f} s nach Schreibbeginn: {'vorher' if state == before else 'neu'}"
            )
            if n < 2:
                assert state == before, where  # killed in the middle: nothing of the import is visible
            elif state != before:  # the last kill may come just after the commit: then all of it is there
                assert _events(state) == _expected_after(before, big)

        # the next import runs normally and yields the complete new register
        returncode, seconds, writing_time = _run_import(url, big, tmp_path / "final.log", writing, None)
    finally:
        close()
    assert returncode == 0, (tmp_path / "final.log").read_text()
    assert DATA_ROW.count(IMPORT_ROWS) in (tmp_path / "final.log").read_text()
    assert_consistent(url)
    after = dump(url)
    assert _events(after) == _expected_after(before, big)
    assert len(after["status_events"]) == len(before["status_events"]) + IMPORT_ROWS
    assert after["contacts"] == before["contacts"] and after["networks"] == before["networks"]
    print(f"\n{backend}: {outcomes}; import without kill {seconds:.1f} s, writing {writing_time:.1f} s")


# --- 2. SIGKILL during edits ----------------------------------------------------------------------------

EDIT_KEYS = ["12062124", "12063080", "12060052", "12060020", "12061260", "12064472", "12065256"]
EDIT_LOOP = """
import datetime as dt, itertools, sys
from lpr_geo.auth import User
from lpr_geo.register import add_activity, make_engine, set_status
url, tag, keys = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
statuses = ["requested", "in_talks", "committed", "member", "declined", "left"]
engine, user = make_engine(url), User("stoerfall", "editor")
print("bereit", flush=True)
for i in itertools.count():
    key = keys[i % len(keys)]
    day = dt.date(2021, 1, 1) + dt.timedelta(days=(i // len(keys)) % 20)
    if i % 3 == 2:
        add_activity(engine, user, "gemeinde", key, day, "Telefonat", outcome=f"{tag} {i}")
    else:
        set_status(engine, user, "gemeinde", key, None, statuses[i % 6], day, note=f"{tag} {i}")
    print(i, flush=True)
"""


def _committed_calls(connection, tag: str) -> list[int]:
    values = connection.execute(
        text(
            "SELECT new_value FROM audit WHERE new_value LIKE :pattern AND "
            "((table_name = 'status_events' AND field = 'note') OR (table_name = 'activities' AND field = 'outcome'))"
        ),
        {"pattern": f"{tag} %"},
    ).scalars()
    return sorted(int(value.split()[1]) for value in values)


def _assert_edits_consistent(url: str) -> None:
    assert_consistent(url)
    engine = make_engine(url)
    with engine.connect() as connection:

        def ids(query: str) -> set[int]:
            return set(connection.execute(text(query)).scalars())

        # every record has the audit entries of its insert, and no audit entry describes a lost insert
        for table, field in (("participants", "key"), ("status_events", "status"), ("activities", "kind")):
            inserted = ids(
                f"SELECT record_id FROM audit WHERE table_name = '{table}' AND field = '{field}' "
                "AND old_value IS NULL"
            )
            assert ids(f"SELECT id FROM {table}") == inserted, table
        complete = connection.execute(
            text(
                "SELECT e.id, count(DISTINCT a.field) FROM status_events e JOIN audit a ON "
                "a.table_name = 'status_events' AND a.record_id = e.id AND a.old_value IS NULL GROUP BY e.id"
            )
        ).all()
        # participant_id, network_id, status, effective_date, note, created_at, created_by
        assert {fields for _, fields in complete} == {7}
        # each status change bumps the participant's version once and leaves one audited note
        versions = connection.execute(
            text(
                "SELECT p.key, p.version, (SELECT count(*) FROM audit a JOIN status_events e ON "
                "a.table_name = 'status_events' AND a.field = 'note' AND a.record_id = e.id "
                "WHERE e.participant_id = p.id) FROM participants p"
            )
        ).all()
        assert [(key, version) for key, version, _ in versions] == [(key, n) for key, _, n in versions]
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_edits_killed_at_random_moments_leave_a_consistent_register(backend, tmp_path, request):
    url = _register(backend, lambda: request.getfixturevalue("pg"), tmp_path, "register")
    engine = make_engine(url)
    for key in EDIT_KEYS:  # every region is a participant before the loop: each save then bumps its version
        set_status(
            engine,
            User("vorbereitung", "editor"),
            "gemeinde",
            key,
            None,
            "requested",
            "2020-12-01",
            "vorbereitet",
        )
    engine.dispose()
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    kills = 5 if backend == "sqlite" else 4
    acknowledged_total = 0
    for run in range(kills):
        tag = f"lauf{run}"
        out = tmp_path / f"{tag}.out"
        with out.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-c", EDIT_LOOP, url, tag, ",".join(EDIT_KEYS)],
                env=app_env(tmp_path / "data"),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        # killed after a random number of acknowledged saves, so mid-way through the next one
        saves, deadline = rng.randint(1, 30), time.monotonic() + 120
        while len(out.read_text().split()) < 1 + saves:  # "bereit", then one line per finished save
            assert process.poll() is None and time.monotonic() < deadline, out.read_text()
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        acknowledged = len(out.read_text().split()) - 1  # lines after "bereit": one per finished save
        acknowledged_total += acknowledged
        _assert_edits_consistent(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            committed = _committed_calls(connection, tag)
        engine.dispose()
        # every acknowledged save survived, in order; at most the one in flight committed unacknowledged
        assert committed in (list(range(acknowledged)), list(range(acknowledged + 1))), (seed, committed)
    print(f"\n{backend}: {kills} kills (seed {seed}), {acknowledged_total} acknowledged saves")
    assert acknowledged_total >= 2 * kills

    engine = make_engine(url)  # and editing goes on
    saved = set_status(
        engine, User("danach", "editor"), "gemeinde", ELSTERWERDA, None, "member", dt.date.today(), "danach"
    )
    assert saved.version > 1
    engine.dispose()
    _assert_edits_consistent(url)


# --- 3. database unreachable at start -------------------------------------------------------------------


@pytest.fixture(scope="module")
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers (a hung server or a dropping firewall)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def _pg(host: str, port: int, database: str = "lpr") -> str:
    return f"postgresql://postgres@{host}:{port}/{database}"


#: case -> (database URL from the silent server's port and a temporary directory, expected German words)
UNREACHABLE: dict[str, tuple[Callable[[int, Path], str], str]] = {
    "closed-port": (
        lambda _, __: _pg("127.0.0.1", free_port()),
        "ist nicht erreichbar: Verbindung abgelehnt",
    ),
    "unknown-host": (
        lambda _, __: _pg("lpr-geo-gibt-es-nicht.invalid", 5432),
        "der Rechnername ist unbekannt",
    ),
    "unknown-database": (
        lambda _, __: _pg("127.0.0.1", 5432, f"lpr_geo_gibt_es_nicht_{uuid.uuid4().hex[:6]}"),
        "gibt es auf dem Server nicht",
    ),
    "silent-server": (  # the default connect timeout, not the operating system's minutes
        lambda silent, _: _pg("127.0.0.1", silent),
        "ist nicht erreichbar: keine Antwort innerhalb von 5 Sekunden",
    ),
    "sqlite-below-a-file": (
        lambda _, tmp: f"sqlite:///{tmp}/eine-datei/register.sqlite",
        "lässt sich nicht erstellen (ein Teil des Pfades ist eine Datei, kein Verzeichnis)",
    ),
    "sqlite-unwritable-directory": (  # /proc refuses new files even to root
        lambda _, __: "sqlite:////proc/register.sqlite",
        "die Datei kann nicht geöffnet oder angelegt werden",
    ),
}
COMMANDS = {
    "serve": ["serve", "--port", "0"],
    "coverage": ["coverage"],
    "members-import": ["members", "import", "{tmp}/liste.csv"],
    "db-upgrade": ["db", "upgrade"],
}
#: Seconds after which a start counts as hanging. Normally the message comes after the program's start-up
#: plus at most the 5 s connect timeout (printed by the test); without a timeout a silent server would
#: keep it waiting forever. Generous, because the machine may be busy with other test runs.
HANG = 90
CLI_CASES = [
    ("serve", "closed-port"),
    ("serve", "unknown-host"),
    ("serve", "unknown-database"),
    ("serve", "silent-server"),
    ("serve", "sqlite-below-a-file"),
    ("coverage", "sqlite-unwritable-directory"),
    ("members-import", "closed-port"),
    ("db-upgrade", "unknown-host"),
]
GUNICORN_CASES = {
    "closed-port": (lambda: {"LPR_GEO_DB": _pg("127.0.0.1", free_port())}, "Verbindung abgelehnt"),
    "unwritable-data-dir": (lambda: {"LPR_GEO_DATA_DIR": "/proc/lpr-geo"}, "Datenverzeichnis /proc/lpr-geo"),
}


def _start_cli(command: str, case: str, silent: int, tmp: Path) -> tuple[str, float, str]:
    """Start ``lpr-geo COMMAND --db URL`` against an unreachable database; return (problem, seconds, line)."""
    tmp.mkdir()
    (tmp / "eine-datei").write_text("kein Verzeichnis")
    write_csv(tmp / "liste.csv", [["AGS", "Status", "Seit"], [ELSTERWERDA, "Mitglied", "07.06.2021"]])
    url_of, expected = UNREACHABLE[case]
    argv = ["lpr-geo", *(arg.format(tmp=tmp) for arg in COMMANDS[command]), "--db", url_of(silent, tmp)]
    start = time.monotonic()
    done = subprocess.run(argv, env=app_env(tmp / "data"), capture_output=True, text=True, timeout=2 * HANG)
    seconds = time.monotonic() - start
    # the command first says which register it uses, then fails with one German line
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("Register: ")]
    line = lines[0] if lines else ""
    problem = ""
    if done.returncode != 1:
        problem = f"exit status {done.returncode}"
    elif len(lines) != 1 or "Traceback" in done.stderr:
        problem = f"not one line: {done.stderr[-1500:]}"
    elif not line.startswith("Fehler: Die Datenbank ") or expected not in line:
        problem = f"expected »{expected}«"
    elif "postgresql+psycopg" in line:
        problem = "shows the URL with the internal driver name, not as the user wrote it"
    elif seconds > HANG:
        problem = f"took {seconds:.0f} s"
    return problem, seconds, line


def _app_traceback(stderr: str) -> bool:
    """Whether a traceback passes through the app, its libraries or the driver.

    gunicorn's arbiter may print a traceback of its own: when two workers fail to boot at the same moment,
    halting on the first failure reaps the second and raises ``HaltServer`` again (a gunicorn quirk; the
    exit status is then 1 instead of 4). That one shows no frame of ours and is tolerated.
    """
    frames = [line for line in stderr.splitlines() if line.lstrip().startswith('File "')]
    return any(
        part in frame
        for frame in frames
        for part in ("/dashboard/", "/lpr_geo/", "/sqlalchemy/", "/psycopg/")
    )


def _start_gunicorn(case: str, tmp: Path) -> tuple[str, float, str]:
    """Start gunicorn with two workers on an unreachable register; return (problem, seconds, line)."""
    settings, expected = GUNICORN_CASES[case]
    argv = ["gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{free_port()}", "dashboard.wsgi:server"]
    start = time.monotonic()
    done = subprocess.run(
        argv, env=app_env(tmp / "data", **settings()), capture_output=True, text=True, timeout=2 * HANG
    )
    seconds = time.monotonic() - start
    german = [line for line in done.stderr.splitlines() if line.startswith("Fehler: ")]
    problem = ""
    if done.returncode == 0:
        problem = "exit status 0"
    elif not german or any(line != german[0] for line in german) or _app_traceback(done.stderr):
        problem = f"not one German line (once per worker): {done.stderr[-3000:]}"
    elif expected not in german[0]:
        problem = f"expected »{expected}«"
    elif "App failed to load" not in done.stderr:  # gunicorn stops instead of restarting workers forever
        problem = f"gunicorn did not stop: {done.stderr[-1500:]}"
    elif seconds > HANG:
        problem = f"took {seconds:.0f} s"
    return problem, seconds, german[0] if german else ""


def test_unreachable_database_at_start_is_one_german_line_and_a_non_zero_exit(silent_server, tmp_path):
    jobs = {
        f"lpr-geo {command} ({case})": lambda c=command, d=case: _start_cli(
            c, d, silent_server, tmp_path / f"{c}-{d}"
        )
        for command, case in CLI_CASES
    }
    jobs.update(
        {
            f"gunicorn ({case})": lambda d=case: _start_gunicorn(d, tmp_path / f"gunicorn-{d}")
            for case in GUNICORN_CASES
        }
    )
    with ThreadPoolExecutor(max_workers=3) as pool:  # real processes, a few at a time
        results = dict(zip(jobs, pool.map(lambda job: job(), jobs.values()), strict=True))
    print(
        "\n" + "\n".join(f"{name}: {seconds:.1f} s: {line}" for name, (_, seconds, line) in results.items())
    )
    problems = {name: problem for name, (problem, _, _) in results.items() if problem}
    assert not problems, problems


# --- 4. PostgreSQL restarted while the app runs --------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    assert found, "PostgreSQL server binaries (Debian: postgresql-15) are needed for the restart test"
    return found[-1].parent


class PrivateCluster:
    """A throw-away PostgreSQL cluster in a temporary directory on a free port (never the shared one).

    initdb refuses to run as root, so as root every server command runs as the ``postgres`` user.
    """

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="lpr-geo-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        self.start()

    def _run(self, program: str, *args) -> None:
        argv = [str(self.bin / program), *map(str, args)]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.root)
        assert done.returncode == 0, f"{program}: {done.stdout}{done.stderr}"

    def pg_ctl(self, *args: str) -> float:
        """Run ``pg_ctl`` and wait for it; return the seconds it took."""
        start = time.monotonic()
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", *args)
        return time.monotonic() - start

    def start(self) -> float:
        return self.pg_ctl("start")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except AssertionError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        yield cluster
    finally:
        cluster.close()


def _detail_callback() -> dict:
    view = {
        "network": DEFAULT_NETWORK,
        "on": dt.date.today().isoformat(),
        "level": "gemeinde",
        "kreis": None,
        "region": ELSTERWERDA,
        "selected": [],
        "stops": [],
    }
    return {
        "output": "..detail.children...detail-zur-route.hidden..",
        "outputs": [
            {"id": "detail", "property": "children"},
            {"id": "detail-zur-route", "property": "hidden"},
        ],
        "inputs": [
            {"id": "ansicht", "property": "data", "value": view},
            {"id": "bearbeiten-gespeichert", "property": "data", "value": 0},
        ],
        "changedPropIds": ["ansicht.data"],
        "state": [],
    }


def _requests(base: str) -> dict[str, tuple[int, float]]:
    """Status and seconds of a page (frame and layout), a callback and the health check, in this order."""
    results = {}
    calls = {
        "page": lambda: requests.get(base + "/", timeout=60),
        "layout": lambda: requests.get(base + "/_dash-layout", timeout=60),
        "callback": lambda: requests.post(
            base + "/_dash-update-component",
            json=_detail_callback(),
            headers={"Origin": base},
            timeout=60,
        ),
        "health": lambda: requests.get(base + "/healthz", timeout=60),
    }
    for name, call in calls.items():
        start = time.monotonic()
        response = call()
        results[name] = (response.status_code, round(time.monotonic() - start, 3))
        if name == "callback" and response.status_code == 200:
            assert "Elsterwerda" in response.text
        if name == "layout" and response.status_code == 200:
            assert "Netzwerk Kriminalprävention vor Ort" in response.text
    return results


def _wait_for_both_workers(base: str, access_log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(4) as pool:  # concurrent requests: an idle worker takes some
            list(pool.map(lambda _: requests.get(base + "/healthz", timeout=60), range(8)))
        if len(set(access_log.read_text().split())) >= 2:
            return
    raise TimeoutError("the second gunicorn worker did not answer")


def _ok(results: dict[str, tuple[int, float]]) -> bool:
    return all(status == 200 for status, _ in results.values())


@pytest.fixture(params=["serve", "gunicorn"])
def app_on_private_cluster(request, private_cluster, tmp_path, member_files) -> Iterator[str]:
    database = f"lpr_{request.param}"
    admin = create_engine(
        private_cluster.url("postgres").replace("://", "+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = private_cluster.url(database)
    engine = make_engine(url)
    upgrade(engine)
    assert import_members(engine, member_files[0]).ok
    engine.dispose()
    if request.param == "serve":
        argv = ["lpr-geo", "serve", "--port", PORT, "--db", url]
    else:
        argv = ["gunicorn", "--workers", "2", "--bind", f"{HOST}:{PORT}", "dashboard.wsgi:server"]
        # the worker's process id per request: the test starts once both workers have booted (a worker
        # still loading the app when the database restarts fails to boot, and gunicorn then stops)
        argv += ["--access-logfile", str(tmp_path / "access.log"), "--access-logformat", "%(p)s"]
    log = ARTIFACTS / f"faults-{request.param}.log"
    env = app_env(tmp_path / "data", LPR_GEO_DB=url)
    with start_server(argv, env=env, log=log, ready="/healthz", timeout=120) as server:
        if request.param == "gunicorn":
            _wait_for_both_workers(server.url, tmp_path / "access.log")
        yield server.url


def test_app_recovers_on_the_next_request_after_postgresql_restarts(app_on_private_cluster, private_cluster):
    base = app_on_private_cluster
    assert _ok(_requests(base))
    report = []

    for mode in ("fast", "immediate"):  # a clean restart, and one like a crash (recovery on start)
        seconds = private_cluster.pg_ctl("restart", "-m", mode)
        first = _requests(base)  # the very first requests after the server is back
        report.append((f"restart -m {mode} ({seconds:.1f} s)", first))
        assert _ok(first), first

    private_cluster.pg_ctl("stop", "-m", "fast")
    try:
        down = _requests(base)
        report.append(("stopped", down))
        assert down["health"][0] == 503
        assert (
            down["callback"][0] == 503 and down["layout"][0] == 503
        )  # German "Datenbank antwortet gerade nicht"
        assert down["page"][0] == 200  # the page frame needs no database
    finally:
        private_cluster.start()
    back = _requests(base)
    report.append(("started again", back))
    assert _ok(back), back
    print("\n" + "\n".join(f"{what}: {results}" for what, results in report))
