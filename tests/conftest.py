"""Fixtures shared by all suites: a real ``lpr-geo serve`` process and a real headless Chromium.

Servers start through :func:`tests.servers.start_server`, like every server of the tests and benches.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard import deferred
from dashboard.exports import CHROMIUM_ARGS
from tests.servers import PORT, app_env, start_server

CHROMIUM = os.environ.get("LPR_GEO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def live_data_dir(tmp_path_factory) -> Path:
    """Data directory of the live server (its embedded register: ``register.sqlite``)."""
    return tmp_path_factory.mktemp("data")


def server_rss(process: subprocess.Popen) -> int:
    """Resident memory of a server in bytes: the process and all its descendants.

    ``lpr-geo serve`` is gunicorn's arbiter; the requests are handled in its worker processes, so the
    arbiter's own ``VmRSS`` says nothing about what a request costs. Pages the workers share with the
    arbiter are counted once per process: use differences, not the absolute value.
    """
    pids, total = [str(process.pid)], 0
    while pids:
        pid = pids.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += (task / "children").read_text().split()
        except OSError:  # ended in between
            continue
        rss = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
        total += int(rss[0]) * 1024 if rss else 0  # a zombie has none
    return total


@contextlib.contextmanager
def serve(data_dir: Path, log_name: str, **settings: str):
    """Run ``lpr-geo serve`` on a free port with a data directory and extra settings; yield (url, env)."""
    with serve_process(data_dir, log_name, **settings) as (url, env, _):
        yield url, env


@contextlib.contextmanager
def serve_process(data_dir: Path, log_name: str, **settings: str):
    """:func:`serve`, yielding the server process too (url, env, process): for its memory and its log."""
    command = ["lpr-geo", "serve", "--port", PORT]
    # ready once the page answers: by then the server has created and filled the register
    with start_server(command, env=app_env(data_dir, **settings), log=ARTIFACTS / log_name) as server:
        yield server.url, server.env, server.process


@pytest.fixture(scope="session")
def live_server(live_data_dir):
    """Base URL of ``lpr-geo serve`` on a free port with a fresh data directory."""
    with serve(live_data_dir, "live-server.log") as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class RecordedPage:
    """A page that records every request and console error, and blocks every foreign host."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def recorded_page(browser, live_server):
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the app's CSP rightly forbids;
    # the CSP itself is tested in tests/deploy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(60_000)  # generous: the machine may be shared with other test runs
    page = context.new_page()
    yield RecordedPage(page, live_server)
    context.close()


def show_part(page, part: str) -> None:
    """Bring a part of the map page that loads after the map to the screen, as a user scrolling to it
    (or opening the map's table) would; see :mod:`dashboard.deferred`."""
    box = page.locator(f"#{deferred.box_id(part)}")
    details = box.locator("xpath=ancestor::details")
    if details.count():
        if details.get_attribute("open") is None:
            details.locator("summary").click()
    else:
        box.scroll_into_view_if_needed()
    box.locator(f".{deferred.PART_CLASS}").wait_for(state="detached", timeout=30_000)


def wait_for_images(page) -> None:
    """Until every image on the page has loaded or failed and the events that queued have been handled.

    An injected ``<img src=x onerror=...>`` (an XSS) would have run its handler by then; with no image
    at all this returns at once.
    """
    page.wait_for_function(
        """() => Promise.all(Array.from(document.images, (img) => img.complete ? null : new Promise((done) => {
                img.addEventListener("load", done);
                img.addEventListener("error", done);
            })))
            .then(() => new Promise((done) => setTimeout(() => done(true))))"""  # queued error events first
    )


def pytest_sessionfinish(session, exitstatus):
    """Under ``make test`` (CI) a skipped test is a failure: every suite must really run."""
    if os.environ.get("LPR_GEO_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"FAILED: {skipped} test(s) skipped; CI runs every suite", red=True)
        session.exitstatus = 1
