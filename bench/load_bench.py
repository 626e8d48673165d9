"""Load benchmark: 50 concurrent viewers and 5 concurrent editors against gunicorn (issue 10, item 3).

Run from the repository root with ``python -m bench.load_bench`` (not part of pytest); ``--help`` lists
the options. The script

1. starts its own gunicorn (``dashboard.wsgi:server``, by default 2 sync workers, a fresh data directory
   with the sample register, ``login_mode = local``, plain-HTTP cookies, one secret key for both workers)
   with an access log that records each request's id and its time inside the worker;
2. records what a real browser sends: one headless Chromium session (``dashboard.exports.CHROMIUM_ARGS``)
   loads the page, switches the level to Ämter, Kreise and back to Gemeinden, clicks a region on the map,
   types a date, chooses a Kreis (Elbe-Elster), searches "Elsterwerda" and picks the hit, while the Chrome
   DevTools protocol records every request (method, URL, body, when it was sent and when it finished;
   requests answered from the browser cache are left out, as a real browser would not send them again);
3. replays that recording with ``--viewers`` simulated users (threads with ``requests``; up to 6
   parallel connections per user like a browser; ``Accept-Encoding: br, gzip``). Each user does
   ``--rounds`` visits as a new visitor (empty cache); between two actions it thinks for a random
   0.5-1.5 x ``--think`` seconds. Inside an action the requests go out in the waves the browser used:
   a request is sent once every request it waited for in the recording has finished (for example the
   map callback after the callback that owns the view state), so the chains stay those of the app;
4. runs ``--editors`` logged-in editors (local accounts made with ``lpr-geo users add``) for
   ``--edit-duration`` seconds on a small shared set of Gemeinden, so that conflicts really happen: each
   loads the editor panel of a region (the real ``bearbeiten.children`` callback, which carries the
   region's version), thinks, and saves a new status through the real status-save callback (payload
   built from ``/_dash-dependencies``), with a "Gültig ab" date no other save uses, so every accepted
   save is its own status event. A stale form gets "inzwischen ... geändert"; like a user, the editor
   then saves once more with the version that answer carries;
5. checks the database afterwards: every accepted save is in the status history exactly once, no
   rejected save wrote anything, and each region's version grew by exactly its number of accepted saves
   (with the versions the saves reported being exactly those steps): lost updates = 0;
6. prints per request kind and overall: count, throughput, p50/p95/p99 latency as the client saw it,
   the median time inside the worker (from the access log) and errors (non-2xx or exceptions); the same
   per user action (all requests of one action, e.g. a level switch with all callbacks it triggers); the
   CPU time the workers and the load generator used; and the targets (p95 <= 300 ms, 0 errors, 0 lost
   updates) with pass/fail. The exit status is 0 only if every target is met.

Latency minus worker time is time spent queueing for a worker (and on the wire). Client and server share
the machine, so the numbers include the load generator's own CPU use; the load average is printed with
the results. ``--threads N`` runs gthread workers (N threads each) instead of sync ones; they keep
connections alive and close idle ones, so a request may meet a connection closed at that moment: a browser
sends it again on a new connection, and so does the bench (viewers' read-only requests only; counted).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from bench.dashboard_bench import CHROMIUM, settle
from dashboard.exports import CHROMIUM_ARGS
from tests.servers import HOST, PORT, app_env, start_server

#: What the issue asks for.
TARGET_P95_MS = 300
#: Parallel connections per host of a browser over HTTP/1.1.
BROWSER_CONNECTIONS = 6
ACCEPT_ENCODING = "br, gzip"
USER_AGENT = "lpr-geo-load-bench/1"
REQUEST_TIMEOUT_S = 60
#: The recorded Kreis, date, search and region (Elbe-Elster, Elsterwerda: the brief's examples).
KREIS_NAME = "Elbe-Elster"
DATE_TEXT = "01.06.2023"
SEARCH_TEXT = "Elsterwerda"
#: Editors work on Gemeinden of this Kreis (a small shared set, so that they get in each other's way).
EDIT_KREIS = "12062"
EDIT_REGIONS = ("12062124",)  # Elsterwerda first; the rest are the Kreis's next Gemeinden by key
SUCCESS_TEXT = "Status gespeichert."
CONFLICT_PATTERN = re.compile(r"inzwischen .* geändert")

T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------

ACCESS_LOG_FORMAT = "%({x-request-id}i)s %(s)s %(D)s"


@dataclass
class Server:
    process: subprocess.Popen
    origin: str
    data_dir: Path
    env: dict[str, str]
    access_log: Path
    error_log: Path

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the gunicorn workers have used so far (Linux /proc)."""
        total = 0.0
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return float("nan")
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def server_times_ms(self) -> dict[str, float]:
        """Request id -> time inside the worker (gunicorn's %(D)s, microseconds) in ms."""
        times = {}
        for line in self.access_log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] != "-":
                times[parts[0]] = int(parts[2]) / 1000
        return times


