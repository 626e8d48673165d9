"""The ``lpr-geo`` console script, run as a user runs it."""

import json
import subprocess

from click.testing import CliRunner

from lpr_geo.cli import main


def test_geodata_info_subprocess():
    result = subprocess.run(
        ["lpr-geo", "geodata", "info"], capture_output=True, text=True, timeout=120, check=True
    )
    info = json.loads(result.stdout)
    assert info["counts"] == {"land": 1, "kreis": 18, "amt": 200, "gemeinde": 417}
    assert info["dataset"].startswith("VG250 01.01.2016")
    assert info["reference_date"] == "2016-01-01"
    assert "© GeoBasis-DE / BKG 2016" in info["attribution"]


def test_help_lists_only_implemented_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "geodata" in result.output and "serve" in result.output


def test_unknown_command_exits_non_zero():
    result = subprocess.run(["lpr-geo", "gibtsnicht"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
