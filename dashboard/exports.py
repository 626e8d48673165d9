"""Offline exports of the map: one self-contained HTML file, and PNG, SVG and PDF for reports and slides.

Images and PDFs are rendered from a self-contained page in the system Chromium, driven by Playwright,
with every request that is not the page itself blocked. Why not Kaleido: Kaleido 1.x needs a Chrome of
its own choosing and loads Plotly's base-map topojson from a URL, not a path (Kaleido #56), so it cannot
be proven offline; the Chromium that the browser tests already use renders exactly what the dashboard
shows. Why Playwright instead of ``chromium --screenshot``: the map draws asynchronously, so the export
has to wait for plotly.js to finish (a fixed time budget is a guess), and SVG comes from
``Plotly.toImage``, which needs a script call.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flask import Response

from .services import Services
from .standalone import MapDocument, build, page, report_page
from .url_state import ViewState

FORMATS = ("html", "png", "svg", "pdf")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
#: Slides (16:9) for PNG and SVG; A4 landscape at 96 px/inch for PDF.
IMAGE_SIZE = (1600, 900)
A4_LANDSCAPE = (1122, 793)
#: Headless Chromium without background traffic (no update, no first-run, no network of its own);
#: the tests and the benchmark launch it the same way.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


#: Name of the lock file of :func:`render_slot` in the data directory.
RENDER_LOCK_NAME = "render.lock"


class ExportError(RuntimeError):
    """The export could not be rendered (the message says why)."""


class ExportBusy(ExportError):
    """Another process is rendering right now; the request should be repeated in a few seconds."""


def download(render: Callable[[], bytes], fmt: str, filename: str, lock: Path | None) -> Response:
    """The HTTP answer with a rendered file as an attachment, or 503 in German if it cannot be rendered.

    ``lock`` is the installation's render lock (:func:`render_lock`); rendering waits for no one: while
    another worker renders, the answer is 503 with ``Retry-After``. ``None`` for what needs no Chromium.
    """
    try:
        with render_slot(lock) if lock is not None else contextlib.nullcontext():
            content = render()
    except ExportError as exc:
        response = Response(str(exc), status=503, mimetype="text/plain")
        if isinstance(exc, ExportBusy):
            response.headers["Retry-After"] = "10"
        return response
    # content_type as it is: mimetype= would append a second "; charset=utf-8" to the HTML type
    response = Response(content, content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_lock(data_dir: Path) -> Path:
    """The lock file of :func:`render_slot` for an installation: in its data directory.

    Every worker of the installation shares the directory; a shared temporary directory would let
    other users and installations on the machine block (or hold) this one's exports.
    """
    return Path(data_dir) / RENDER_LOCK_NAME


@contextlib.contextmanager
def render_slot(lock: Path) -> Iterator[None]:
    """Hold the installation's one Chromium render slot, or raise :class:`ExportBusy` at once.

    A PNG, SVG or PDF takes Chromium several seconds and a worker process the whole time; without this,
    a few simultaneous downloads would occupy every worker and the map would stop answering for all.

    Parameters
    ----------
    lock : Path
        The lock file (:func:`render_lock` of the data directory); created with its directory if missing.
    """
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as busy:
            raise ExportBusy(
                "Gerade wird schon eine Karte als Bild oder PDF erstellt. Bitte in einigen Sekunden erneut "
                "versuchen."
            ) from busy
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class ExportResult:
    """Bytes of one export and what the renderer had to block (empty for a truly offline page)."""

    content: bytes
    blocked: tuple[str, ...] = ()


def document(services: Services, view: ViewState) -> MapDocument:
    """The map document of a view with its geometry inlined (nothing is fetched by an export)."""
    return build(services, view, services.geometry.feature_collection(view.level, view.kreis))


def filename(view: ViewState, fmt: str) -> str:
    """``karte-gemeinde-2026-02-01.png`` (plus the Kreis key when zoomed)."""
    kreis = f"-{view.kreis}" if view.kreis else ""
    return f"karte-{view.level}{kreis}-{view.on.isoformat()}.{fmt}"


def export(
    services: Services,
    view: ViewState,
    fmt: str,
    *,
    chromium: str = "/usr/bin/chromium",
    size: tuple[int, int] | None = None,
) -> ExportResult:
    """Render one export of a view.

    Parameters
    ----------
    services : Services
        Register and coverage access.
    view : ViewState
        Network, level, Kreis and date to show.
    fmt : {"html", "png", "svg", "pdf"}
        Output format.
    chromium : str
        Chromium binary for PNG, SVG and PDF.
    size : (int, int), optional
        Width and height in CSS pixels of PNG/SVG (default 1600 × 900); PDF is always A4 landscape.

    Returns
    -------
    ExportResult

    Raises
    ------
    ExportError
        If Chromium cannot be started or the map does not draw.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    doc = document(services, view)
    if fmt == "html":
        return ExportResult(page(doc, plotly_js="inline", with_figures=True).encode())
    width, height = A4_LANDSCAPE if fmt == "pdf" else (size or IMAGE_SIZE)
    return _render(report_page(doc, width, height), fmt, width, height, chromium)


def render_pdf(html_text: str, size: tuple[int, int], chromium: str) -> ExportResult:
    """A self-contained page with a map (``#karte``) as PDF of pages ``size`` CSS pixels large.

    For the printable documents beyond the map (Besuchsplan, Sitzungsbericht): the page's own CSS
    lays it out; Chromium renders it offline as for the map exports.

    Raises
    ------
    ExportError
        If Chromium cannot be started or the map does not draw.
    """
    return _render(html_text, "pdf", *size, chromium)


def _render(html_text: str, fmt: str, width: int, height: int, chromium: str) -> ExportResult:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_the_file(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with tempfile.TemporaryDirectory(prefix="lpr-geo-export-") as tmp:
        source = Path(tmp) / "karte.html"
        source.write_text(html_text, encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
                    tab = context.new_page()
                    tab.route("**/*", only_the_file)
                    tab.goto(source.as_uri())
                    tab.wait_for_selector("#karte[data-gezeichnet]", timeout=60_000)
                    if fmt == "pdf":
                        content = tab.pdf(
                            width=f"{width}px", height=f"{height}px", print_background=True,
                            margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                        )  # fmt: skip
                    else:
                        url = tab.evaluate(
                            "([f, w, h]) => Plotly.toImage(document.getElementById('karte'),"
                            " {format: f, width: w, height: h})",
                            [fmt, width, height],
                        )
                        content = _data_url_bytes(url)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise ExportError(f"Export mit Chromium ({chromium}) fehlgeschlagen: {exc.message}") from exc
    return ExportResult(content, tuple(blocked))


def _data_url_bytes(url: str) -> bytes:
    header, _, payload = url.partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload)
    return unquote(payload).encode()
