"""``lpr-geo serve`` is a production server: gunicorn workers, one line with the address, no orphans.

Real processes and real HTTP, as a newcomer runs ``make run``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lpr_geo import Boundaries, Settings, ensure_sample_register
from tests.conftest import server_rss
from tests.servers import free_port


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_serve_runs_gunicorn_workers_announces_once_and_leaves_no_process_behind(tmp_path):
    # started by hand, not through tests.servers: what this command prints on which stream is the test
    env = dict(os.environ, LPR_GEO_DATA_DIR=str(tmp_path / "data"))
    for name in ("LPR_GEO_DB", "LPR_GEO_CONFIG", "LPR_GEO_SECRET_KEY"):
        env.pop(name, None)
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            ["lpr-geo", "serve", "--port", str(port), "--workers", "3", "--threads", "2"],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while "Dashboard:" not in out.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        # the line comes once every worker has built its app: from then on each one answers
        assert out.read_text() == f"Dashboard: {url}\n", err.read_text()
        workers = _children(process.pid)
        assert len(workers) == 3
        with ThreadPoolExecutor(6) as pool:  # more at once than one worker has threads
            answers = list(
                pool.map(lambda _: urllib.request.urlopen(url + "healthz", timeout=30).status, range(12))
            )
        assert answers == [200] * 12
        assert server_rss(process) > 3 * 100 * 2**20  # the helper sums the workers, where the app lives
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0
    gone = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < gone:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]  # SIGTERM stops the workers too
    # Flask's development server warned here; gunicorn's start and stop messages are not shown
    lines = err.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Register: sqlite:///"), lines
    assert out.read_text() == f"Dashboard: {url}\n"

    # three workers started together on an empty embedded database: the sample register, filled once
    reference = tmp_path / "reference"
    ensure_sample_register(Settings(data_dir=reference), Boundaries.bundled()).dispose()
    served = _row_counts(tmp_path / "data" / "register.sqlite")
    assert served == _row_counts(reference / "register.sqlite") and served["participants"] > 0
