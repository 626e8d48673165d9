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


def test_gaps_csv(env, tmp_path):
    path = tmp_path / "luecken.csv"
    result = run(env, "gaps", "--level", "amt", "--csv", str(path))
    assert result.exit_code == 0, result.output
    header = path.read_text(encoding="utf-8").splitlines()[0].split(";")
    assert header[:2] == ["key", "name"] and "score" in header


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