def console_script(name: str) -> str:
    """The venv's console script next to this interpreter (``make`` puts it on PATH, a bare run may not)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


@contextlib.contextmanager
def gunicorn(tmp: Path, workers: int, threads: int) -> Iterator[Server]:
    """gunicorn on a free port with a fresh data directory, until the block ends (see tests.servers)."""
    data_dir = tmp / "data"
    env = app_env(
        data_dir,
        LPR_GEO_LOGIN_MODE="local",
        LPR_GEO_COOKIE_SECURE="false",
        LPR_GEO_SECRET_KEY=secrets.token_hex(32),
    )
    access_log, error_log = tmp / "access.log", tmp / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads)]
    command += ["--bind", f"{HOST}:{PORT}", "--timeout", "120", "--access-logfile", str(access_log)]
    command += ["--access-logformat", ACCESS_LOG_FORMAT, "dashboard.wsgi:server"]
    with start_server(command, env=env, log=error_log, ready="/healthz", timeout=180) as running:
        yield Server(running.process, running.url, data_dir, env, access_log, error_log)


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def add_editor(server: Server, name: str, password: str) -> None:
    subprocess.run(
        [console_script("lpr-geo"), "users", "add", name, "--role", "editor", "--password-stdin"],
        input=password + "\n",
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    )


# ---------------------------------------------------------------------------------------------------
# Recording a browser session (Chrome DevTools protocol)
# ---------------------------------------------------------------------------------------------------


@dataclass
class Recorded:
    """One request as the browser sent it."""

    method: str
    path: str  # path and query, relative to the origin
    body: str | None
    kind: str
    sent: float  # CDP monotonic timestamps (s)
    finished: float | None = None
    from_cache: bool = False
    failed: str | None = None
    wave: int = 0


@dataclass
class Action:
    """A user action and the requests it made, in waves (wave n+1 waited for wave n in the browser)."""

    name: str
    requests: list[Recorded]

    @property
    def waves(self) -> list[list[Recorded]]:
        waves: dict[int, list[Recorded]] = defaultdict(list)
        for request in self.requests:
            waves[request.wave].append(request)
        return [waves[n] for n in sorted(waves)]

    def callbacks(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]


def callback_outputs(body: str) -> list[str]:
    """``id.property`` of every output of a ``/_dash-update-component`` body (pattern ids by their type)."""
    names = []
    for ident, prop in parse_output(json.loads(body)["output"]):
        if ident.startswith("{"):
            ident = json.loads(ident).get("type", "?")
        names.append(f"{ident}.{prop}")
    return names


def request_kind(method: str, path: str, body: str | None) -> str:
    route = urlsplit(path).path
    if method == "POST" and route.endswith("/_dash-update-component"):
        outputs = callback_outputs(body or "{}")
        return "callback " + outputs[0] + (f" (+{len(outputs) - 1})" if len(outputs) > 1 else "")
    if route == "/":
        return "GET / (page)"
    if route in ("/_dash-layout", "/_dash-dependencies"):
        return f"GET {route}"
    if route.startswith("/geo/"):
        return "GET /geo/*.json (geometry)"
    if route.startswith("/assets/topojson/"):
        return "GET topojson"
    return "GET static (JS/CSS/icon)"


class BrowserRecorder:
    """Collects the page's requests from CDP Network events, with send and finish timestamps."""

    def __init__(self, origin: str):
        self.origin = origin
        self.requests: dict[str, Recorded] = {}
        self.order: list[str] = []
        self.foreign: list[str] = []

    def attach(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def _sent(self, event) -> None:
        request = event["request"]
        url = request["url"]
        if url.startswith(("data:", "blob:")):
            return
        if not url.startswith(self.origin + "/"):
            self.foreign.append(url)
            return
        path = url[len(self.origin) :]
        method = request["method"]
        body = request.get("postData")
        rid = event["requestId"]
        if rid not in self.requests:
            self.order.append(rid)
        self.requests[rid] = Recorded(
            method, path, body, request_kind(method, path, body), event["timestamp"]
        )

    def _cached(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].from_cache = True

    def _response(self, event) -> None:
        request = self.requests.get(event["requestId"])
        if request and event["response"].get("fromDiskCache"):
            request.from_cache = True

    def _finished(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].finished = event["timestamp"]

    def _failed(self, event) -> None:
        request = self.requests.get(event["requestId"])
        if request:
            request.failed = event.get("errorText", "failed")
            request.finished = event["timestamp"]

    def mark(self) -> int:
        return len(self.order)

    def pending(self) -> int:
        return sum(1 for rid in self.order if self.requests[rid].finished is None)

    def since(self, mark: int) -> list[Recorded]:
        return [self.requests[rid] for rid in self.order[mark:]]


def assign_waves(requests_: list[Recorded]) -> None:
    """Wave of a request: 1 + the highest wave of the requests that had finished before it was sent.

    That is an upper bound of what it waited for (the browser may have sent it for another reason), so
    the replay is at most a little more sequential than the browser, never more parallel.
    """
    done: list[Recorded] = []
    for request in sorted(requests_, key=lambda r: r.sent):
        before = [d.wave for d in done if d.finished is not None and d.finished <= request.sent]
        request.wave = 1 + max(before) if before else 0
        done.append(request)


def _has_callback(requests_: list[Recorded], output: str, body_part: str = "") -> bool:
    return any(
        r.method == "POST" and output in (r.body or "") and body_part in (r.body or "") for r in requests_
    )


def record_session(origin: str) -> tuple[list[Action], list[str]]:
    """Drive one browser through a page load and the user actions; return what it sent, per action."""
    from playwright.sync_api import sync_playwright

    def load(page):
        page.goto(origin + "/", wait_until="commit")
        page.locator(".choroplethlocation").first.wait_for(state="attached", timeout=60_000)

    def level(label):
        return lambda page: page.get_by_role("button", name=label, exact=True).click()

    def type_and_enter(selector, text):
        def act(page):
            page.fill(selector, text)
            page.press(selector, "Enter")

        return act

    def click_region(page):
        # a Gemeinde in the middle of the list; force: the Kreis labels may lie on top of its centre
        page.locator(".choroplethlocation").nth(200).click(force=True)

    def search(page):
        page.fill("#suche", SEARCH_TEXT)
        page.locator("#suche-treffer button").first.wait_for(timeout=30_000)

    def pick_hit(page):
        page.locator("#suche-treffer button").first.click()

    # (name, action, a check that the app really reacted: an output the action must have triggered)
    script = [
        ("page load", load, ("karte.figure", "")),
        ("level Ämter", level("Ämter"), ("karte.figure", '"level":"amt"')),
        ("level Kreise", level("Kreise"), ("karte.figure", '"level":"kreis"')),
        ("level Gemeinden", level("Gemeinden"), ("karte.figure", '"level":"gemeinde"')),
        ("click a region", click_region, ("detail.children", '"region":"1')),
        ("change the date", type_and_enter("#stand", DATE_TEXT), ("karte.figure", "2023-06-01")),
        ("choose a Kreis", type_and_enter("#kreis", KREIS_NAME), ("karte.figure", f'"kreis":"{EDIT_KREIS}"')),
        ("search (typing)", search, ("suche-treffer.children", SEARCH_TEXT)),
        ("pick a search hit", pick_hit, ("detail.children", '"region":"12062124"')),
    ]
    actions: list[Action] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
            page = context.new_page()
            recorder = BrowserRecorder(origin)
            recorder.attach(context.new_cdp_session(page))
            for name, act, (output, body_part) in script:
                mark = recorder.mark()
                act(page)
                # on a busy machine the browser may take a while to send the first callback
                deadline = time.monotonic() + 60
                while not _has_callback(recorder.since(mark), output, body_part):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"recording: {name!r} did not trigger {output} with {body_part!r}")
                    page.wait_for_timeout(50)
                settle(page, recorder, quiet_ms=600, timeout_s=60, strict=True)
                sent = recorder.since(mark)
                failed = [(r.path, r.failed) for r in sent if r.failed]
                if failed:
                    raise RuntimeError(f"recording: {name!r}: requests failed in the browser: {failed}")
                replayed = [r for r in sent if not r.from_cache]
                assign_waves(replayed)
                actions.append(Action(name, replayed))
                log(
                    f"recorded {name}: {len(replayed)} requests ({len(sent) - len(replayed)} from cache), "
                    f"{len(actions[-1].callbacks())} callbacks, {len(actions[-1].waves)} waves"
                )
            context.close()
        finally:
            browser.close()
    return actions, recorder.foreign


