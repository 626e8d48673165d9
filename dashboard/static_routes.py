"""Geometry as static, cacheable files, and compression that is done once per static file.

The map references its GeoJSON by URL instead of embedding it in the figure: plotly.js fetches it once
per level and Kreis, the browser caches it (the URL names the dataset, so it can be cached forever),
and callbacks never send geometry again.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from flask import Flask, Response, abort, request

from lpr_geo.boundaries import default_dir, read_meta

from .geometry import geojson_bytes

_LEVELS = ("kreis", "amt", "gemeinde")
_KREIS = re.compile(r"^\d{5}$")
#: Paths whose responses never change for a given URL, so their compressed bytes can be reused.
_STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")


def dataset_token() -> str:
    """Short hash of the active dataset's metadata: part of geometry URLs, so caches stay correct."""
    meta = read_meta(default_dir())
    return hashlib.sha256(repr(sorted(meta.items())).encode()).hexdigest()[:12]


def geometry_path(token: str, level: str, kreis: str | None) -> str:
    """Path of the GeoJSON of one level (whole Land) or of one Kreis, relative to the app root."""
    return f"/geo/{token}/{level}{'-' + kreis if kreis else ''}.json"


def register_geometry_route(server: Flask, token: str) -> None:
    """Serve ``/geo/<token>/<level>[-<kreis>].json`` from the cached serialisation."""

    @server.route("/geo/<token_in_url>/<name>.json")
    def geometry(token_in_url: str, name: str) -> Response:
        level, _, kreis = name.partition("-")
        if token_in_url != token or level not in _LEVELS or (kreis and not _KREIS.match(kreis)):
            abort(404)
        body = geojson_bytes(level, kreis or None)
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class StaticCompressionCache:
    """Flask-Compress cache that keeps compressed bodies of static paths only (bounded by their count)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.split(";", 1)[1].startswith(_STATIC_PREFIXES):
            self._store[key] = value


def compression_cache_key(req=None) -> str:
    """Static GETs share a key per URL; everything else gets a key that never repeats."""
    req = req or request
    if req.method == "GET" and req.path.startswith(_STATIC_PREFIXES):
        return req.full_path
    return f"dynamic:{uuid.uuid4()}"


#: Scripts the page loads on demand (not listed in its HTML): the graph component, plotly.js, AG Grid.
ON_DEMAND_SCRIPTS = (
    "/_dash-component-suites/dash/dcc/async-graph.js",
    "/_dash-component-suites/plotly/package_data/plotly.min.js",
    "/_dash-component-suites/dash_ag_grid/async-community.js",
)
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
