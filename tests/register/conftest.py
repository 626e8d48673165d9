"""Fixtures of the register suite: real SQLite files and real PostgreSQL databases.

PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) is required: if it is unreachable the
postgres-marked tests fail, they are never skipped. The session creates databases with a random name
prefix, migrates each once, empties them before every test and drops them all at the end.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from lpr_geo.register import make_engine, upgrade
from lpr_geo.register.models import Base

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _admin() -> Engine:
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


class PostgresDatabases:
    """The PostgreSQL databases of one test session, migrated once and emptied for every test.

    Creating and dropping a database per test costs a checkpoint each; truncating is much faster.
    """

    def __init__(self) -> None:
        self.prefix = f"lpr_geo_test_{uuid.uuid4().hex[:10]}"
        self.urls: list[str] = []
        self.initial_rows: dict[str, list[dict]] = {}
        try:
            self._create(f"{self.prefix}_probe")
        except Exception as error:  # any connection failure must fail the tests, not skip them
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required for the register suite: {error}")

    def _create(self, name: str) -> str:
        admin = _admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.urls.append(f"{PG_SERVER}/{name}")
        return self.urls[-1]

    def register(self, index: int) -> str:
        """URL of the index-th register of a test: migrated, holding only what the migrations insert."""
        name = f"{self.prefix}_{index}"
        url = f"{PG_SERVER}/{name}"
        engine = make_engine(url) if url in self.urls else make_engine(self._create(name))
        if url not in self.initial_rows:
            upgrade(engine)
            with engine.connect() as connection:
                rows = connection.execute(Base.metadata.tables["networks"].select()).mappings()
                # without ids, so that the sequence hands out the next ones after a reset
                self.initial_rows[url] = [{k: v for k, v in r.items() if k != "id"} for r in rows]
        else:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                connection.execute(Base.metadata.tables["networks"].insert(), self.initial_rows[url])
        engine.dispose()
        return url

    def blank(self) -> str:
        """URL of a new, empty database (no register tables)."""
        return self._create(f"{self.prefix}_blank_{len(self.urls)}")

    def drop_all(self) -> None:
        admin = _admin()
        with admin.connect() as connection:
            for url in self.urls:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture
def make_register(request, tmp_path: Path):
    """Factory of fresh, migrated registers: ``make_register("sqlite" | "postgres") -> Engine``."""
    engines: list[Engine] = []

    def make(backend: str) -> Engine:
        if backend == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path / f'register{len(engines)}.sqlite'}")
            upgrade(engine)
        else:
            engine = make_engine(request.getfixturevalue("pg_databases").register(len(engines)))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def register(backend: str, make_register) -> Engine:
    """An empty, migrated register (only the default network) on the parametrised backend."""
    return make_register(backend)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per register table (audit included): the "nothing changed" check."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8", bom: bool = False
) -> Path:
    """Write a CSV file the way an office program would."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
