"""The one way tests and benches start servers: ready means answering, and the end ends everything."""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import PORT, start_server

HTTP_SERVER = [sys.executable, "-m", "http.server", PORT, "--bind", "127.0.0.1"]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet collected, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_server_answers_in_the_block_and_its_whole_process_group_ends_after(tmp_path):
    """Like gunicorn's workers, a child the server started ends with it."""
    pid_file = tmp_path / "kind.pid"
    # the shell starts a child, then becomes the server itself
    command = ["sh", "-c", f'sleep 600 & echo $! > {pid_file}; exec "$0" "$@"', *HTTP_SERVER]
    with start_server(command, log=tmp_path / "server.log") as server:
        with urllib.request.urlopen(server.url + "/") as response:
            assert response.status == 200
        child = int(pid_file.read_text())
        assert alive(server.process.pid) and alive(child)
    assert not alive(server.process.pid)
    # the child got the same signal; it may take a moment to go (bounded wait, not a sleep as evidence)
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_server_that_ends_at_once_is_reported_with_its_output(tmp_path):
    command = [sys.executable, "-c", "import sys; print('Fehler: kaputt'); sys.exit(3)"]
    with pytest.raises(RuntimeError, match="exited with 3: Fehler: kaputt"):
        with start_server(command, log=tmp_path / "server.log"):
            pass


def test_ready_none_waits_only_until_the_port_listens(tmp_path):
    """No request reaches the server before the block: a benchmark's first visit finds it cold."""
    with start_server(HTTP_SERVER, log=tmp_path / "server.log", ready=None) as server:
        assert "GET" not in server.log_tail()
