"""Production entry point: ``gunicorn dashboard.wsgi:server``.

Configuration comes from the environment and the optional TOML file in ``LPR_GEO_CONFIG``, resolved by
the same loader as every ``lpr-geo`` command (:func:`lpr_geo.settings.load_settings`). Every worker
builds its own app on the same register database; caches are per worker and keyed by the register's
revision, so an edit is seen by all workers.

If the app cannot start (register unreachable or not migrated, data directory not writable, bad
configuration), loading this module fails with one German line and no traceback (see
:mod:`dashboard.startup`): under gunicorn the line goes to stderr (once per worker), the driver's English
details to gunicorn's error log, and gunicorn stops with a non-zero exit status ("App failed to load")
instead of restarting workers forever. When several workers fail at the same instant, gunicorn's arbiter
may add a traceback of its own (HaltServer) and exit with status 1; it shows no frame of this app.
"""

from __future__ import annotations

from lpr_geo import SettingsError, load_settings

from .startup import CannotStart, start_app


def _settings():
    try:
        return load_settings()
    except SettingsError as error:
        raise CannotStart(f"Fehler: {error}") from error


app = start_app(_settings())
#: The WSGI callable, mounted under the configured URL prefix.
server = app.server
