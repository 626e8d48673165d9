"""Starting a server for a test or a benchmark: one way, whatever the server is.

A server here is any subprocess that listens on a port: ``lpr-geo serve``, gunicorn, the benchmark's
comparison app. :func:`start_server` runs it on a free port in a process group of its own, its output in
a log file (a pipe nobody reads fills up and blocks the server), waits until it answers and, when the
``with`` block ends, ends the whole group (gunicorn's workers too) and waits for it. Benchmarks import it
as ``from tests.servers import start_server`` (run them from the repository root: ``python -m bench.x``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
#: Stands for the port in a command: ``["gunicorn", "--bind", f"{HOST}:{PORT}", ...]``.
PORT = "{port}"
#: What every installation of the app is chosen by; a server gets only what the caller names.
_INSTALLATION = ("LPR_GEO_DB", "LPR_GEO_CONFIG", "LPR_GEO_URL_PREFIX")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment for an app with its own data directory and the given settings.

    The register, TOML file and URL prefix of the calling environment are left out unless named, so a
    server never uses another installation's by accident.
    """
    env = {k: v for k, v in os.environ.items() if k not in _INSTALLATION}
    return {**env, "LPR_GEO_DATA_DIR": str(data_dir), **settings}


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, its process (the group leader) and its log."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path
    env: Mapping[str, str]
    #: Seconds from the start until it was ready.
    started_after: float

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's output."""
        return _tail(self.log, chars)


def _tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) == 0


def _stop(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM to the whole group, SIGKILL to what is left after ``timeout``; reaped either way."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def start_server(
    command: Sequence[str],
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    ready: str | None = "/",
    announced: str | None = None,
    port: int | None = None,
    timeout: float = 90,
    stop_timeout: float = 30,
) -> Iterator[Server]:
    """Run a server on a free port until the ``with`` block ends.

    Parameters
    ----------
    command : sequence of str
        The command line; :data:`PORT` in an argument is replaced by the port, e.g.
        ``["lpr-geo", "serve", "--port", PORT]`` or ``["gunicorn", "--bind", f"{HOST}:{PORT}", ...]``.
    log : Path
        File for the server's stdout and stderr (created with its directory, overwritten).
    env : mapping, optional
        Its environment (see :func:`app_env`); this process's by default.
    ready : str or None
        Path (with query) that must answer 200 before the block starts, e.g. ``"/healthz"``; ``None``
        waits only until the port accepts connections and sends no request (a benchmark that measures
        the first visit needs the server cold).
    announced : str, optional
        Instead: wait until a line of the server's output starts with this text, and send no request
        (``"Dashboard: "``: gunicorn listens before its workers are ready, ``lpr-geo serve`` prints its
        address once they all answer).
    port : int, optional
        The port, when others must know it before the server starts; a free one by default.
    timeout : float
        Seconds to wait for it; the server is stopped and :class:`TimeoutError` raised after that.
    stop_timeout : float
        Seconds the process group gets to end after SIGTERM before it is killed.

    Yields
    ------
    Server

    Raises
    ------
    RuntimeError
        If the server exits before it is ready (with the end of its log).
    """
    port = port or free_port()
    argv = [arg.replace(PORT, str(port)) for arg in command]
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w") as sink:
        process = subprocess.Popen(
            argv, env=dict(env) if env is not None else None, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers end with it
        )  # fmt: skip
    url = f"http://{HOST}:{port}"

    def is_ready() -> bool:
        if announced is not None:
            return any(line.startswith(announced) for line in _tail(log, 100_000).splitlines())
        return _answers(url + ready) if ready is not None else _listens(port)

    try:
        while not is_ready():
            if process.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {process.returncode}: {_tail(log)}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(
                    f"{argv[0]} did not answer {url}{ready or ''} within {timeout} s: {_tail(log)}"
                )
            time.sleep(0.1)  # between two tries of the condition above
        yield Server(url, port, process, log, env or os.environ, time.monotonic() - started)
    finally:
        _stop(process, stop_timeout)
