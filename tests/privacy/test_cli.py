"""``lpr-geo privacy`` as a subprocess on a real SQLite register: export, erase, review."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from lpr_geo.register import make_engine, save_contact, set_status, upgrade
from lpr_geo.register.activity_edits import add_activity
from lpr_geo.register.models import AuditEntry

from .conftest import EDITOR, ERIKA, ERIKA_OLD, ERIKA_PHONE, OTHERS, OTTO_EMAIL, build_people


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A data directory whose embedded register holds the test people."""
    folder = tmp_path / "data"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'register.sqlite'}")
    upgrade(engine)
    build_people(engine)
    engine.dispose()
    return folder


def lpr_geo(data_dir: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, LPR_GEO_DATA_DIR=str(data_dir), **env)
    environment.pop("LPR_GEO_DB", None)
    return subprocess.run(
        ["lpr-geo", "privacy", *args],
        input=stdin,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def database_bytes(data_dir: Path) -> dict[str, bytes]:
    """The raw bytes of the register file and its write-ahead log and shared-memory companions."""
    paths = [data_dir / name for name in ("register.sqlite", "register.sqlite-wal", "register.sqlite-shm")]
    return {path.name: path.read_bytes() for path in paths if path.exists()}


def trail_events(data_dir: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{data_dir / 'register.sqlite'}")
    try:
        with engine.connect() as connection:
            return connection.scalars(
                select(AuditEntry.new_value).where(AuditEntry.table_name == "privacy")
            ).all()
    finally:
        engine.dispose()


#: Another process that keeps the register open, as a running server does (its open connection keeps the
#: write-ahead log alive). Not this test's process: reading a database file here would drop its locks.
HOLD_OPEN = (
    "import sys\n"
    "from sqlalchemy import create_engine, text\n"
    "connection = create_engine(sys.argv[1]).connect()\n"
    "print(connection.execute(text('SELECT count(*) FROM contacts')).scalar(), flush=True)\n"
    "connection.rollback()\n"
    "sys.stdin.read()\n"
)


def test_erase_leaves_no_byte_of_the_address_in_the_sqlite_files(data_dir):
    url = f"sqlite:///{data_dir / 'register.sqlite'}"
    server = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout.readline().strip() == "3"  # Erika, Otto, Paula
        before = database_bytes(data_dir)
        assert any(ERIKA.lower().encode() in data.lower() for data in before.values())  # the check can fail

        done = lpr_geo(data_dir, "erase", "--email", ERIKA, "--yes")

        assert done.returncode == 0, done.stderr
        after = database_bytes(data_dir)
        assert "register.sqlite-wal" in after  # still open elsewhere: the log was emptied, not removed
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    for value in (ERIKA, ERIKA_OLD, ERIKA_PHONE):
        assert [name for name, data in after.items() if value.lower().encode() in data.lower()] == [], value
    assert OTTO_EMAIL.encode() in after["register.sqlite"]  # what is not erased is still readable
    assert "Kontaktdaten löschen: 1 Ansprechpartner" in done.stdout
    assert "Gelöscht: 1 Ansprechpartner" in done.stdout
    assert "Zur Prüfung (wird nicht geändert): 1 Textstelle mit dem Namen" in done.stdout
    assert "Feld »Teilnehmende«" in done.stdout


def test_erase_asks_first_and_changes_nothing_when_refused(data_dir):
    refused = lpr_geo(data_dir, "erase", "--name", "erika muster", stdin="n\n")
    assert refused.returncode == 1
    assert (
        "Endgültig löschen? [y/N]" in refused.stderr
        and "abgebrochen; nichts wurde gelöscht" in refused.stderr
    )
    assert "Nr. 1: Erika Muster, Gemeinde Elsterwerda (12062124)" in refused.stdout
    assert any(ERIKA.encode() in data for data in database_bytes(data_dir).values())
    assert trail_events(data_dir) == []


def test_export_writes_json_and_html_for_the_owner_only(data_dir, tmp_path):
    out = tmp_path / "auskunft.json"
    done = lpr_geo(data_dir, "export", "--email", ERIKA, str(out))
    assert done.returncode == 0, done.stderr
    html = tmp_path / "auskunft.html"
    for path in (out, html):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [c["email"] for c in report["ansprechpartner"]] == [ERIKA]
    assert report["anzahl"]["aktivitaeten"] == 1 and report["suche"] == {"email": ERIKA}
    page = html.read_text(encoding="utf-8")
    assert "<h1>Auskunft nach Art. 15 DSGVO</h1>" in page and ERIKA_PHONE in page
    for text in (out.read_text(encoding="utf-8"), page):
        assert [other for other in OTHERS if other in text] == []
    items = sum(report["anzahl"].values())
    assert f"Auskunft ({items} Einträge) nach {out} und {html} geschrieben:" in done.stdout
    assert trail_events(data_dir) == [f"Auskunft erteilt (Suche nach E-Mail-Adresse): {items} Einträge"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", ERIKA, "--name", "Erika Muster"], "Fehler: Bitte genau eines angeben"),
        (["--email", "erika at example"], "Fehler: »erika at example« ist keine E-Mail-Adresse"),
        (["--email", ERIKA, "{tmp}/auskunft.html"], "bitte die JSON-Datei angeben"),
        (["--email", ERIKA, "{tmp}/fehlt/auskunft.json"], "kann nicht geschrieben werden"),
    ],
)
def test_export_refuses_bad_input_and_records_nothing(data_dir, tmp_path, args, message):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if not args[-1].endswith((".json", ".html")):
        args.append(str(tmp_path / "auskunft.json"))
    done = lpr_geo(data_dir, "export", *args)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert trail_events(data_dir) == []
    assert not (tmp_path / "auskunft.json").exists()


def test_review_lists_the_due_contacts_in_german(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'register.sqlite'}")
    upgrade(engine)
    today = dt.date.today()
    four_years_ago = today.replace(year=today.year - 4)
    set_status(engine, EDITOR, "gemeinde", "12066052", None, "requested", four_years_ago)
    save_contact(engine, EDITOR, "gemeinde", "12066052", name="Clara Calau", email="clara@calau.example.org")
    set_status(engine, EDITOR, "gemeinde", "12066272", None, "requested", four_years_ago)
    add_activity(engine, EDITOR, "gemeinde", "12066272", today.replace(year=today.year - 1), "Telefonat")
    save_contact(engine, EDITOR, "gemeinde", "12066272", name="Rudi Ruhland")
    engine.dispose()

    done = lpr_geo(folder, "review")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "1 Ansprechpartner zur Löschung fällig (Aufbewahrungsfrist 3 Jahre); nach Prüfung löschen mit "
        "»lpr-geo privacy erase --contact NR«:"
    )
    assert lines[1].split() == ["Nr.", "Region", "Ansprechpartner", "Grund", "fällig", "seit"]
    due = today.replace(year=today.year - 1)
    assert lines[2].split("  ")[0] == "1"
    assert "Gemeinde Calau (12066052)  Clara Calau" in lines[2]
    assert f"letzter Statuseintrag am {four_years_ago:%d.%m.%Y}" in lines[2] and lines[2].endswith(
        f"{due:%d.%m.%Y}"
    )
    assert len(lines) == 3  # Ruhland had an activity last year

    longer = lpr_geo(folder, "review", LPR_GEO_RETENTION_YEARS="5")
    assert longer.stdout.strip() == "Keine Kontaktdaten zur Löschung fällig (Aufbewahrungsfrist 5 Jahre)."
    wrong = lpr_geo(folder, "review", LPR_GEO_RETENTION_YEARS="0")
    assert wrong.returncode == 1
    assert (
        "LPR_GEO_RETENTION_YEARS: »0« ist keine gültige Frist; erwartet ganze Jahre von 1 bis 30"
        in wrong.stderr
    )
