"""The first visitor gets static files compressed ahead of time, not compressed on their request."""

import re

import pytest
from flask import request
from flask_compress import flask_compress

from dashboard.app import create_app
from dashboard.static_routes import ON_DEMAND_SCRIPTS
from lpr_geo.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("precompressed")))
    return app.server.test_client()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_first_visit_compresses_nothing(client, monkeypatch, encoding):
    compressed = []
    original, original_stream = flask_compress._compress_data, flask_compress._compress_chunks

    def counting(app, data, algorithm):
        compressed.append(len(data))
        return original(app, data, algorithm)

    def counting_stream(app, chunks, algorithm):  # a streamed file is compressed anew on every request
        compressed.append(request.path)
        return original_stream(app, chunks, algorithm)

    monkeypatch.setattr(flask_compress, "_compress_data", counting)
    monkeypatch.setattr(flask_compress, "_compress_chunks", counting_stream)
    page = client.get("/", headers={"Accept-Encoding": "identity"})
    scripts = re.findall(
        r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', page.get_data(as_text=True)
    )
    assert len(scripts) >= 8, scripts
    assert any(url.startswith("/assets/plotly-lpr.min.js?") for url in scripts)  # 1.4 MB: worth caching
    for url in [*scripts, *ON_DEMAND_SCRIPTS]:
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") == encoding, url
    assert compressed == []
