import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpr_geo.boundaries import Boundaries
from lpr_geo.cli import main
from lpr_geo.coverage import load_layers
from lpr_geo.register import ensure_sample_register
from lpr_geo.settings import Settings


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("register")
    ensure_sample_register(Settings(data_dir=data_dir), Boundaries.bundled())
    return {"LPR_GEO_DATA_DIR": str(data_dir), "LPR_GEO_DB": ""}


def run(env, *args):
    return CliRunner().invoke(main, list(args), env=env)


def test_coverage_json_and_text(env):
    result = run(env, "coverage", "--json", "--date", "2024-01-01")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["date"] == "2024-01-01" and data["total"]["gemeinden"] == 417
    assert data["population_source"] == {
        "level": "kreis",
        "date": "2018-12-31",
        "method": "range_from_kreis_population",
    }
    text = run(env, "coverage", "--date", "2024-01-01")
    assert (
        text.exit_code == 0
        and "Gemeinden abgedeckt:" in text.output
        and "Kreise ohne jedes Mitglied" in text.output
    )


def lpr_geo(env, *args):
    """``lpr-geo ARGS`` as a real subprocess on the test register."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "lpr-geo"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_gaps_text_gives_priority_parts_and_reasons(env):
    result = lpr_geo(env, "gaps", "--date", "2026-12-01", "--limit", "10")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("Priorität = Einwohner + Stadt + Netzwerk nebenan + Kreis ohne Mitglied + ")
    assert "Kontakt in den letzten 180 Tagen" in lines[1]
    assert lines[2].startswith("Rangliste (")
    assert lines[3] == (
        "   1. Brandenburg an der Havel – Priorität 72,4 = Einwohner 27,9 + Stadt 10,0 + Netzwerk nebenan 4,5 "
        "+ Kreis ohne Mitglied 20,0 + nie kontaktiert 10,0"
    )
    assert lines[4] == (
        "      kreisfreie Stadt, 72.124 Einwohner, nächstes Mitglied 27 km, Kreis ohne Mitglied, "
        "nie kontaktiert; letzter Kontakt –"
    )
    assert "   2. Frankfurt (Oder) – Priorität 72,2" in result.stdout
    # declined regions are left out by default, and the command says how to see them
    assert "Schwedt/Oder" not in result.stdout
    assert "Nicht aufgeführt: 2 Regionen mit »Kein Interesse« oder »Ausgetreten«" in result.stdout
    declined = lpr_geo(env, "gaps", "--date", "2026-12-01", "--mit-abgelehnten", "--limit", "400")
    assert "Kein Interesse oder ausgetreten (2):" in declined.stdout
    assert "Kein Interesse seit 27.05.2025, erneut ansprechen ab 27.05.2027" in declined.stdout
    english = lpr_geo(env, "gaps", "--date", "2026-12-01", "--with-declined", "--limit", "400")
    assert english.stdout == declined.stdout


def test_gaps_csv_is_german_excel_ready(env, tmp_path):
    path = tmp_path / "luecken.csv"
    result = lpr_geo(env, "gaps", "--date", "2026-12-01", "--csv", str(path))
    assert result.returncode == 0, result.stderr
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the umlauts
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:9] == [
        "Rang",
        "Name",
        "Priorität",
        "Punkte Einwohner",
        "Punkte Stadt",
        "Punkte Netzwerk nebenan",
        "Punkte Kreis ohne Mitglied",
        "Punkte nie kontaktiert",
        "Begründung",
    ]
    assert "Letzter Kontakt" in rows[0] and "Ansprechen ab" in rows[0]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Name"] == "Brandenburg an der Havel" and first["Priorität"] == "72,4"
    assert first["Einwohner"] == "72124" and first["Begründung"].startswith(
        "kreisfreie Stadt, 72.124 Einwohner"
    )
    finsterwalde = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == "Finsterwalde")
    assert finsterwalde["Letzter Kontakt"] == "17.05.2022"
    assert finsterwalde["Art des letzten Kontakts"] == "Statusänderung: Kein Interesse"
    assert f"{len(rows) - 1} Regionen nach {path} geschrieben." in result.stdout
    amt = lpr_geo(env, "gaps", "--level", "amt", "--csv", str(tmp_path / "aemter.csv"))
    assert amt.returncode == 0, amt.stderr


def test_errors_are_german_and_exit_non_zero(env):
    unknown = run(env, "route", "12345678")
    assert unknown.exit_code == 1 and "unbekannter Schlüssel '12345678'" in unknown.output
    network = run(env, "coverage", "--network", "Gibt es nicht")
    assert network.exit_code == 1 and "unbekanntes Netzwerk" in network.output
    gemeinden = load_layers().keys["gemeinde"]
    too_many = run(env, "route", *gemeinden[:26])  # the distance table grows with the square: refused unbuilt
    assert too_many.exit_code == 1 and "Höchstens 25 Stationen je Route; angegeben: 26." in too_many.output


def test_route_as_a_subprocess(env):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lpr-geo"), "route", "--start", "potsdam", "12062124", "12052000"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Gesamt:" in result.stdout and "Elsterwerda" in result.stdout
