"""Production entry point: ``gunicorn dashboard.wsgi:server``.

Configuration comes from the environment and the optional TOML file in ``LPR_GEO_CONFIG`` (see
:mod:`dashboard.config`). Every worker builds its own app on the same register database; caches are per
worker and keyed by the register's revision, so an edit is seen by all workers.
"""

from __future__ import annotations

import fcntl

from .app import create_app
from .config import load

_settings, _deployment = load()
_settings.data_dir.mkdir(parents=True, exist_ok=True)
# Workers start at the same moment: one migrates (and on an empty embedded database fills the sample
# register) while the others wait, instead of all inserting the same rows.
with open(_settings.data_dir / ".startup.lock", "w") as _lock:
    fcntl.flock(_lock, fcntl.LOCK_EX)
    app = create_app(_settings, _deployment)
#: The WSGI callable, mounted under the configured URL prefix.
server = app.server
