"""What one request can cost (issue 14): forged callback requests, junk bodies, cache-busting URLs.

Everything over real HTTP against a real ``lpr-geo serve``; the server's memory is read from
``/proc/<pid>/status`` while the request runs. Before the bounds, a route through 10,000 stops took 30 s
and 3 GB, a 9,000-character search text 6 s, junk bodies answered 500 with a traceback each, and 500
cache-busting requests for plotly.js added 680 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from flask import Flask

from dashboard.browser_input import MAX_STOPS, BadInput, KnownValues
from dashboard.request_bounds import MAX_CHARS, MAX_DEPTH, MAX_ITEMS, MAX_VALUES
from dashboard.static_routes import StaticCompressionCache, compression_cache_key
from dashboard.url_state import ViewState, unused_link_parameters
from lpr_geo.coverage import PARTICIPANT_LEVELS, load_layers
from lpr_geo.register.models import DEFAULT_NETWORK
from tests.conftest import ARTIFACTS, serve_process, server_rss

TODAY = dt.date.today()
#: Bounds asserted per refused request: generous against a shared 2-core machine, far below the old cost.
MAX_SECONDS = 2.0
MAX_GROWTH_MB = 40
PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


# --- a server, its memory and its log ------------------------------------------------------------------


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log_name: str):
        self.url, self.process, self.log = url, process, ARTIFACTS / log_name
        self.session = requests.Session()
        self.session.headers["Origin"] = url

    def rss_mb(self) -> float:
        return server_rss(self.process) / 2**20  # gunicorn's workers do the work

    @contextmanager
    def peak_growth(self) -> Iterator[dict]:
        """Measure the server's largest VmRSS above its level before, sampled every 5 ms, while inside."""
        before = self.rss_mb()
        result, done = {"mb": 0.0}, threading.Event()

        def sample():
            while not done.is_set():
                result["mb"] = max(result["mb"], self.rss_mb() - before)
                done.wait(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            yield result
        finally:
            done.set()
            sampler.join()
            result["mb"] = max(result["mb"], self.rss_mb() - before)

    def post(self, body: object) -> requests.Response:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.session.post(
            self.url + "/_dash-update-component",
            data=data,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with serve_process(tmp_path_factory.mktemp("bounds-data"), "request-bounds.log") as (url, _, process):
        yield Server(url, process, "request-bounds.log")


@pytest.fixture(scope="module")
def callbacks(server) -> dict[str, dict]:
    """The app's callbacks by output key, as the page learns them."""
    return {c["output"]: c for c in requests.get(server.url + "/_dash-dependencies", timeout=30).json()}


def update(callbacks: dict, component: str, values: dict[str, object]) -> dict:
    """The body the page sends for the callback writing ``component``: ``values`` by "id.property".

    Pattern-matching inputs and outputs are sent as empty lists (no such components on the page).
    """
    (key,) = [k for k in callbacks if k.rsplit(".", 1)[0] == component or f"..{component}." in k]
    spec = callbacks[key]
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = [
        [] if part.startswith("{") else dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in parts
    ]

    def entries(dependencies: list[dict]) -> list:
        return [
            []
            if dep["id"].startswith("{")
            else {**dep, "value": values.get(f"{dep['id']}.{dep['property']}")}
            for dep in dependencies
        ]

    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": entries(spec["inputs"]),
        "state": entries(spec["state"]),
        "changedPropIds": [k for k in values if k.split(".")[0] in {d["id"] for d in spec["inputs"]}],
    }


def view(**changes) -> dict:
    return {
        "network": DEFAULT_NETWORK,
        "on": TODAY.isoformat(),
        "level": "gemeinde",
        "kreis": None,
        "region": None,
        "selected": [],
        "stops": [],
        **changes,
    }


@pytest.fixture(scope="module")
def region_keys() -> list[str]:
    layers = load_layers()
    return [key for level in PARTICIPANT_LEVELS for key in layers.keys[level]]


def assert_served_normally(server: Server, callbacks: dict, region_keys: list[str]) -> None:
    assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
    body = update(callbacks, "route-ergebnis", {"ansicht.data": view(stops=region_keys[:3])})
    answer = server.post(body)
    assert answer.status_code == 200, answer.text
    assert "Rundfahrt mit 3 Stationen" in answer.text


# --- item 1: forged requests that would drive work --------------------------------------------------------


def _forged(callbacks: dict, region_keys: list[str]) -> dict[str, dict]:
    rows = [{"key": k, "name": "x"} for k in region_keys]
    return {
        # the map and the route both plan the route of the view store's stops
        "route, 10,000 stops": update(
            callbacks,
            "route-ergebnis",
            {"ansicht.data": view(stops=[region_keys[i % 400] for i in range(10_000)])},
        ),
        "route, every region once": update(
            callbacks, "route-ergebnis", {"ansicht.data": view(stops=region_keys)}
        ),
        "map, every region once as stops": update(
            callbacks, "karte", {"ansicht.data": view(stops=region_keys)}
        ),
        "route export, 26 stops": update(
            callbacks,
            "route-download",
            {"route-export.n_clicks": 1, "ansicht.data": view(stops=region_keys[: MAX_STOPS + 1])},
        ),
        "gap list selection, 5,000 rows": update(
            callbacks,
            "ansicht",
            # the grid loads below the map; its selection reaches the view through a relay store
            {"luecken-tabelle-meldung.data": {"value": (rows * 8)[:5000], "at": 1}, "ansicht.data": view()},
        ),
        # the level buttons (an ALL-pattern output) left out: the reply's three values have no place
        "view callback without its level buttons": update(callbacks, "ansicht", {"ansicht.data": view()}),
        "map click, 5,000 points": update(
            callbacks, "ansicht", {"karte.clickData": {"points": [{"location": "12062124"}] * 5000}}
        ),
        "search, 9,000 characters": update(callbacks, "suche-treffer", {"suche.value": "Elsterwerda" * 818}),
        "search, 5 MB": update(callbacks, "suche-treffer", {"suche.value": "E" * 5_000_000}),
        "view store nested 25 deep": update(
            callbacks, "route-ergebnis", {"ansicht.data": view(stops=json.loads("[" * 25 + "]" * 25))}
        ),
        "view store of the wrong type": update(callbacks, "route-ergebnis", {"ansicht.data": "alles"}),
        "date of no calendar": update(callbacks, "route-ergebnis", {"ansicht.data": view(on="2024-02-30")}),
    }


@pytest.mark.parametrize(
    "case",
    [
        "route, 10,000 stops",
        "route, every region once",
        "map, every region once as stops",
        "route export, 26 stops",
        "gap list selection, 5,000 rows",
        "view callback without its level buttons",
        "map click, 5,000 points",
        "search, 9,000 characters",
        "search, 5 MB",
        "view store nested 25 deep",
        "view store of the wrong type",
        "date of no calendar",
    ],
)
def test_forged_requests_are_refused_at_once_in_german(server, callbacks, region_keys, case):
    body = _forged(callbacks, region_keys)[case]
    with server.peak_growth() as growth:
        started = time.monotonic()
        answer = server.post(body)
        seconds = time.monotonic() - started
    assert answer.status_code == 400, (case, answer.status_code, answer.text[:300])
    assert answer.text.startswith("Anfrage abgelehnt: "), answer.text[:300]
    assert seconds < MAX_SECONDS, (case, seconds)
    assert growth["mb"] < MAX_GROWTH_MB, (case, growth["mb"])
    assert_served_normally(server, callbacks, region_keys)


def test_a_route_over_the_limit_names_the_limit(server, callbacks, region_keys):
    answer = server.post(update(callbacks, "route-ergebnis", {"ansicht.data": view(stops=region_keys[:40])}))
    assert answer.status_code == 400
    assert answer.text == "Anfrage abgelehnt: Höchstens 25 Stationen je Route; angegeben: 40."
    # repeated and unknown stops are not stops: 25 real ones and junk keys are a route of 25
    stops = region_keys[:MAX_STOPS] * 3 + ["12999999", "99999"]
    answer = server.post(update(callbacks, "route-ergebnis", {"ansicht.data": view(stops=stops)}))
    assert answer.status_code == 200 and "Rundfahrt mit 25 Stationen" in answer.text


# --- item 6: junk gets a 4xx and one log line ------------------------------------------------------------


def _junk(callbacks: dict) -> dict[str, object]:
    route = update(callbacks, "route-ergebnis", {"ansicht.data": view()})
    return {
        "a list": "[]",
        "null": "null",
        "a string": '"x"',
        "a number": "1",
        "not JSON": "{",
        "nested too deep for the parser": "[" * 5000 + "]" * 5000,
        "too many values": json.dumps({"output": "x", "inputs": [[0] * 900] * 60}),
        "no output": {**route, "output": None},
        "unknown output": {**route, "output": "nichts.children"},
        "integer output": {**route, "output": 5},
        "missing outputs": {key: value for key, value in route.items() if key != "outputs"},
        "integer outputs": {**route, "outputs": 5},
        "outputs of another callback": {**route, "outputs": {"id": "karte", "property": "figure"}},
        "missing inputs": {key: value for key, value in route.items() if key != "inputs"},
        "unknown inputs": {**route, "inputs": [{"id": "x", "property": "y", "value": 1}]},
        "inputs a string": {**route, "inputs": "ansicht"},
        "changed property that is no input": {**route, "changedPropIds": ["{kaputt.data"]},
        "a clientside callback": update(callbacks, "route-drucken", {"route-drucken.n_clicks": 1}),
    }


def test_junk_callback_bodies_get_400_and_one_log_line(server, callbacks):
    junk = _junk(callbacks)
    before = len(server.log_lines())
    for case, body in junk.items():
        answer = server.post(body)
        assert answer.status_code == 400, (case, answer.status_code, answer.text[:300])
        assert answer.text.startswith("Anfrage abgelehnt: "), (case, answer.text[:300])
    added = server.log_lines()[before:]
    assert len(added) <= len(junk), added
    assert not [line for line in added if "Traceback" in line or "ERROR" in line], added


def test_unknown_component_suite_paths_get_404_and_one_log_line(server):
    paths = [
        "/_dash-component-suites/gibtsnicht/x.js",
        "/_dash-component-suites/dash/gibtsnicht.js",
        "/_dash-component-suites/dash/dcc/gibtsnicht.v1_0_0m1.js",
        "/_dash-component-suites/plotly/package_data/gibtsnicht.min.js",
    ]
    before = len(server.log_lines())
    for path in paths:
        answer = requests.get(server.url + path, timeout=30)
        assert answer.status_code == 404, (path, answer.status_code)
    added = server.log_lines()[before:]
    assert len(added) <= len(paths) and not [line for line in added if "Traceback" in line], added
    assert requests.get(server.url + PLOTLY, timeout=30).status_code == 200


def test_the_limits_lie_above_what_the_pages_send():
    # the gap list's whole selection at Gemeinde level, with the view store beside it (see the module
    # docstring of dashboard.request_bounds): rows of 17 values, 417 Gemeinden
    assert 417 < MAX_ITEMS and 417 * 18 * 2 < MAX_VALUES
    assert MAX_CHARS > 8192  # the longest URL nginx passes by default
    assert MAX_DEPTH >= 10


# --- item 2: the compression cache cannot be grown from outside -------------------------------------------


def test_cache_busting_requests_do_not_grow_the_server(server):
    session = requests.Session()
    session.get(server.url + PLOTLY, headers={"Accept-Encoding": "br"}, timeout=60)
    before = server.rss_mb()
    for n in range(500):
        # a new query string, or a made-up fingerprint (Dash serves any), each in both encodings
        busted = (
            f"{PLOTLY}?v={uuid.uuid4().hex}"
            if n % 2
            else PLOTLY.replace("plotly.min.js", f"plotly.v{n}_0_0m{uuid.uuid4().int % 10**10}.min.js")
        )
        answer = session.get(
            server.url + busted, headers={"Accept-Encoding": "br" if n % 4 < 2 else "gzip"}, timeout=60
        )
        assert answer.status_code == 200 and answer.headers["Content-Encoding"] in ("br", "gzip")
    growth = server.rss_mb() - before
    assert growth < 60, growth  # before the fix: +680 MB


def test_the_compression_cache_keeps_to_its_bound():
    cache = StaticCompressionCache(max_bytes=1000)
    for n in range(20):
        cache.set(f"br;/assets/datei-{n}.js", bytes(300))
    entries, size = cache.size
    assert size <= 1000 and entries == 3
    assert cache.get("br;/assets/datei-19.js") is not None and cache.get("br;/assets/datei-0.js") is None
    cache.set("br;/assets/gross.js", bytes(2000))  # bigger than the whole cache: not kept
    assert cache.get("br;/assets/gross.js") is None
    cache.set("br;dynamic:123", bytes(10))  # only static paths
    assert cache.get("br;dynamic:123") is None


def test_the_cache_key_is_the_file_not_the_url():
    app = Flask(__name__)
    urls = [PLOTLY, PLOTLY + "?v=1", PLOTLY.replace("plotly.min.js", "plotly.v9_9_9m123.min.js") + "?x=y"]
    keys = set()
    for url in urls:
        with app.test_request_context(url):
            keys.add(compression_cache_key())
    assert keys == {PLOTLY}


# --- item 1: the view store's checks, in-process -------------------------------------------------------------


@pytest.fixture(scope="module")
def known() -> KnownValues:
    layers = load_layers()
    regions = {key: level for level in PARTICIPANT_LEVELS for key in layers.index[level]}
    founded = {DEFAULT_NETWORK: dt.date(2020, 2, 20), "CTC Beispielstadt": dt.date(2024, 3, 1)}
    return KnownValues(tuple(founded), regions, frozenset(layers.index["kreis"]), TODAY, founded)


def test_the_view_store_keeps_known_keys_once(known, region_keys):
    stored = view(
        stops=["12062124", "12062124", "12999999", "x", "12062124"],
        selected=[*region_keys[:300], *region_keys[:300], "00000000"],
        region="12999999",
    )
    parsed = ViewState.from_store(stored, known)
    assert parsed.stops == ("12062124",)
    assert parsed.selected == tuple(region_keys[:300])
    assert parsed.region == "12999999"  # well-formed: the detail panel says it is not in the dataset
    assert ViewState.from_store(parsed.to_store(), known) == parsed


def test_the_view_store_refuses_more_than_25_stops_and_what_no_page_sends(known, region_keys):
    with pytest.raises(BadInput, match="Höchstens 25 Stationen je Route; angegeben: 26"):
        ViewState.from_store(view(stops=region_keys[:26]), known)
    with pytest.raises(BadInput, match="angegeben: 635"):
        ViewState.from_store(view(stops=[region_keys[i % 635] for i in range(10_000)]), known)
    for bad in (
        None,
        [],
        "ansicht",
        view(level="bundesland"),
        view(on="2024-02-30"),
        view(on=20240101),
        view(stops="12062124"),
        view(stops=[["12062124"]]),
        view(selected=[{"key": "12062124"}]),
        view(region=12062124),
    ):
        with pytest.raises(BadInput):
            ViewState.from_store(bad, known)


def test_the_view_store_falls_back_where_the_register_or_the_dataset_changed(known):
    parsed = ViewState.from_store(view(network="Umbenannt", kreis="12999", on="2019-05-01"), known)
    assert (parsed.network, parsed.kreis, parsed.on) == (DEFAULT_NETWORK, None, dt.date(2020, 2, 20))
    future = ViewState.from_scope(view(on=(TODAY + dt.timedelta(days=3)).isoformat()), known)
    assert future.on == TODAY
    # each network from its own founding
    younger = ViewState.from_scope(view(network="CTC Beispielstadt", on="2022-01-01"), known)
    assert (younger.network, younger.on) == ("CTC Beispielstadt", dt.date(2024, 3, 1))


def test_a_link_with_too_many_stops_keeps_25_and_says_so(known, region_keys):
    search = "?stopps=" + ",".join(region_keys[:30])
    parsed = ViewState.from_query(search, known)
    assert parsed.stops == tuple(region_keys[:MAX_STOPS])
    assert "»stopps«: höchstens 25 Stationen, die übrigen sind weggelassen" in unused_link_parameters(
        search, parsed
    )
