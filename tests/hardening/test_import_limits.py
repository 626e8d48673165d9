"""Imports cost what their size promises (issue 14): rows and cells are counted while a file streams in.

Hostile files are built here as an attacker would: a 10-million-cell sheet of empty cells that zips to
under 100 KB, 100,000 CSV rows, binary files named .csv. The real ``lpr-geo`` runs in its own process;
its time and peak memory are measured from that process (``os.wait4``), and the bounds are generous:
on the code before the limits the sheet took over a minute and the rows 1.3 GB.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from lpr_geo.boundaries import load_layer
from lpr_geo.boundaries.population import PopulationError, read_gv_isys
from lpr_geo.register import RegisterError, import_members, make_engine, upgrade
from lpr_geo.register.errors import FileTooLarge
from lpr_geo.settings import SettingsError, load_settings
from lpr_geo.spreadsheets import ReadLimits
from tests.geodata_import.conftest import base_gemeinden, population_rows, write_gv_isys
from tests.register.conftest import row_counts

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))
#: What one ``lpr-geo members import`` may cost at most here, whatever the file: the command itself needs
#: about 5 s and 320 MB (it loads the boundaries); the hostile files below took over 60 s or 1.3 GB.
MAX_SECONDS = 30
MAX_RSS_MB = 700


#: Runs a command as its child and writes the child's exit status and peak RSS (KiB) to a file. The
#: command must not be our own child: a child's peak counts the memory of the process it was forked
#: from (the test process), and this launcher is small.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def errors(self) -> str:
        """stderr without the line that says which register the command uses."""
        return "".join(line for line in self.stderr.splitlines(True) if not line.startswith("Register: "))


def run_measured(*args: str, env: dict[str, str], timeout: float = 2 * MAX_SECONDS) -> Measured:
    """Run ``lpr-geo`` and measure its wall time and peak resident memory (killed after ``timeout``)."""
    with tempfile.TemporaryDirectory() as folder:
        usage = Path(folder) / "usage"
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(usage), LPR_GEO, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"lpr-geo {' '.join(args)} still ran after {timeout} s")
        seconds = time.monotonic() - start
        returncode, peak_kib = (int(n) for n in usage.read_text().split())
        return Measured(returncode, stdout, stderr, seconds, peak_kib / 1024)


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {"LPR_GEO_DATA_DIR": str(tmp_path / "daten"), **settings}


def empty_cell_sheet(path: Path, rows: int, columns: int, dimension: str | None = None) -> Path:
    """An XLSX file: a header row, then ``rows`` rows of ``columns`` empty cells (``<c/>``) each."""
    template = path.with_name("vorlage.xlsx")
    Workbook().save(template)
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>AGS</t></is></c><c r="B1" t="inlineStr"><is><t>Status'
        '</t></is></c><c r="C1" t="inlineStr"><is><t>Seit</t></is></c></row>'
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, source.read(name))
                continue
            with target.open(name, "w") as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
                    + f'.org/spreadsheetml/2006/main">{dim}<sheetData>{header}'.encode()
                )
                empty = b"<c/>" * columns
                for number in range(2, rows + 2):
                    sheet.write(b'<row r="%d">' % number + empty + b"</row>")
                sheet.write(b"</sheetData></worksheet>")
    return path


def hundred_thousand_rows(path: Path) -> Path:
    """100,000 different status events: 417 Gemeinden on 240 days (the code before the limits: 1.3 GB)."""
    keys = sorted(load_layer("gemeinde")["key"])
    days = [dt.date(2020, 3, 1) + dt.timedelta(days=n) for n in range(100_000 // len(keys) + 1)]
    lines = (
        f"{keys[i % len(keys)]};Mitglied;{days[i // len(keys)]:%d.%m.%Y};Erika Beispiel"
        for i in range(100_000)
    )
    path.write_text("AGS;Status;Seit;Ansprechpartner\r\n" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_ten_million_empty_cells_are_refused_in_moments(tmp_path, database):
    url, engine = database
    path = empty_cell_sheet(tmp_path / "zellen.xlsx", rows=10_000, columns=1_030, dimension="A1:C2")
    assert path.stat().st_size < 200_000  # passes the size limit by far
    before = row_counts(engine)
    done = run_measured("members", "import", str(path), "--db", url, env=_env(tmp_path))
    print(f"\n10.3 million empty cells: {done.seconds:.1f} s, {done.peak_mb:.0f} MB")
    assert done.returncode == 1, done.stdout
    assert done.errors.startswith(
        "Fehler: zellen.xlsx: die Datei hat mehr als 1.000.000 Zellen (leere mitgezählt); höchstens "
        "1.000.000 erlaubt (Grenze einstellbar mit der Umgebungsvariablen LPR_GEO_IMPORT_MAX_CELLS)"
    ), done.stderr
    assert row_counts(engine) == before
    assert done.seconds < MAX_SECONDS and done.peak_mb < MAX_RSS_MB


def test_hundred_thousand_csv_rows_are_refused_at_the_row_limit(tmp_path, database):
    url, engine = database
    path = hundred_thousand_rows(tmp_path / "zeilen.csv")
    before = row_counts(engine)
    done = run_measured("members", "import", str(path), "--db", url, env=_env(tmp_path))
    print(f"\n100,000 CSV rows: {done.seconds:.1f} s, {done.peak_mb:.0f} MB")
    assert done.returncode == 1, done.stdout
    assert done.errors.startswith(
        "Fehler: zeilen.csv: die Datei hat mehr als 50.000 Datenzeilen; höchstens 50.000 erlaubt "
        "(Grenze einstellbar mit der Umgebungsvariablen LPR_GEO_IMPORT_MAX_ROWS)"
    ), done.stderr
    assert row_counts(engine) == before
    assert done.seconds < MAX_SECONDS and done.peak_mb < MAX_RSS_MB


def test_limits_are_settings(tmp_path, database):
    url, engine = database
    path = tmp_path / "m.csv"
    path.write_text("AGS;Status;Seit\n12062124;Mitglied;07.06.2021\n12062124;Angefragt;01.03.2021\n")
    done = run_measured(
        "members", "import", str(path), "--db", url, env=_env(tmp_path, LPR_GEO_IMPORT_MAX_ROWS="1")
    )
    assert done.returncode == 1 and "die Datei hat mehr als 1 Datenzeile;" in done.stderr, done.stderr
    done = run_measured(
        "members",
        "import",
        str(path),
        "--db",
        url,
        "--dry-run",
        env=_env(tmp_path, LPR_GEO_IMPORT_MAX_CELLS="8"),
    )
    assert done.returncode == 1 and "mehr als 8 Zellen (leere mitgezählt)" in done.stderr, done.stderr
    assert "LPR_GEO_IMPORT_MAX_CELLS" in done.stderr
    done = run_measured(
        "members", "import", str(path), "--db", url, env=_env(tmp_path, LPR_GEO_IMPORT_MAX_ROWS="2")
    )
    assert done.returncode == 0, done.stderr
    assert load_settings(environ={"LPR_GEO_IMPORT_MAX_ROWS": "50.000"}).import_max_rows == 50_000
    assert load_settings(environ={}).import_max_cells == 1_000_000
    for wrong in ("viele", "0", "-5", "1,5", "1e6", "12.34"):
        with pytest.raises(SettingsError, match="LPR_GEO_IMPORT_MAX_CELLS: ».*« ist keine gültige Anzahl"):
            load_settings(environ={"LPR_GEO_IMPORT_MAX_CELLS": wrong})


def test_no_dimension_tag_is_trusted(tmp_path, database):
    """A sheet that claims one row but holds twelve is counted row by row."""
    _, engine = database
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>12062124</t></is></c></row>' for n in range(2, 14)
    )
    path = empty_cell_sheet(tmp_path / "m.xlsx", rows=0, columns=0, dimension="A1:A1")
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].replace(b"</sheetData>", rows.encode() + b"</sheetData>")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(
        FileTooLarge, match="m.xlsx: die Datei hat mehr als 10 Datenzeilen; höchstens 10 erlaubt"
    ):
        import_members(engine, path, limits=ReadLimits(max_rows=10))


def test_a_line_of_a_million_separators_is_refused_before_it_is_split(tmp_path, database):
    _, engine = database
    path = tmp_path / "m.csv"
    path.write_text("AGS;Status;Seit\n" + ";" * 2_000_000 + "\n")
    start = time.perf_counter()
    with pytest.raises(FileTooLarge, match="mehr als 1.000.000 Zellen"):
        import_members(engine, path)
    assert time.perf_counter() - start < MAX_SECONDS


def test_elements_that_are_no_cells_count_too(tmp_path, database):
    """Junk elements inside one row would be built into a tree by a non-streaming reader."""
    _, engine = database
    path = empty_cell_sheet(tmp_path / "m.xlsx", rows=1, columns=1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].replace(b"<c/>", b"<x/>" * 20_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(
        FileTooLarge, match="m.xlsx: die Datei ist zu umfangreich aufgebaut: mehr als 10.000 XML-Tags"
    ):
        import_members(engine, path, limits=ReadLimits(max_cells=1_000))


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # random bytes without a NUL: they used to be read as ISO-8859-1 text, a 4,096-character header
        ("zufall.csv", random.Random(14).randbytes(4096).replace(b"\0", b"\1")),
        ("steuerzeichen.csv", b"\x1c" * 4096),  # valid UTF-8, but no text
        ("bild.csv", _png()),
    ],
)
def test_a_binary_file_is_no_text_file(tmp_path, database, name, content):
    url, engine = database
    (tmp_path / name).write_bytes(content)
    before = row_counts(engine)
    done = run_measured("members", "import", str(tmp_path / name), "--db", url, env=_env(tmp_path))
    assert done.returncode == 1
    assert done.errors.startswith(f"Fehler: {name}: die Datei ist keine Textdatei (enthält Binärdaten)"), (
        done.stderr
    )
    assert "Spalte fehlt" not in done.stderr + done.stdout and len(done.errors) < 200
    assert row_counts(engine) == before


def test_no_message_echoes_more_than_sixty_characters_of_a_cell(tmp_path, database):
    _, engine = database
    path = tmp_path / "m.csv"
    long = "ä" * 4096
    path.write_text(f"AGS;Status;Seit;{long}\n{long};{long};07.06.2021;x\n", encoding="utf-8")
    report = import_members(engine, path)
    assert not report.ok
    text = report.text()
    assert long[:60] not in text and "ä" * 59 + "…" in text
    assert max(len(line) for line in text.splitlines()) < 400, text


def test_population_files_are_read_within_the_limits(tmp_path):
    path = write_gv_isys(tmp_path / "Auszug_GV.xlsx", population_rows(base_gemeinden()))
    assert read_gv_isys(path, limits=ReadLimits(max_cells=1_000)).gemeinden.shape[0] == 11
    with pytest.raises(PopulationError, match="Auszug_GV.xlsx: die Datei hat mehr als 100 Zellen"):
        read_gv_isys(path, limits=ReadLimits(max_cells=100))
    bomb = empty_cell_sheet(tmp_path / "Auszug_GV.xlsx", rows=10_000, columns=1_030)
    start = time.perf_counter()
    with pytest.raises(PopulationError, match="mehr als 1.000.000 Zellen"):
        read_gv_isys(bomb)
    assert time.perf_counter() - start < MAX_SECONDS


def test_damaged_xml_in_a_sheet_is_a_german_error(tmp_path, database):
    _, engine = database
    path = empty_cell_sheet(tmp_path / "m.xlsx", rows=1, columns=1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'
    for sheet in (
        b"<worksheet><sheetData><row>",
        doctype,
        parts["xl/worksheets/sheet1.xml"].replace(b'r="2"', b'r="1"'),
    ):
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
        with pytest.raises(
            RegisterError, match=r"m.xlsx: keine lesbare XLSX-Datei \(Tabellenblatt beschädigt\)"
        ):
            import_members(engine, path)
