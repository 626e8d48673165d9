"""``lpr-geo geodata import-vg250``: editions, activation, rejection, key succession in the register."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from lpr_geo.boundaries import active_dir, bundled_dir, read_dataset
from lpr_geo.boundaries.succession import key_changes
from lpr_geo.boundaries.vg250 import reference_date_from_name
from lpr_geo.cli import main
from lpr_geo.register import AuditEntry, Participant, make_engine
from lpr_geo.settings import Settings

from .conftest import GROEDEN, GROSSTHIEMIG, MERGED, base_gemeinden, run, vg250_layers


def _bundled_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(bundled_dir().iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def cli(env, monkeypatch):
    """In-process ``lpr-geo`` with the environment of a fresh installation."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args))

    return invoke


def _active(env) -> Path:
    return active_dir(Settings(data_dir=Path(env["LPR_GEO_DATA_DIR"])))


def _members(cli, tmp_path, rows: list[str]) -> None:
    path = tmp_path / "mitglieder.csv"
    path.write_text("AGS;Status;Seit;Notiz\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = cli("members", "import", str(path))
    assert result.exit_code == 0, result.output


def test_shapefile_folder_is_imported_and_activated_in_a_real_process(downloads, env):
    before = _bundled_fingerprint()
    result = run("geodata", "import-vg250", str(downloads["base"]), env=env)
    assert result.returncode == 0, result.stderr
    assert "Shapefile, Stand 01.01.2024): 10 Gemeinden" in result.stdout
    assert "Aktiver Datensatz: VG250 01.01.2024 (BKG), Brandenburg" in result.stdout
    info = json.loads(run("geodata", "info", env=env).stdout)
    assert info["dataset"] == "VG250 01.01.2024 (BKG), Brandenburg"
    assert info["reference_date"] == "2024-01-01"
    assert info["counts"] == {"land": 1, "kreis": 2, "amt": 4, "gemeinde": 10}
    assert info["attribution"].startswith("© GeoBasis-DE / BKG 2024 (Daten verändert)")
    # Kreis population is carried over from the previous dataset and says where it comes from
    assert info["population"] == {"level": "kreis", "date": "2018-12-31", "gemeinden_with_figure": 0}
    assert Path(info["directory"]).parent == Path(env["LPR_GEO_DATA_DIR"]) / "geodata"
    assert _bundled_fingerprint() == before


@pytest.mark.parametrize("edition", ["zip", "gpkg_zip", "gpkg"])
def test_zip_and_geopackage_editions(downloads, cli, env, env_base, edition):
    result = cli("geodata", "import-vg250", str(downloads[edition]), "--stand", "2024-01-01")
    assert result.exit_code == 0, result.output
    expected = "GeoPackage" if edition.startswith("gpkg") else "Shapefile"
    assert f"({expected}, Stand 01.01.2024): 10 Gemeinden" in result.output
    layers = read_dataset(_active(env)).layers
    assert sorted(layers["amt"]["key"]) == ["120620124", "120625207", "120625211", "120730452"]
    assert layers["gemeinde"].set_index("key").at["12062208", "amt_key"] == "120625211"


def test_download_without_year_needs_stand(downloads, cli, env):
    assert reference_date_from_name(downloads["zip"]) is None
    result = cli("geodata", "import-vg250", str(downloads["zip"]))
    assert result.exit_code == 1
    assert (
        "Stichtag (Stand) nicht aus dem Namen erkennbar; bitte mit --stand JJJJ-MM-TT angeben"
        in result.output
    )
    assert _active(env) == bundled_dir()


@pytest.mark.parametrize(
    ("download", "message"),
    [
        ("corrupt", "vg250_2024-01-01.kaputt.zip: weder ZIP-Archiv noch Ordner noch GeoPackage"),
        ("truncated", "vg250_2024-01-01.abgeschnitten, Ebene VG250_GEM.shp: nicht lesbar"),
        ("wrong_crs", "Koordinatenbezugssystem EPSG:4326; erwartet wird EPSG:25832"),
        ("wrong_land", "keine Gebiete des Landes 12 (SN_L = 12) enthalten"),
    ],
)
def test_bad_downloads_are_rejected_and_the_active_dataset_stays(
    downloads, cli, env, env_base, download, message
):
    active = _active(env)
    pointer = (active.parent / "ACTIVE").read_text()
    result = cli("geodata", "import-vg250", str(downloads[download]))
    assert result.exit_code == 1
    assert message in result.output
    assert "Der aktive Datensatz bleibt unverändert." in result.output
    assert _active(env) == active and (active.parent / "ACTIVE").read_text() == pointer
    assert sorted(p.name for p in active.parent.iterdir()) == ["ACTIVE", active.name]


def test_failed_checks_leave_the_active_dataset(downloads, cli, env, tmp_path, monkeypatch):
    from lpr_geo.boundaries import checks

    monkeypatch.setattr(checks, "MAX_PARENT_MISMATCH", -1.0)  # every official parent "differs"
    result = cli("geodata", "import-vg250", str(downloads["base"]))
    assert result.exit_code == 1
    assert (
        "Prüfungen fehlgeschlagen" in result.output and "[official] kreis 12062: weicht um" in result.output
    )
    assert "Import abgebrochen; der aktive Datensatz (vg250-2016-bb) bleibt unverändert." in result.output
    assert _active(env) == bundled_dir()


def test_failed_checks_say_only_what_failed_in_a_real_process(tmp_path, env):
    """Keys are compared only for a dataset that passed its checks: no word about key changes then."""
    layers = vg250_layers(base_gemeinden())
    layers["VG250_KRS"]["geometry"] = layers["VG250_KRS"].translate(xoff=2000)  # BKG's Kreise moved 2 km
    inner = tmp_path / "vg250_2024-01-01.verschoben" / "vg250_ebenen_0101"
    inner.mkdir(parents=True)
    for name, frame in layers.items():
        frame.to_file(inner / f"{name}.shp", engine="pyogrio", encoding="UTF-8")
    result = run("geodata", "import-vg250", str(inner.parent), env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Prüfungen fehlgeschlagen:" in output and "[official] kreis 12062: weicht um" in output
    assert "Änderungen der Schlüssel" not in output
    assert "Import abgebrochen; der aktive Datensatz (vg250-2016-bb) bleibt unverändert." in output


def test_merged_gemeinden_are_reported_with_their_successor(downloads, env_base, cli):
    result = cli("geodata", "import-vg250", str(downloads["newer"]), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "weggefallen: Gemeinde »Gröden« (12062196) → Nachfolger »Großthiemig-Gröden« (12062600) 100 %" in (
        result.output
    )
    assert "weggefallen: Gemeinde »Großthiemig« (12062208) → Nachfolger »Großthiemig-Gröden« (12062600)" in (
        result.output
    )
    assert "neu: Gemeinde »Großthiemig-Gröden« (12062600)" in result.output
    assert "Probelauf: nichts geändert." in result.output


def test_successor_is_the_region_holding_most_of_the_area(downloads, env, env_base, cli):
    old = read_dataset(_active(env))
    new = read_dataset(_active(env))
    # redraw: Gröden vanishes, its area goes 3:1 to Großthiemig and Hirschfeld
    gem = new.layers["gemeinde"].set_index("key")
    groeden = gem.at[GROEDEN, "geometry"]
    minx, _, maxx, _ = groeden.bounds
    import shapely

    cut = minx + (maxx - minx) * 0.7
    west = shapely.clip_by_rect(groeden, minx, -90, cut, 90)
    east = shapely.difference(groeden, west)
    gem.at[GROSSTHIEMIG, "geometry"] = shapely.union(gem.at[GROSSTHIEMIG, "geometry"], west)
    gem.at["12062232", "geometry"] = shapely.union(gem.at["12062232", "geometry"], east)
    new.layers["gemeinde"] = gem.drop(index=GROEDEN).reset_index()
    (change,) = [c for c in key_changes(old, new, levels=("gemeinde",)) if c.kind == "weggefallen"]
    assert change.key == GROEDEN
    assert [s.key for s in change.successors] == [GROSSTHIEMIG, "12062232"]
    assert change.successor.share > 0.5 > change.successors[1].share
    assert sum(s.share for s in change.successors) == pytest.approx(1, abs=0.01)


def test_apply_succession_moves_the_participant_with_its_history(downloads, cli, env, env_base, tmp_path):
    _members(
        cli, tmp_path, [f"{GROEDEN};Im Gespräch;01.03.2021;Bürgermeister", f"{GROEDEN};Mitglied;01.06.2022;"]
    )
    base = _active(env)

    refused = cli("geodata", "import-vg250", str(downloads["newer"]))
    assert refused.exit_code == 1
    assert f"Register: Gemeinde »Gröden« ({GROEDEN}) → »Großthiemig-Gröden« ({MERGED}), 2 Statuseinträge" in (
        refused.output
    )
    assert "mit --apply-succession wiederholen" in refused.output
    assert _active(env) == base

    result = cli("geodata", "import-vg250", str(downloads["newer"]), "--apply-succession")
    assert result.exit_code == 0, result.output
    assert "1 Registereinträge auf ihre Nachfolger übertragen." in result.output
    assert _active(env) != base

    engine = make_engine(env["LPR_GEO_DB"])
    with Session(engine) as session:
        participants = session.scalars(select(Participant)).all()
        assert [(p.key, p.name, p.kreis_key) for p in participants] == [
            (MERGED, "Großthiemig-Gröden", "12062")
        ]
        events = sorted(participants[0].events, key=lambda e: e.effective_date)
        assert [e.status for e in events] == ["in_talks", "member"]
        assert events[0].note.startswith("Bürgermeister\n")
        assert all(
            f"Schlüssel bis Gebietsstand VG250 01.01.2025: {GROEDEN} (»Gröden«)" in e.note for e in events
        )
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "participants", AuditEntry.field == "key")
        ).all()
        assert [(a.old_value, a.new_value) for a in audit][-1] == (GROEDEN, MERGED)
    engine.dispose()

    # the register's views now use the new key
    status = cli("members", "export", str(tmp_path / "export.csv"))
    assert status.exit_code == 0, status.output
    assert MERGED in (tmp_path / "export.csv").read_text(encoding="utf-8")


def test_two_participants_with_one_successor_are_refused(downloads, cli, env, env_base, tmp_path):
    _members(cli, tmp_path, [f"{GROEDEN};Mitglied;01.06.2022;", f"{GROSSTHIEMIG};Mitglied;01.07.2022;"])
    base = _active(env)
    engine = make_engine(env["LPR_GEO_DB"])
    with Session(engine) as session:
        before = [
            (p.key, len(p.events)) for p in session.scalars(select(Participant).order_by(Participant.key))
        ]
    result = cli("geodata", "import-vg250", str(downloads["newer"]), "--apply-succession")
    assert result.exit_code == 1
    assert "Schlüsselnachfolge nicht übernommen, das Register bleibt unverändert" in result.output
    assert f"hätten beide den Nachfolger »Großthiemig-Gröden« ({MERGED})" in result.output
    assert "Der aktive Datensatz bleibt unverändert." in result.output
    with Session(engine) as session:
        after = [
            (p.key, len(p.events)) for p in session.scalars(select(Participant).order_by(Participant.key))
        ]
    engine.dispose()
    assert after == before
    assert _active(env) == base
    assert sorted(p.name for p in base.parent.iterdir()) == ["ACTIVE", base.name]
