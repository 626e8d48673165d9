"""Production entry point: ``gunicorn dashboard.wsgi:server``.

Configuration comes from the environment and the optional TOML file in ``LPR_GEO_CONFIG``, resolved by
the same loader as every ``lpr-geo`` command (:func:`lpr_geo.settings.load_settings`). Every worker builds its own app on the same register database; caches are per
worker and keyed by the register's revision, so an edit is seen by all workers.

If the app cannot start (register unreachable or not migrated, data directory not writable, bad
configuration), loading this module fails with one German line and no traceback: under gunicorn the line
goes to stderr (once per worker), the driver's English details to gunicorn's error log, and gunicorn
stops with a non-zero exit status ("App failed to load") instead of restarting workers forever. When
several workers fail at the same instant, gunicorn's arbiter may add a traceback of its own (HaltServer)
and exit with status 1; it shows no frame of this app.
"""

from __future__ import annotations

import fcntl
import logging

from lpr_geo import RegisterError, SettingsError, load_settings

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


def _start():
    try:
        settings = load_settings()
    except SettingsError as error:
        raise CannotStart(f"Fehler: {error}") from error
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(settings.data_dir / ".startup.lock", "w")  # held by the with-block below
    except OSError as error:
        _log_detail(str(error))
        raise CannotStart(
            f"Fehler: Das Datenverzeichnis {settings.data_dir} lässt sich nicht anlegen oder beschreiben; "
            "bitte LPR_GEO_DATA_DIR prüfen."
        ) from error
    # Workers start at the same moment: one migrates (and on an empty embedded database fills the sample
    # register) while the others wait, instead of all inserting the same rows.
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            logging.getLogger("gunicorn.error").info("lpr-geo: %s", settings.describe_register())
            return create_app(settings)
        except RegisterError as error:
            _log_detail(getattr(error, "detail", ""))
            raise CannotStart(f"Fehler: {error}") from error


app = _start()
#: The WSGI callable, mounted under the configured URL prefix.
server = app.server
