"""Geometry as static, cacheable files, and compression that is done once per static file.

The map references its GeoJSON by URL instead of embedding it in the figure: plotly.js fetches it once
per level and Kreis, the browser caches it (the URL names the dataset, so it can be cached forever),
and callbacks never send geometry again.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict

from dash.fingerprint import check_fingerprint
from flask import Flask, Response, abort, request

from .geometry import MapGeometry

_LEVELS = ("kreis", "amt", "gemeinde")
#: Paths whose responses never change for a given URL, so their compressed bytes can be reused.
_STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")
_SUITES = "/_dash-component-suites/"
#: Most bytes of compressed bodies kept per worker. The files :func:`precompress` prepares (everything a
#: first visit loads) take about 5 MB in both encodings; per-Kreis geometry and on-demand chunks add a
#: few MB. Past the bound the least recently used go, so even a flood of made-up URLs costs no memory.
CACHE_MAX_BYTES = 32 * 2**20


def geometry_path(token: str, level: str, kreis: str | None) -> str:
    """Path of the GeoJSON of one level (whole Land) or of one Kreis, relative to the app root."""
    return f"/geo/{token}/{level}{'-' + kreis if kreis else ''}.json"


def register_geometry_route(server: Flask, geometry: MapGeometry) -> None:
    """Serve ``/geo/<token>/<level>[-<kreis>].json`` from the cached serialisation.

    The token is the dataset's (:attr:`lpr_geo.boundaries.Boundaries.token`): the URL names the dataset,
    so browsers may cache the file forever.
    """

    @server.route("/geo/<token_in_url>/<name>.json")
    def geometry_file(token_in_url: str, name: str) -> Response:
        level, _, kreis = name.partition("-")
        if (
            token_in_url != geometry.token
            or level not in _LEVELS
            or (kreis and kreis not in geometry.kreis_names)
        ):
            abort(404)
        body = geometry.geojson_bytes(level, kreis or None)
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class StaticCompressionCache:
    """Flask-Compress cache of compressed static bodies, at most :data:`CACHE_MAX_BYTES` (least recently used go).

    Keys come from :func:`compression_cache_key`, so each static file has one entry per encoding however
    its URL is dressed up; the bound holds even for paths nobody foresaw. Worker threads share it.
    """

    def __init__(self, max_bytes: int = CACHE_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._store: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._store.get(key)
            if value is not None:
                self._store.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if not key.split(";", 1)[1].startswith(_STATIC_PREFIXES) or len(value) > self.max_bytes:
            return
        with self._lock:
            self._bytes += len(value) - len(self._store.pop(key, b""))
            self._store[key] = value
            while self._bytes > self.max_bytes:
                self._bytes -= len(self._store.popitem(last=False)[1])

    @property
    def size(self) -> tuple[int, int]:
        """Entries and bytes held."""
        with self._lock:
            return len(self._store), self._bytes


def compression_cache_key(req=None) -> str:
    """Static GETs share a key per file; everything else gets a key that never repeats.

    The key is the path without query string (``?v=…`` only busts browser caches) and, for Dash's
    component suites, without the fingerprint (Dash serves ``x.v1_2m3.js`` for any version and time
    stamp), so no URL a client makes up adds an entry.
    """
    req = req or request
    if req.method == "GET" and req.path.startswith(_STATIC_PREFIXES):
        if req.path.startswith(_SUITES):
            return _SUITES + check_fingerprint(req.path.removeprefix(_SUITES))[0]
        return req.path
    return f"dynamic:{uuid.uuid4()}"


#: Scripts the page loads on demand (not listed in its HTML): the graph component and AG Grid. plotly.js
#: is an asset listed in the page (the app's partial bundle, see dashboard/standalone.py: PLOTLY_JS).
ON_DEMAND_SCRIPTS = (
    "/_dash-component-suites/dash/dcc/async-graph.js",
    "/_dash-component-suites/dash_ag_grid/async-community.js",
)


def buffer_asset_files(server: Flask) -> None:
    """Hand files of ``/assets/`` to the compression as one body, so that it is done once and cached.

    Flask streams static files; Flask-Compress compresses a stream anew on every request and caches
    nothing. plotly.js (1.4 MB) is an asset: compressing it cost ~60-100 ms of CPU per page load. Must be
    registered after ``Compress(server)`` (Flask runs later ``after_request`` hooks first). Only whole
    files (200): a range (206) must not be cached under the file's key.
    """

    @server.after_request
    def buffer(response: Response) -> Response:
        if (
            request.path.startswith("/assets/")
            and response.status_code == 200
            and response.direct_passthrough
        ):
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return response


_PAGE_URLS = re.compile(r'(?:src|href)="([^"?#]+(?:\?[^"#]*)?)"')


def precompress(server: Flask, page: str, more: list[str]) -> int:
    """Compress, before the first visitor comes, every static file a first visit loads.

    Compressing plotly.js and the component bundles (~11 MB) takes about a second of CPU; done on the
    first request it delayed the first visitor's map by as much. The files are requested through the
    app itself (so the cache keys are exactly those of real requests) as brotli and as gzip, the two
    encodings browsers offer. ``page`` is the dashboard's URL, ``more`` further URLs (on-demand scripts,
    geometry, topojson). Returns the number of responses now cached; where the page needs a login
    (anonymous access off) nothing is cached and the first visits compress as before.
    """
    client = server.test_client()
    listed = _PAGE_URLS.findall(client.get(page).get_data(as_text=True))
    urls = dict.fromkeys([u for u in listed if any(p in u for p in _STATIC_PREFIXES)] + more)
    cached = 0
    for url in urls:
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            cached += response.status_code == 200 and response.headers.get("Content-Encoding") == encoding
    return cached
