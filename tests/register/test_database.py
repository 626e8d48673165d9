"""Schema migrations, connection settings, backup and restore, and the embedded sample register."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from lpr_geo.boundaries import Boundaries
from lpr_geo.register import (
    RegisterError,
    SchemaOutdatedError,
    backup,
    ensure_sample_register,
    fill_sample,
    make_engine,
    normalise_url,
    open_register,
    register_session,
    restore,
)
from lpr_geo.register.models import Base, Contact
from lpr_geo.settings import Settings

from .conftest import row_counts

BUNDLED = Boundaries.bundled()


def test_migrations_match_models(register):
    with register.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_postgres_urls_use_psycopg():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = open_register(Settings(data_dir=tmp_path / "neu"))
    assert (tmp_path / "neu" / "register.sqlite").is_file()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


@pytest.mark.postgres
def test_unmigrated_postgres_is_refused(pg_databases):
    url = pg_databases.blank()
    with pytest.raises(SchemaOutdatedError, match="lpr-geo db upgrade"):
        open_register(Settings(data_dir=Path("/nonexistent"), db_url=url.replace("+psycopg", "")))


def test_sample_register_only_for_the_empty_embedded_default(tmp_path):
    settings = Settings(data_dir=tmp_path)
    engine = ensure_sample_register(settings, BUNDLED)
    counts = row_counts(engine)
    assert 30 <= counts["participants"] <= 50
    engine.dispose()
    engine = ensure_sample_register(settings, BUNDLED)
    assert row_counts(engine) == counts
    engine.dispose()
    explicit = ensure_sample_register(
        Settings(data_dir=tmp_path, db_url=f"sqlite:///{tmp_path / 'leer.sqlite'}"), BUNDLED
    )
    assert row_counts(explicit)["participants"] == 0
    explicit.dispose()


def test_backup_while_a_writer_is_active_and_restore(backend, make_register, tmp_path):
    engine = make_register(backend)
    fill_sample(engine)
    saved = row_counts(engine)
    target = tmp_path / ("sicherung.sqlite" if backend == "sqlite" else "sicherung.dump")
    with register_session(engine, "schreiber") as session:
        session.scalars(select(Contact)).first().phone = "0331 999"
        session.flush()  # uncommitted change of a running application while the backup is taken
        backup(engine, target)
    assert target.is_file()
    with pytest.raises(RegisterError, match="existiert bereits"):
        backup(engine, target)
    with register_session(engine) as session:
        for contact in session.scalars(select(Contact)):
            session.delete(contact)
    assert row_counts(engine)["contacts"] == 0
    restore(engine, target)
    assert row_counts(engine) == saved


def test_restore_refuses_a_foreign_file(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite'}")
    open_register(Settings(data_dir=tmp_path, db_url=f"sqlite:///{tmp_path / 'r.sqlite'}"))
    foreign = tmp_path / "fremd.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(RegisterError, match="keine Sicherung des Registers"):
        restore(engine, foreign)
    engine.dispose()
