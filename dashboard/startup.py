"""Starting the app in one of several processes (gunicorn workers): one German line if it cannot start.

If the app cannot start (register unreachable or not migrated, data directory not writable), the worker
fails with one German line and no traceback: gunicorn prints an :class:`CannotStart` raised while a worker
loads its app without a traceback and stops with a non-zero exit status ("App failed to load") instead of
restarting workers forever; the driver's English details go to gunicorn's error log.
"""

from __future__ import annotations

import fcntl
import logging

import dash

from lpr_geo import Boundaries, RegisterError, Settings, ensure_sample_register

from .app import create_app

try:
    from gunicorn.errors import AppImportError
except ImportError:  # another WSGI server

    class AppImportError(Exception):  # type: ignore[no-redef]
        """Stand-in for gunicorn's error class."""


class CannotStart(AppImportError, RuntimeError):  # type: ignore[misc]
    """The app cannot start; the message is German and one line.

    gunicorn prints an ``AppImportError`` raised in a worker without a traceback and halts (exit status 4);
    with ``--preload`` it reports a ``RuntimeError`` the same way (exit status 1).
    """


def _log_detail(detail: str) -> None:
    """The cause in the driver's or system's words (English), for the operator's log."""
    if detail:
        logging.getLogger("gunicorn.error").info("lpr-geo cannot start: %s", detail)


def start_app(settings: Settings) -> dash.Dash:
    """This process's app; the first of several processes starting together prepares the register.

    Workers start at the same moment: one migrates (and on an empty embedded database fills the sample
    register) while the others wait, instead of all inserting the same rows. Building the app itself
    (a few seconds of CPU) then runs in every worker at once.
    """
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(settings.data_dir / ".startup.lock", "w")  # held by the with-block below
    except OSError as error:
        _log_detail(str(error))
        raise CannotStart(
            f"Fehler: Das Datenverzeichnis {settings.data_dir} lässt sich nicht anlegen oder beschreiben; "
            "bitte LPR_GEO_DATA_DIR prüfen."
        ) from error
    logging.getLogger("gunicorn.error").info("lpr-geo: %s", settings.describe_register())
    try:
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            ensure_sample_register(settings, Boundaries.active(settings)).dispose()
        return create_app(settings)  # finds the register prepared
    except RegisterError as error:
        _log_detail(getattr(error, "detail", ""))
        raise CannotStart(f"Fehler: {error}") from error
