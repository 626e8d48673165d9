"""``lpr-geo members`` and ``lpr-geo db`` as users run them: in-process for detail, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpr_geo.cli import main
from lpr_geo.register import make_engine, status_events

from .conftest import row_counts, write_csv

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LPR_GEO, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_import_report_and_exit_codes(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    good = write_csv(
        tmp_path / "gut.csv", [["AGS", "Status", "Seit"], ["12062124", "Mitarbeit zugesagt", "07.06.2021"]]
    )
    bad = write_csv(
        tmp_path / "schlecht.csv", [["AGS", "Status", "Seit"], ["12062124", "Mitglied", "morgen"]]
    )
    runner = CliRunner()
    result = runner.invoke(main, ["members", "import", str(good), "--dry-run", "--db", db])
    assert result.exit_code == 0 and "Probelauf" in result.output
    result = runner.invoke(main, ["members", "import", str(bad), "--db", db])
    assert result.exit_code == 1
    assert "schlecht.csv, Zeile 2, Feld »Seit«: ungültiges Datum »morgen«" in result.output
    result = runner.invoke(main, ["members", "import", str(tmp_path / "fehlt.txt"), "--db", db])
    assert result.exit_code == 1 and "Fehler: fehlt.txt: unbekanntes Dateiformat" in result.output
    result = runner.invoke(main, ["members", "import", str(good), "--network", "Unbekannt", "--db", db])
    assert result.exit_code == 1 and "unbekanntes Netzwerk »Unbekannt«" in result.output


def test_networks_can_be_added_and_used(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    result = runner.invoke(
        main, ["members", "add-network", "CTC Beispielstadt", "--founded", "01.03.2024", "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "CTC Beispielstadt" in runner.invoke(main, ["members", "networks", "--db", db]).output
    path = write_csv(tmp_path / "m.csv", [["AGS", "Status", "Seit"], ["12063080", "Mitglied", "01.04.2024"]])
    result = runner.invoke(
        main, ["members", "import", str(path), "--network", "CTC Beispielstadt", "--db", db]
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(db)
    assert list(status_events(engine)["network"]) == ["CTC Beispielstadt"]
    engine.dispose()


def test_real_processes_sqlite(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    done = _run("db", "upgrade", "--db", db)
    assert done.returncode == 0 and "Schema auf Stand" in done.stdout, done.stderr
    rows = [
        ["Gemeinde", "Kreis", "Status", "Seit"],
        ["Lübben (Spreewald), Stadt", "Dahme-Spreewald", "Im Gespräch", "07.06.2021"],
    ]
    path = write_csv(tmp_path / "m.csv", rows, encoding="cp1252")
    done = _run("members", "import", str(path), env={"LPR_GEO_DB": db})
    assert done.returncode == 0, done.stderr
    assert "Windows-1252" in done.stdout and "1 Statuseintrag neu" in done.stdout
    done = _run("members", "export", str(tmp_path / "out.xlsx"), "--db", db)
    assert done.returncode == 0 and "1 Zeilen" in done.stdout, done.stderr
    done = _run("members", "import", str(tmp_path / "out.xlsx"), "--db", db)
    assert done.returncode == 0 and "0 Statuseinträge neu" in done.stdout, done.stderr
    done = _run("db", "backup", str(tmp_path / "b.sqlite"), "--db", db)
    assert done.returncode == 0, done.stderr
    done = _run("db", "restore", str(tmp_path / "b.sqlite"), "--db", db)
    assert done.returncode == 0 and "wiederhergestellt" in done.stdout, done.stderr


@pytest.mark.postgres
def test_real_processes_postgres(pg_databases, tmp_path):
    url = pg_databases.blank().replace("postgresql+psycopg://", "postgresql://")
    done = _run("members", "export", str(tmp_path / "x.csv"), "--db", url)
    assert done.returncode == 1 and "lpr-geo db upgrade" in done.stderr
    done = _run("db", "upgrade", "--db", url)
    assert done.returncode == 0, done.stderr
    path = write_csv(
        tmp_path / "m.csv", [["AGS", "Status", "Seit"], ["12062124", "Unsinn", "07.06.2021"]], bom=True
    )
    done = _run("members", "import", str(path), "--db", url)
    assert done.returncode == 1 and "Zeile 2, Feld »Status«: unbekannter Status 'Unsinn'" in done.stderr
    engine = make_engine(url)
    assert row_counts(engine)["status_events"] == 0
    engine.dispose()


@pytest.mark.postgres
def test_the_configured_database_reaches_every_register_command(tmp_path, pg_databases):
    """``db_url`` from the TOML file in ``LPR_GEO_CONFIG`` is the register of ``users`` and ``members``."""
    url = pg_databases.register(90)
    config = tmp_path / "lpr-geo.toml"
    config.write_text(f'db_url = "{url}"\n', encoding="utf-8")
    data_dir = tmp_path / "daten"
    env = {k: v for k, v in os.environ.items() if k != "LPR_GEO_DB"}
    env.update(LPR_GEO_CONFIG=str(config), LPR_GEO_DATA_DIR=str(data_dir))
    added = subprocess.run(
        [LPR_GEO, "users", "add", "otto", "--role", "editor", "--password-stdin"],
        input="ein-langes-passwort\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    assert f"Register: {url} ({config}, db_url)" in added.stderr
    members = write_csv(
        tmp_path / "m.csv", [["AGS", "Status", "Seit"], ["12062124", "Mitglied", "07.06.2021"]]
    )
    imported = subprocess.run(
        [LPR_GEO, "members", "import", str(members)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    engine = make_engine(url)
    assert row_counts(engine)["users"] == 1 and len(status_events(engine)) == 1
    engine.dispose()
    assert not (data_dir / "register.sqlite").exists()  # nothing went to the embedded register
