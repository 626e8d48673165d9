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
    assert "Windows-1252" in done.stdout and "1 Statuseinträge neu" in done.stdout
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
