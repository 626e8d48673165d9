"""The production server behind ``lpr-geo serve``: gunicorn, started in-process, one app per worker.

The command has already opened the register (migrated it and, on an empty embedded database, filled the
sample register) before gunicorn starts, so a database error is one German line from the command and the
sample is filled exactly once. Then every worker builds its own app from the command's settings through
:func:`dashboard.startup.start_app`, as under ``gunicorn dashboard.wsgi:server``.

Why 2 workers × 4 threads (gthread) by default (the options of ``lpr-geo serve``): the machine this runs on has 2 cores, and the work of a
request is Python (coverage tables, figures) that holds one core per process, so two processes use both
and more would only add memory (each worker keeps its own geometry, figure and compression caches). The
threads keep a worker answering while one of its requests waits: a first visit fetches a dozen files at
once, a PNG or PDF export waits seconds for Chromium, a query waits for PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import secrets

import click
from gunicorn.app.base import BaseApplication

from lpr_geo import Settings

from .startup import start_app


class DashboardServer(BaseApplication):
    """gunicorn with the dashboard as its app; :meth:`run` serves until SIGTERM or SIGINT."""

    def __init__(self, settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
        # Login sessions and form tokens are signed with the secret key: every worker needs the same one.
        if not settings.secret_key:
            settings = dataclasses.replace(settings, secret_key=secrets.token_hex(32))
        self.settings = settings
        address = f"[{host}]" if ":" in host else host
        url = f"http://{address}:{port}{settings.url_prefix}"
        booted = multiprocessing.Value("i", 0)  # shared by the forked workers

        def announce_when_all_answer(worker) -> None:
            with booted.get_lock():
                booted.value += 1
                if booted.value == workers:  # not again when gunicorn replaces a worker later
                    click.echo(f"Dashboard: {url}")

        self.options = {
            "bind": f"{address}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            # a worker boots in a few seconds, more on a busy machine; exports run in threads and do
            # not block the worker's heartbeat
            "timeout": 120,
            "graceful_timeout": 10,  # on SIGTERM, requests in flight get this long to finish
            "loglevel": "warning",  # gunicorn's start and stop messages are info; problems still show
            "errorlog": "-",
            "accesslog": None,
            "control_socket_disable": True,  # one fixed path in $HOME, shared by every gunicorn
            "post_worker_init": announce_when_all_answer,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build this worker's app (called in each worker after the fork; the modules are imported once,
        before it, and shared)."""
        return start_app(self.settings).server
