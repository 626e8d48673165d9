"""Serving under a URL prefix behind a reverse proxy, whether the proxy keeps the prefix or strips it.

Dash is told the public prefix (``requests_pathname_prefix``) and routes at the root; this middleware moves
a leading prefix from ``PATH_INFO`` to ``SCRIPT_NAME``, so the usual nginx ``proxy_pass`` without a URI
(prefix kept) and one with a trailing slash (prefix stripped) both reach the same routes (plotly/dash #326,
#1665).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


class PrefixMiddleware:
    """WSGI middleware mounting an app under ``prefix`` (``/lpr-karte/``) without changing its routes."""

    def __init__(self, app: Callable, prefix: str):
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.prefix:
            path = environ.get("PATH_INFO", "")
            if path == self.prefix or path.startswith(self.prefix + "/"):  # the proxy kept the prefix
                environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
        return self.app(environ, start_response)
