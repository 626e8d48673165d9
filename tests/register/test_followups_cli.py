"""``lpr-geo followups [--bis DATE]`` as users run it: a real process against a real register."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lpr_geo.auth import User
from lpr_geo.register import add_activity, make_engine, upgrade

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))
ERIKA = User("erika", "editor")


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPR_GEO_")}
    return subprocess.run([LPR_GEO, *args], capture_output=True, text=True, timeout=60, env=env, check=False)


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _german(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_followups_lists_what_is_due_with_german_headers_and_dates(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'r.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
    else:
        url = request.getfixturevalue("pg_databases").register(0)
        engine = make_engine(url)
    today = dt.date.today()
    week_ago, in_three, in_thirty = (today + dt.timedelta(days=d) for d in (-7, 3, 30))
    try:
        add_activity(engine, ERIKA, "gemeinde", "12062124", today - dt.timedelta(days=10), "Besuch",
                     next_step="Beschluss abwarten", next_step_due=week_ago)  # fmt: skip
        add_activity(engine, ERIKA, "kreis", "12052", today - dt.timedelta(days=1), "Telefonat",
                     next_step="Unterlagen schicken", next_step_due=in_three)  # fmt: skip
        add_activity(engine, ERIKA, "gemeinde", "12066272", today, "E-Mail",
                     next_step="Sitzung planen", next_step_due=in_thirty)  # fmt: skip
    finally:
        engine.dispose()

    due = _run("followups", "--db", url)
    assert due.returncode == 0, due.stderr
    lines = due.stdout.splitlines()
    assert lines[0] == "1 Wiedervorlage fällig bis " + _german(today) + ", davon 1 überfällig."
    assert _cells(lines[1]) == ["Fällig am", "Stand", "Region", "Nächster Schritt", "Aus"]
    assert set(lines[2]) == {"-", " "}
    assert _cells(lines[3]) == [
        _german(week_ago),
        "überfällig seit 7 Tagen",
        "Elsterwerda (Gemeinde)",
        "Beschluss abwarten",
        "Besuch " + _german(today - dt.timedelta(days=10)),
    ]
    assert len(lines) == 4

    ahead = _run("followups", "--bis", _german(in_three), "--db", url)
    assert ahead.returncode == 0, ahead.stderr
    assert ahead.stdout.startswith(f"2 Wiedervorlagen fällig bis {_german(in_three)}, davon 1 überfällig.")
    rows = [_cells(line) for line in ahead.stdout.splitlines()[3:]]
    assert [row[1:4] for row in rows] == [
        ["überfällig seit 7 Tagen", "Elsterwerda (Gemeinde)", "Beschluss abwarten"],
        ["fällig in 3 Tagen", "Cottbus (Kreis)", "Unterlagen schicken"],
    ]

    wrong = _run("followups", "--bis", "31.02.2026", "--db", url)
    assert wrong.returncode == 2
    assert (
        "Fehler: Ungültiger Wert für '--bis': »31.02.2026« ist kein gültiges Datum (TT.MM.JJJJ)"
        in wrong.stderr
    )
    assert "Error" not in wrong.stderr and "Usage" not in wrong.stderr


def test_an_empty_register_has_nothing_due(tmp_path):
    result = _run("followups", "--db", f"sqlite:///{tmp_path / 'leer.sqlite'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"0 Wiedervorlagen fällig bis {_german(dt.date.today())}, davon 0 überfällig.\n"
