"""``lpr-geo geodata import-population``: GV-ISys figures on the active Gemeinden, bad files rejected."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lpr_geo.boundaries import active_dir, bundled_dir, load_layer
from lpr_geo.boundaries.population import PopulationError, read_gv_isys
from lpr_geo.cli import main
from lpr_geo.settings import Settings

from .conftest import base_gemeinden, population_rows, run, write_gv_isys


def _active(env) -> Path:
    return active_dir(Settings(data_dir=Path(env["LPR_GEO_DATA_DIR"])))


def test_reader_finds_columns_date_and_brandenburg_rows(downloads):
    table = read_gv_isys(downloads["population"])
    assert table.reference_date.isoformat() == "2023-12-31"
    assert len(table.gemeinden) == 11  # ten fixture Gemeinden and one unknown to the boundaries
    assert "14627010" not in set(table.gemeinden["key"])  # Saxony ignored
    row = table.gemeinden.set_index("key").loc["12062124"]
    assert row["name"] == "Elsterwerda, Stadt" and row["population"] > 0
    assert table.kreise.to_dict("records") == [{"key": "12062", "name": "Elbe-Elster", "population": 97983}]


def test_population_is_attached_in_a_real_process(downloads, env_base):
    before = _active(env_base)
    result = run("geodata", "import-population", str(downloads["population"]), env=env_base)
    assert result.returncode == 0, result.stderr
    assert "Auszug_GV.xlsx (Stand 31.12.2023): Einwohnerzahlen für 10 Gemeinden und 1 Kreise übernommen." in (
        result.stdout
    )
    assert "1 Gemeinden der Datei fehlen im aktiven Gebietsstand (nicht übernommen): »Neuort« (12062999)" in (
        result.stdout
    )
    after = _active(env_base)
    assert after != before and after.name == "vg250-2024-01-01-bb-ew-2023-12-31"
    gemeinden = load_layer("gemeinde", "land", after).set_index("key")
    expected = {r.key: 1000 + 100 * i for i, r in enumerate(base_gemeinden().sort_values("key").itertuples())}
    assert gemeinden["population"].to_dict() == expected
    assert set(gemeinden["population_date"]) == {"2023-12-31"}
    assert load_layer("gemeinde", "land", before)["population"].isna().all()  # old version untouched
    info = json.loads(run("geodata", "info", env=env_base).stdout)
    assert info["dataset"] == "VG250 01.01.2024 (BKG), Brandenburg"
    assert info["population"] == {"level": "gemeinde", "date": "2023-12-31", "gemeinden_with_figure": 10}
    assert "Einwohner: Statistisches Bundesamt (Destatis), GV-ISys, Stand 31.12.2023" in info["attribution"]
    coverage = run("coverage", env=env_base)
    assert coverage.returncode == 0, coverage.stderr
    assert "Gemeindezahlen, Stand 31.12.2023)" in coverage.stdout


def test_population_on_the_bundled_dataset_reports_gemeinden_without_figure(downloads, env, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["geodata", "import-population", str(downloads["population"])])
    assert result.exit_code == 0, result.output
    assert "407 Gemeinden des Gebietsstands ohne Angabe in der Datei" in result.output
    assert _active(env).name == "vg250-2016-bb-ew-2023-12-31"
    assert (bundled_dir() / "gemeinde.parquet").exists()
    assert load_layer("gemeinde", "land", bundled_dir())["population"].isna().all()


def _bad_number(tmp_path: Path) -> Path:
    rows = population_rows(base_gemeinden())
    rows[3][9] = "k. A."
    return write_gv_isys(tmp_path / "Auszug_GV.xlsx", rows)


def _no_date(tmp_path: Path) -> Path:
    return write_gv_isys(tmp_path / "Auszug_GV.xlsx", population_rows(base_gemeinden()), title="Gemeinden")


def _plain_sheet(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["AGS", "Einwohner"])
    book.save(tmp_path / "Einwohner.xlsx")
    return tmp_path / "Einwohner.xlsx"


def _not_excel(tmp_path: Path) -> Path:
    path = tmp_path / "Auszug_GV.xlsx"
    path.write_text("AGS;Einwohner\n12062124;8000\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_excel, "Auszug_GV.xlsx: keine lesbare XLSX-Datei (kein gültiges ZIP-Archiv"),
        (
            _plain_sheet,
            "Einwohner.xlsx: kein Tabellenblatt im Aufbau des GV-ISys-Auszugs (Spalte »Satzart« fehlt)",
        ),
        (
            _bad_number,
            "Auszug_GV.xlsx, Blatt »Onlineprodukt_Gemeinden«, Zeile 10, Feld »Bevölkerung insgesamt«: "
            "keine gültige Zahl ('k. A.')",
        ),
        (_no_date, "Stichtag nicht im Titel gefunden; bitte mit --stand JJJJ-MM-TT angeben"),
    ],
)
def test_bad_files_change_nothing(tmp_path, env_base, monkeypatch, make, message):
    for name, value in env_base.items():
        monkeypatch.setenv(name, value)
    before = _active(env_base)
    result = CliRunner().invoke(main, ["geodata", "import-population", str(make(tmp_path))])
    assert result.exit_code == 1
    assert "Fehler: " in result.output and message in result.output and "Nichts geändert." in result.output
    assert _active(env_base) == before
    assert sorted(p.name for p in before.parent.iterdir()) == ["ACTIVE", before.name]


def test_stand_option_supplies_a_missing_date(tmp_path):
    path = _no_date(tmp_path)
    with pytest.raises(PopulationError):
        read_gv_isys(path)
    assert read_gv_isys(path, reference_date=dt.date(2023, 6, 30)).reference_date == dt.date(2023, 6, 30)
