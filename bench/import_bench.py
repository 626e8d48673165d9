"""What ``lpr-geo members import`` costs: hostile files and the largest files the limits allow.

    python bench/import_bench.py

Each case runs the real command in its own process on a fresh SQLite register and reports its wall time
and peak resident memory (``os.wait4``). The first case is the command's own cost (it loads the
boundaries); everything else is on top of it. Bound (issue 14): a file at the limits stays within about
a minute and a few hundred MB, a hostile file is refused within seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

from lpr_geo.boundaries import load_layer
from lpr_geo.register.columns import EXPORT_FIELDS, HEADERS
from lpr_geo.register.tabular import write_table

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))


#: Runs a command as its child and prints the child's exit status and peak RSS (KiB): the command must not
#: be our own child, whose peak would count the memory of this process it was forked from.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
out = child.stdout.read()
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, (out.strip().splitlines() or [""])[-1])
"""


def measure(*args: str, env: dict[str, str]) -> tuple[int, float, float, str]:
    """(exit status, seconds, peak MB, last line of output) of one ``lpr-geo`` run."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, LPR_GEO, *args], capture_output=True, text=True, env=env, check=True
    )
    seconds = time.monotonic() - start
    status, peak, *last = done.stdout.split(" ", 2)
    return int(status), seconds, int(peak) / 1024, "".join(last).strip()[:110]


def member_rows(count: int) -> list[list]:
    keys = sorted(load_layer("gemeinde")["key"])
    labels = ["Mitglied", "Angefragt", "Im Gespräch", "Mitarbeit zugesagt"]
    return [
        [
            keys[i % len(keys)],
            labels[i % 4],
            dt.date(2020, 2, 20) + dt.timedelta(days=i // len(keys)),
            f"Person {i % 3}",
            f"p{i % 3}@example.org",
            f"Zeile {i}",
        ]
        for i in range(count)
    ]


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["AGS", "Status", "Seit", "Ansprechpartner", "E-Mail", "Bemerkung"])
        writer.writerows([[*row[:2], f"{row[2]:%d.%m.%Y}", *row[3:]] for row in rows])
    return path


def export_like_xlsx(path: Path, count: int) -> Path:
    """An XLSX file in the export's layout (13 columns), ``count`` data rows."""
    header = [HEADERS[f] for f in EXPORT_FIELDS]
    by_field = dict(zip(["key", "status", "since", "contact", "email", "note"], range(6), strict=True))
    rows = [[row[by_field[f]] if f in by_field else "" for f in EXPORT_FIELDS] for row in member_rows(count)]
    write_table(path, header, rows)
    return path


def sheet(path: Path, body: bytes, repeat: int) -> Path:
    """An XLSX file whose sheet holds a header row, then ``body`` ``repeat`` times (written streaming)."""
    template = path.with_name("vorlage.xlsx")
    Workbook().save(template)
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>AGS</t></is></c></row>'
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, source.read(name))
                continue
            with target.open(name, "w") as part:
                part.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    + header
                )
                for number in range(2, repeat + 2):
                    part.write(body.replace(b"NUMBER", b"%d" % number))
                part.write(b"</sheetData></worksheet>")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        cases = [
            ("one row (the command itself)", write_csv(tmp / "eine.csv", member_rows(1)), ()),
            (
                "10.3 million empty cells, XLSX",
                sheet(tmp / "zellen.xlsx", b'<row r="NUMBER">' + b"<c/>" * 1030 + b"</row>", 10_000),
                (),
            ),
            (
                "9.9 million junk tags in one row, XLSX",
                sheet(tmp / "tags.xlsx", b'<row r="NUMBER">' + b"<x/>" * 9_900_000 + b"</row>", 1),
                (),
            ),
            ("100,000 CSV rows", write_csv(tmp / "100k.csv", member_rows(100_000)), ()),
            (
                "50,000 CSV rows (the limit), check",
                write_csv(tmp / "50k.csv", member_rows(50_000)),
                ("--dry-run",),
            ),
            ("50,000 CSV rows (the limit), import", tmp / "50k.csv", ()),
            (
                "50,000 XLSX rows x 13 columns, check",
                export_like_xlsx(tmp / "50k.xlsx", 50_000),
                ("--dry-run",),
            ),
        ]
        print(f"{'case':<42} {'file':>9} {'exit':>4} {'time':>7} {'peak':>8}  last line")
        for number, (label, path, options) in enumerate(cases):
            env = {**os.environ, "LPR_GEO_DATA_DIR": str(tmp / "daten")}
            db = f"sqlite:///{tmp / f'register{number}.sqlite'}"
            status, seconds, peak, last = measure(
                "members", "import", str(path), "--db", db, *options, env=env
            )
            size = f"{path.stat().st_size / 1024:.0f} KB"
            print(f"{label:<42} {size:>9} {status:>4} {seconds:6.1f}s {peak:6.0f}MB  {last}")


if __name__ == "__main__":
    main()