# ---------------------------------------------------------------------------------------------------
# Replaying: viewers
# ---------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    phase: str  # "viewers" or "editors"
    start: float
    latency_ms: float
    status: int | None
    error: str | None
    wire_bytes: int
    request_id: str
    server_ms: float | None = None
    retried: bool = False


@dataclass
class ActionSample:
    name: str
    phase: str
    latency_ms: float
    requests: int
    errors: int


class Client:
    """One simulated browser: a ``requests`` session with up to 6 connections to the origin."""

    def __init__(self, origin: str, phase: str, samples: list[Sample], lock: threading.Lock):
        self.origin = origin
        self.phase = phase
        self.samples = samples
        self.lock = lock
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=BROWSER_CONNECTIONS)
        self.session.mount("http://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING})

    def send(self, method: str, path: str, body: str | None, kind: str, decode: bool = False):
        """Send one request and record it; returns the sample and (with ``decode``) the unpacked body."""
        request_id = uuid.uuid4().hex
        headers = {"X-Request-Id": request_id}
        if method == "POST":
            # the app refuses state-changing requests from other origins; its own pages send Origin
            headers |= {"Content-Type": "application/json", "Origin": self.origin}
        started = time.monotonic()
        status, error, size, content, retried = None, None, 0, None, False

        def send():
            return self.session.request(
                method,
                self.origin + path,
                data=body.encode() if body is not None else None,
                headers=headers,
                stream=True,
                timeout=REQUEST_TIMEOUT_S,
            )

        try:
            try:
                response = send()
            except requests.ConnectionError:
                # A kept-alive connection the server closed at the same moment (gthread workers close idle
                # ones after 2 s): a browser sends the request again on a new connection, once. Only the
                # viewers' read-only requests are repeated; retries are counted and reported.
                if self.phase != "viewers":
                    raise
                retried = True
                response = send()
            try:
                status = response.status_code
                if decode:
                    content = response.content
                    size = int(response.headers.get("Content-Length") or len(content))
                else:  # read the bytes as they came over the wire; the client need not unpack them
                    size = len(response.raw.read(decode_content=False))
            finally:
                response.close()
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        latency = (time.monotonic() - started) * 1000
        sample = Sample(kind, self.phase, started, latency, status, error, size, request_id, retried=retried)
        with self.lock:
            self.samples.append(sample)
        return sample, (content if error is None else None)

    def close(self) -> None:
        self.session.close()


def run_viewer(
    index: int,
    origin: str,
    actions: list[Action],
    args: argparse.Namespace,
    samples: list[Sample],
    action_samples: list[ActionSample],
    lock: threading.Lock,
) -> None:
    rng = random.Random(index)
    time.sleep(args.ramp * index / max(args.viewers, 1))
    with ThreadPoolExecutor(BROWSER_CONNECTIONS, thread_name_prefix=f"viewer{index}") as pool:
        for _ in range(args.rounds):
            client = Client(origin, "viewers", samples, lock)  # a new visitor: new connections, no cache
            for number, action in enumerate(actions):
                if number:
                    time.sleep(args.think * rng.uniform(0.5, 1.5))
                started = time.monotonic()
                errors = 0
                for wave in action.waves:
                    sent = pool.map(lambda r, c=client: c.send(r.method, r.path, r.body, r.kind)[0], wave)
                    errors += sum(1 for sample in sent if sample.error)
                latency = (time.monotonic() - started) * 1000
                with lock:
                    action_samples.append(
                        ActionSample(action.name, "viewers", latency, len(action.requests), errors)
                    )
            client.close()


def run_viewers(origin: str, actions: list[Action], args: argparse.Namespace):
    samples: list[Sample] = []
    action_samples: list[ActionSample] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=run_viewer,
            args=(i, origin, actions, args, samples, action_samples, lock),
            name=f"viewer-{i}",
            daemon=True,
        )
        for i in range(args.viewers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, action_samples, time.monotonic() - started


# ---------------------------------------------------------------------------------------------------
# Editors
# ---------------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    editor: str
    key: str
    day: dt.date
    status: str
    note: str
    expected_version: int
    outcome: str  # "accepted", "conflict", "error"
    version: int | None = None  # accepted: the new version; conflict: the current one
    message: str = ""


def parse_output(spec: str) -> list[tuple[str, str]]:
    """``..a.b...c.d..`` or ``a.b`` -> [(a, b), (c, d)]; an id may be a JSON pattern id."""
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    return [tuple(part.rsplit(".", 1)) for part in parts]  # properties have no dots


def callback_body(dependencies: list[dict], output_id: str, values: dict[tuple[str, str], object]) -> str:
    """The body the renderer sends for the callback writing ``output_id``, with the given values.

    Inputs are listed as changed (the user clicked or the store changed); values not given are None.
    """
    matches = [d for d in dependencies if any(i == output_id for i, _ in parse_output(d["output"]))]
    if len(matches) != 1:
        raise RuntimeError(f"expected one callback writing {output_id}, found {len(matches)}")
    dep = matches[0]
    outputs = [{"id": i, "property": p} for i, p in parse_output(dep["output"])]

    def items(entries):
        return [
            {"id": e["id"], "property": e["property"], "value": values.get((e["id"], e["property"]))}
            for e in entries
        ]

    inputs = items(dep["inputs"])
    return json.dumps(
        {
            "output": dep["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
            "state": items(dep.get("state", [])),
        }
    )


def find_props(node, component_id: str) -> dict | None:
    """Props of the component with ``id`` in a Dash component tree (JSON)."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        for value in node.values():
            found = find_props(value, component_id)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find_props(value, component_id)
            if found is not None:
                return found
    return None


def texts(node) -> str:
    """All strings of a JSON tree, joined (the messages a user would read)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return " ".join(texts(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(texts(v) for v in node)
    return ""


class DateBook:
    """Hands out "Gültig ab" dates no status event of the region has yet (one per save attempt)."""

    def __init__(self, used: dict[str, set[dt.date]], first: dt.date, last: dt.date, seed: int = 0):
        self.used = used
        self.first, self.span = first, (last - first).days + 1
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    def take(self, key: str) -> dt.date:
        with self.lock:
            taken = self.used.setdefault(key, set())
            if len(taken) >= self.span:
                raise RuntimeError(f"no free date left for {key}")
            while True:
                day = self.first + dt.timedelta(days=self.rng.randrange(self.span))
                if day not in taken:
                    taken.add(day)
                    return day


@dataclass
class EditorSetup:
    dependencies: list[dict]
    view: dict  # the view store of the default view (network, today); region filled in per save
    keys: list[str]
    statuses: list[str]
    dates: DateBook


def login(origin: str, name: str, password: str, samples: list[Sample], lock: threading.Lock) -> Client:
    client = Client(origin, "editors", samples, lock)
    client.session.headers["Origin"] = origin  # as the app's pages do (login form and callbacks)
    page = client.session.get(origin + "/anmelden", timeout=REQUEST_TIMEOUT_S)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.session.post(
        origin + "/anmelden",
        data={"csrf_token": token, "name": name, "password": password},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 303:
        raise RuntimeError(f"login of {name} failed: HTTP {response.status_code}")
    return client


def run_editor(
    name: str,
    client: Client,
    setup: EditorSetup,
    deadline: float,
    attempts: list[Attempt],
    lock: threading.Lock,
) -> None:
    from dashboard import ids

    rng = random.Random(name)
    update = "/_dash-update-component"
    saved = 0  # the EDIT_SAVED store: bumped by every save answer, refreshes the detail panel
    number = 0
    while time.monotonic() < deadline:
        key = rng.choice(setup.keys)
        view = {**setup.view, "region": key}
        # 1. the editor panel of the region, as the browser asks for it when the region is selected
        body = callback_body(setup.dependencies, ids.EDITOR, {(ids.VIEW, "data"): view})
        answer = client.send("POST", update, body, "editor: load panel", decode=True)[1]
        if answer is None:
            time.sleep(0.5)
            continue
        panel = json.loads(answer)["response"][ids.EDITOR]["children"]
        version = (find_props(panel, ids.EDIT_VERSION) or {}).get("data")
        current = (find_props(panel, ids.STATUS_VALUE) or {}).get("value")
        if version is None:
            with lock:
                attempts.append(Attempt(name, key, dt.date.min, "", "", -1, "error", message="no version"))
            continue
        # 2. fill in the form (think), then save; after a conflict save once more, as the message asks
        time.sleep(rng.uniform(0.3, 1.2))
        status = rng.choice([s for s in setup.statuses if s != current])
        day = setup.dates.take(key)
        for clicks in (1, 2):
            number += 1
            note = f"Lasttest {name} #{number}"
            values = {
                (ids.STATUS_SAVE, "n_clicks"): clicks,
                (ids.STATUS_VALUE, "value"): status,
                (ids.STATUS_DATE, "value"): f"{day:%d.%m.%Y}",
                (ids.STATUS_NOTE, "value"): note,
                (ids.EDIT_VERSION, "data"): version,
                (ids.VIEW, "data"): view,
                (ids.EDIT_SAVED, "data"): saved,
            }
            body = callback_body(setup.dependencies, ids.STATUS_MESSAGE, values)
            answer = client.send("POST", update, body, "editor: save status", decode=True)[1]
            attempt = Attempt(name, key, day, status, note, int(version), "error")
            if answer is not None:
                result = json.loads(answer)["response"]
                message = texts(result.get(ids.STATUS_MESSAGE, {}))
                new_version = result.get(ids.EDIT_VERSION, {}).get("data")
                saved = result.get(ids.EDIT_SAVED, {}).get("data", saved)
                attempt.message = message[:300]
                if SUCCESS_TEXT in message:
                    attempt.outcome, attempt.version = "accepted", new_version
                elif CONFLICT_PATTERN.search(message):
                    attempt.outcome, attempt.version = "conflict", new_version
            with lock:
                attempts.append(attempt)
            if answer is not None and attempt.outcome != "error":
                # the save bumped EDIT_SAVED: the browser refreshes the detail panel
                detail = callback_body(
                    setup.dependencies,
                    ids.DETAIL,
                    {(ids.VIEW, "data"): view, (ids.EDIT_SAVED, "data"): saved},
                )
                client.send("POST", update, detail, "editor: detail after save")
            if attempt.outcome != "conflict" or time.monotonic() >= deadline:
                break
            version = attempt.version  # the form now holds the stored version; the user saves again
            time.sleep(rng.uniform(0.3, 1.0))
        time.sleep(rng.uniform(0.2, 0.8))


def db_state(server: Server, keys: list[str], network: str):
    """(founded, {key: version}, {key: set of event dates}) of the register, read directly."""
    from sqlalchemy import create_engine, select

    from lpr_geo.register.models import Network, Participant, StatusEvent

    engine = create_engine(f"sqlite:///{server.data_dir / 'register.sqlite'}")
    try:
        with engine.connect() as connection:
            net_id, founded = connection.execute(
                select(Network.id, Network.founded).where(Network.name == network)
            ).one()
            versions = dict(
                connection.execute(
                    select(Participant.key, Participant.version).where(
                        Participant.level == "gemeinde", Participant.key.in_(keys)
                    )
                ).all()
            )
            dates: dict[str, set[dt.date]] = defaultdict(set)
            for key, day in connection.execute(
                select(Participant.key, StatusEvent.effective_date)
                .join(StatusEvent.participant)
                .where(
                    Participant.level == "gemeinde",
                    Participant.key.in_(keys),
                    StatusEvent.network_id == net_id,
                )
            ):
                dates[key].add(day)
        return founded, versions, dates
    finally:
        engine.dispose()


def verify_edits(
    server: Server, network: str, keys: list[str], before: dict[str, int], attempts: list[Attempt]
) -> dict:
    """Compare the accepted saves with the database: lost updates and stray writes."""
    from sqlalchemy import create_engine, select

    from lpr_geo.register.models import Network, Participant, StatusEvent

    engine = create_engine(f"sqlite:///{server.data_dir / 'register.sqlite'}")
    problems: list[str] = []
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Participant.key, StatusEvent.effective_date, StatusEvent.status, StatusEvent.note)
                .join(StatusEvent.participant)
                .join(StatusEvent.network)
                .where(Participant.level == "gemeinde", Participant.key.in_(keys), Network.name == network)
            ).all()
            after = dict(
                connection.execute(
                    select(Participant.key, Participant.version).where(
                        Participant.level == "gemeinde", Participant.key.in_(keys)
                    )
                ).all()
            )
    finally:
        engine.dispose()
    by_note: dict[str, list] = defaultdict(list)
    for row in rows:
        by_note[row.note].append(row)
    accepted = [a for a in attempts if a.outcome == "accepted"]
    lost = 0
    for a in accepted:
        found = by_note.get(a.note, [])
        stored = [(f.key, f.effective_date, f.status) for f in found]
        if stored != [(a.key, a.day, a.status)]:
            lost += 1
            problems.append(f"accepted save {a.note} ({a.key}, {a.day}, {a.status}) found {len(found)} times")
    stray = [a for a in attempts if a.outcome != "accepted" and by_note.get(a.note)]
    for a in stray:
        problems.append(f"rejected save {a.note} ({a.outcome}) was written anyway")
    version_errors = 0
    for key in keys:
        mine = sorted(a.version for a in accepted if a.key == key)
        start, end = before.get(key, 0), after.get(key, 0)
        if end - start != len(mine) or mine != list(range(start + 1, start + 1 + len(mine))):
            version_errors += 1
            problems.append(
                f"{key}: version {start} -> {end}, {len(mine)} accepted saves reported {mine[:10]}..."
            )
    return {
        "accepted": len(accepted),
        "in_history_once": len(accepted) - lost,
        "lost_updates": lost + version_errors,
        "rejected_but_written": len(stray),
        "problems": problems[:20],
    }


def run_editors(server: Server, actions: list[Action], args: argparse.Namespace):
    from lpr_geo.boundaries import load_layer
    from lpr_geo.status import EVENT_STATUSES

    samples: list[Sample] = []
    attempts: list[Attempt] = []
    lock = threading.Lock()
    dependencies = requests.get(server.origin + "/_dash-dependencies", timeout=REQUEST_TIMEOUT_S).json()
    view = default_view(actions)
    gemeinden = load_layer("gemeinde", "land")
    in_kreis = sorted(gemeinden.loc[gemeinden["kreis_key"] == EDIT_KREIS, "key"])
    keys = list(dict.fromkeys([*EDIT_REGIONS, *in_kreis]))[: args.edit_regions]
    founded, before, used = db_state(server, keys, view["network"])
    yesterday = dt.date.today() - dt.timedelta(days=1)
    setup = EditorSetup(
        dependencies,
        view,
        keys,
        [s.value for s in EVENT_STATUSES],
        DateBook(used, max(founded or dt.date(2020, 2, 20), dt.date(2020, 2, 20)), yesterday),
    )
    password = secrets.token_urlsafe(16)
    names = [f"lasttest{i + 1}" for i in range(args.editors)]
    clients = {}
    for name in names:
        add_editor(server, name, password)
        clients[name] = login(server.origin, name, password, samples, lock)
    log(f"editors: {len(names)} logged in; regions {', '.join(keys)}; {args.edit_duration:.0f} s")
    started = time.monotonic()
    deadline = started + args.edit_duration
    threads = [
        threading.Thread(
            target=run_editor, args=(name, clients[name], setup, deadline, attempts, lock), daemon=True
        )
        for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for client in clients.values():
        client.close()
    check = verify_edits(server, view["network"], keys, before, attempts)
    return samples, attempts, check, elapsed, keys


def default_view(actions: list[Action]) -> dict:
    """The view store of the default view, as the page load's callbacks sent it."""
    for request in actions[0].callbacks():
        body = json.loads(request.body or "{}")
        for item in body.get("inputs", []):
            if (
                isinstance(item, dict)
                and item.get("id") == "ansicht"
                and item.get("property") == "data"
                and item.get("value")
            ):
                value = dict(item["value"])
                return {
                    **value,
                    "region": None,
                    "selected": [],
                    "stops": [],
                    "kreis": None,
                    "level": "gemeinde",
                }
    raise RuntimeError("the page load sent no callback with the view store")


# ---------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples: list[Sample], elapsed: float) -> dict:
    latencies = [s.latency_ms for s in samples]
    server = [s.server_ms for s in samples if s.server_ms is not None]
    return {
        "count": len(samples),
        "per_s": len(samples) / elapsed if elapsed else None,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
        "server_p50_ms": percentile(server, 50),
        "server_p95_ms": percentile(server, 95),
        "kb": statistics.mean(s.wire_bytes for s in samples) / 1000 if samples else None,
        "errors": sum(1 for s in samples if s.error),
        "retried": sum(1 for s in samples if s.retried),
    }


def by_kind(samples: list[Sample], elapsed: float) -> dict[str, dict]:
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.kind].append(sample)
    return {kind: summarise(group, elapsed) for kind, group in sorted(groups.items())}


def summarise_actions(actions: list[ActionSample], elapsed: float) -> dict[str, dict]:
    groups: dict[str, list[ActionSample]] = defaultdict(list)
    for action in actions:
        groups[action.name].append(action)
    result = {}
    for name, group in groups.items():
        latencies = [a.latency_ms for a in group]
        result[name] = {
            "count": len(group),
            "per_s": len(group) / elapsed if elapsed else None,
            "requests": group[0].requests,
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies),
            "errors": sum(a.errors for a in group),
        }
    return result


def fmt(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def table(title: str, rows: dict[str, dict], first: str) -> list[str]:
    header = (
        first,
        "n",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "worker p50",
        "w. p95",
        "KB",
        "errors",
    )
    lines = []
    for name, r in rows.items():
        lines.append(
            (
                name,
                fmt(r["count"]),
                fmt(r["per_s"], 1),
                fmt(r["p50_ms"]),
                fmt(r["p95_ms"]),
                fmt(r["p99_ms"]),
                fmt(r["max_ms"]),
                fmt(r.get("server_p50_ms")),
                fmt(r.get("server_p95_ms")),
                fmt(r.get("kb"), 1),
                fmt(r["errors"]),
            )
        )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]
    out = ["", title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return out


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except OSError:
        return load_average()


def report_lines(results: dict) -> list[str]:
    lines = [
        f"gunicorn: {results['config']['workers']} workers x {results['config']['threads']} thread(s), "
        f"sync worker class; SQLite register in a temp dir; client and server on the same machine",
    ]
    v = results.get("viewers")
    if v:
        cfg = results["config"]
        lines.append(
            f"Viewers: {cfg['viewers']} concurrent, {cfg['rounds']} visit(s) each (new visitor, empty "
            f"cache), think time {cfg['think']} s (x0.5-1.5), ramp-up {cfg['ramp']} s, "
            f"{v['elapsed_s']:.0f} s in all; "
            f"load before/after: {v['load_before']} | {v['load_after']}"
        )
        for example in v["error_examples"]:
            lines.append(f"  error: {example}")
        if v["overall"]["retried"]:
            lines.append(
                f"Requests sent again after the server closed a kept-alive connection (as a browser does): "
                f"{v['overall']['retried']}"
            )
        busy = v["server_cpu_s"] / (v["elapsed_s"] * cfg["workers"]) if v["elapsed_s"] else 0
        lines.append(
            f"CPU used: gunicorn workers {v['server_cpu_s']:.1f} s ({busy:.0%} of {cfg['workers']} workers' "
            f"wall time; {1000 * v['server_cpu_s'] / max(v['overall']['count'], 1):.1f} ms per request), "
            f"this load generator {v['client_cpu_s']:.1f} s"
        )
        rows = {**v["kinds"], "ALL REQUESTS": v["overall"], "  of which callbacks": v["callbacks"]}
        lines += table(
            "Viewers, per request kind (latency as the client saw it; worker = inside gunicorn)", rows, "kind"
        )
        lines += table(
            "Viewers, per user action (all requests an action triggers, in the browser's waves)",
            v["actions"],
            "action",
        )
    e = results.get("editors")
    if e:
        lines.append("")
        lines.append(
            f"Editors: {results['config']['editors']} logged-in editors for {e['elapsed_s']:.0f} s on "
            f"{len(e['regions'])} Gemeinden ({', '.join(e['regions'])}); load after: {e['load_after']}"
        )
        rows = {**e["kinds"], "ALL REQUESTS": e["overall"]}
        lines += table("Editors, per request kind", rows, "kind")
        o = e["outcomes"]
        check = e["check"]
        lines.append(
            f"Save attempts {o['attempts']}: accepted {o['accepted']}, conflicts reported ('inzwischen … "
            f"geändert') {o['conflict']}, errors {o['error']}; "
            f"{o['accepted'] / e['elapsed_s']:.2f} accepted saves/s"
        )
        lines.append(
            f"Database check: {check['in_history_once']} of {check['accepted']} accepted saves in the status "
            f"history exactly once; rejected saves written anyway: {check['rejected_but_written']}; "
            f"lost updates: {check['lost_updates']}"
        )
        for problem in check["problems"]:
            lines.append(f"  problem: {problem}")
        for message in e["error_messages"]:
            lines.append(f"  error: {message}")
    lines.append("")
    lines.append("Targets")
    for target in results["targets"]:
        lines.append(f"  [{'PASS' if target['pass'] else 'FAIL'}] {target['name']}: {target['value']}")
    lines.append(f"uptime at the end: {results['uptime']}")
    return lines


def attach_server_times(samples: list[Sample], times: dict[str, float]) -> None:
    for sample in samples:
        sample.server_ms = times.get(sample.request_id)


def targets(results: dict) -> list[dict]:
    found = []
    v = results.get("viewers")
    if v:
        p95 = v["overall"]["p95_ms"]
        found.append(
            {
                "name": f"viewers: p95 of all requests <= {TARGET_P95_MS} ms",
                "value": f"{p95:.0f} ms",
                "pass": p95 <= TARGET_P95_MS,
            }
        )
        found.append(
            {
                "name": "viewers: 0 errors",
                "value": v["overall"]["errors"],
                "pass": v["overall"]["errors"] == 0,
            }
        )
    e = results.get("editors")
    if e:
        errors = e["overall"]["errors"] + e["outcomes"]["error"]
        found.append({"name": "editors: 0 errors", "value": errors, "pass": errors == 0})
        lost = e["check"]["lost_updates"] + e["check"]["rejected_but_written"]
        found.append({"name": "editors: 0 lost updates", "value": lost, "pass": lost == 0})
    return found


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=50, help="concurrent viewers (default 50)")
    parser.add_argument("--rounds", type=int, default=2, help="visits per viewer (default 2)")
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean think time between actions, s (default 2)"
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="viewers start spread over this many s (default 10)"
    )
    parser.add_argument("--editors", type=int, default=5, help="concurrent editors (default 5)")
    parser.add_argument("--edit-duration", type=float, default=120.0, help="editing phase, s (default 120)")
    parser.add_argument("--edit-regions", type=int, default=3, help="Gemeinden the editors share (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (default 1: sync)"
    )
    parser.add_argument("--skip-viewers", action="store_true", help="only the editors")
    parser.add_argument("--skip-editors", action="store_true", help="only the viewers")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write the results as JSON to PATH (without PATH: JSON on stdout instead of the table)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict = {"config": {k: v for k, v in vars(args).items() if k != "json"}}
    with tempfile.TemporaryDirectory(prefix="lpr-load-") as tmp:
        log(f"starting gunicorn ({args.workers} workers) ...")
        with gunicorn(Path(tmp), args.workers, args.threads) as server:
            log(f"gunicorn up at {server.origin}; recording a browser session ...")
            actions, foreign = record_session(server.origin)
            results["recorded"] = {
                a.name: {"requests": len(a.requests), "callbacks": len(a.callbacks()), "waves": len(a.waves)}
                for a in actions
            }
            results["foreign_requests"] = sorted(set(foreign))
            if not args.skip_viewers:
                load_before = uptime()
                log(f"{args.viewers} viewers x {args.rounds} visits ...")
                cpu = (server.cpu_seconds(), time.process_time())
                samples, action_samples, elapsed = run_viewers(server.origin, actions, args)
                cpu = (server.cpu_seconds() - cpu[0], time.process_time() - cpu[1])
                attach_server_times(samples, server.server_times_ms())
                callbacks = [s for s in samples if s.kind.startswith("callback")]
                results["viewers"] = {
                    "elapsed_s": elapsed,
                    "load_before": load_before,
                    "load_after": uptime(),
                    "server_cpu_s": cpu[0],
                    "client_cpu_s": cpu[1],
                    "kinds": by_kind(samples, elapsed),
                    "overall": summarise(samples, elapsed),
                    "callbacks": summarise(callbacks, elapsed),
                    "actions": summarise_actions(action_samples, elapsed),
                    "error_examples": sorted({f"{s.kind}: {s.error}" for s in samples if s.error})[:10],
                }
                log(f"viewers done in {elapsed:.0f} s")
            if not args.skip_editors:
                samples, attempts, check, elapsed, keys = run_editors(server, actions, args)
                attach_server_times(samples, server.server_times_ms())
                outcomes = {"attempts": len(attempts)}
                for outcome in ("accepted", "conflict", "error"):
                    outcomes[outcome] = sum(1 for a in attempts if a.outcome == outcome)
                results["editors"] = {
                    "elapsed_s": elapsed,
                    "regions": keys,
                    "load_after": uptime(),
                    "kinds": by_kind(samples, elapsed),
                    "overall": summarise(samples, elapsed),
                    "outcomes": outcomes,
                    "check": check,
                    "error_messages": sorted(
                        {f"{a.editor} {a.key}: {a.message}" for a in attempts if a.outcome == "error"}
                    )[:10]
                    + sorted({f"{s.kind}: {s.error}" for s in samples if s.error})[:10],
                    "attempts": [asdict(a) | {"day": a.day.isoformat()} for a in attempts],
                }
                log(f"editors done: {outcomes}")
        results["server_log_tail"] = tail(server.error_log, 2000)
    results["uptime"] = uptime()
    results["targets"] = targets(results)
    if args.json == "-":
        json.dump(results, sys.stdout, indent=2, default=str)
        print()
    else:
        print("\n".join(report_lines(results)))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0 if all(t["pass"] for t in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
