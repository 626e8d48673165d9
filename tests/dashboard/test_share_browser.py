"""What you see is what you share, embed and look at on a phone (issue 17, items 1, 2 and 7).

A real ``lpr-geo serve`` that lets one other origin frame ``/embed``, a small HTTP server on that origin
that plays the intranet page, and a real headless Chromium. Screenshots at 390 and 320 px go to the test
artifacts.
"""

from __future__ import annotations

import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, RecordedPage, serve
from tests.servers import free_port

pytestmark = pytest.mark.browser

ELSTERWERDA = "12062124"
ALL_GEMEINDEN = 417


class IntranetPage:
    """An HTTP server on its own origin whose one page holds what the test puts there."""

    def __init__(self) -> None:
        self.body = b""
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def show(self, snippet: str, width: str) -> None:
        self.body = (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Intranet</title></head>'
            f'<body style="margin:0"><h1>Intranet</h1><div id="spalte" style="width:{width}">{snippet}</div>'
            "<p>Text unter der Karte</p></body></html>"
        ).encode()


@pytest.fixture(scope="module")
def intranet():
    page = IntranetPage()
    yield page
    page.server.shutdown()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, intranet):
    data_dir = tmp_path_factory.mktemp("share-data")
    with serve(data_dir, "share-server.log", LPR_GEO_FRAME_ANCESTORS=f"'self' {intranet.origin}") as (url, _):
        yield url


def _open_map(browser, url: str, width: int, height: int, **options) -> RecordedPage:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE", **options)
    context.set_default_timeout(60_000)  # the machine may be shared with other test runs
    recorded = RecordedPage(context.new_page(), re.match(r"https?://[^/]+", url).group(0))
    recorded.page.goto(url)
    recorded.page.locator(".choroplethlocation").first.wait_for(state="attached")
    return recorded


def _query_of(url: str) -> dict[str, str]:
    query = url.split("?", 1)[1] if "?" in url else ""
    return dict(part.split("=", 1) for part in query.replace("&amp;", "&").split("&") if part)


def test_panel_carries_level_date_and_route_and_follows_every_change(browser, app_url):
    recorded = _open_map(
        browser,
        app_url + f"/?stopps={ELSTERWERDA}",
        1280,
        900,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = recorded.page
    page.get_by_role("button", name="Kreise", exact=True).click()
    expect(page).to_have_url(re.compile("ebene=kreis"))
    date = page.get_by_label("Stand am (TT.MM.JJJJ)")
    date.fill("01.06.2022")
    date.press("Enter")
    expect(page).to_have_url(re.compile("stand=2022-06-01"))

    page.get_by_text("Einbetten / Export").click()
    code = page.locator("#einbetten-code")
    expect(code).to_have_value(re.compile("stand=2022-06-01"))
    snippet = code.input_value()
    embed_src = re.search(r'<iframe src="([^"]+)"', snippet).group(1)
    assert embed_src.startswith(app_url + "/embed?")
    assert _query_of(embed_src) == {"ebene": "kreis", "stand": "2022-06-01", "stopps": ELSTERWERDA}
    assert f'<script src="{app_url}/embed.js" async></script>' in snippet
    links = page.locator("#einbetten-downloads a")
    assert links.count() == 4
    for i in range(4):
        href = links.nth(i).get_attribute("href")
        assert href.startswith("/export/karte.")
        assert _query_of(href) == {"ebene": "kreis", "stand": "2022-06-01", "stopps": ELSTERWERDA}
    link = page.locator("#ansicht-link")
    assert _query_of(link.input_value()) == {"ebene": "kreis", "stand": "2022-06-01", "stopps": ELSTERWERDA}
    # the frame origin is allowed by the settings: no warning
    assert page.locator("#einbetten-hinweis").count() == 0
    recorded.screenshot("share-panel")

    # every further change shows at once, in all three
    page.get_by_role("button", name="Ämter", exact=True).click()
    expect(code).to_have_value(re.compile("ebene=amt"))
    expect(link).to_have_value(re.compile("ebene=amt"))
    assert "ebene=amt" in links.nth(0).get_attribute("href")
    page.get_by_role("button", name="Legende aufgeklappt").click()
    expect(code).to_have_value(re.compile("legende=0"))
    expect(page.get_by_role("button", name="Legende aufgeklappt")).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="Link zu dieser Ansicht kopieren").click()
    expect(page.locator("#ansicht-link-kopiert")).to_have_text("Link kopiert.")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()

    # the link opens the same view
    page.goto(link.input_value())
    expect(page.get_by_role("button", name="Ämter", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Stand am (TT.MM.JJJJ)")).to_have_value("01.06.2022")
    page.context.close()
    assert recorded.foreign == []
    assert recorded.console_errors == []  # the copy callback passes the page's CSP


def _frame(page):
    return next(f for f in page.frames if f != page.main_frame)


def _visible_labels(frame) -> list[dict]:
    """The Kreis names shown, once they are fitted to the map's present size (dashboard/assets/map-fit.js)."""
    # plotly.js redraws a moment after the frame changed its size
    box, svg = frame.locator("#karte").bounding_box(), frame.locator("#karte .main-svg").first
    for side in ("width", "height"):
        size = int(box[side])
        expect(svg).to_have_attribute(side, re.compile(rf"^({size}|{size + 1})(\.\d*)?$"))
    size = frame.locator("#karte").evaluate(
        """gd => { const r = gd.querySelector("clipPath[id$='geo'] rect");
            return Math.round(+r.getAttribute('width')) + 'x' + Math.round(+r.getAttribute('height')); }"""
    )
    expect(frame.locator("#karte")).to_have_attribute("data-beschriftet", size)
    return frame.locator("#karte g.trace.scattergeo text").evaluate_all(
        """els => els.filter(t => t.style.display !== 'none' && t.textContent).map(t => {
            const b = t.getBoundingClientRect();
            const trace = t.closest('g.trace').__data__[0].trace;
            return {text: t.textContent, name: trace.mode === 'text', left: b.left, right: b.right, top: b.top, bottom: b.bottom};
        })"""
    )


def _assert_apart(labels: list[dict]) -> None:
    """No Kreis name covers another or a route stop (start and end of a route are one place)."""
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart or not (a["name"] or b["name"]), (a, b)


def test_snippet_on_another_origin_takes_the_height_of_the_map(browser, app_url, intranet):
    # the code as the panel gives it (the previous test checks the panel)
    recorded = _open_map(browser, app_url + "/?ebene=kreis", 1280, 900)
    recorded.page.get_by_text("Einbetten / Export").click()
    code = recorded.page.locator("#einbetten-code")
    expect(code).to_have_value(re.compile("<iframe"))
    snippet = code.input_value()
    recorded.page.context.close()

    intranet.show(snippet, "320px")
    context = browser.new_context(viewport={"width": 800, "height": 900}, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(intranet.origin + "/")
    frame = _frame(page)
    frame.wait_for_selector("#karte[data-gezeichnet]")
    iframe = page.locator("iframe")
    # 4:3 of 320 px would be 240 px (320 px at least): the script sets the height the map needs
    expect(iframe).to_have_attribute("style", re.compile(r"height: \d+px"))
    narrow = iframe.bounding_box()["height"]
    content = frame.evaluate("document.documentElement.scrollHeight")
    assert abs(narrow - content) <= 2 and narrow > 400
    map_box = frame.locator("#karte").bounding_box()
    assert map_box["width"] == 320 and map_box["height"] >= 300  # Brandenburg is about as high as wide

    # at 320 px the Kreis names keep apart and inside the map; most stay
    labels = _visible_labels(frame)
    assert len(labels) >= 12, labels
    assert all(0 <= a["left"] and a["right"] <= 320 for a in labels), labels
    _assert_apart(labels)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-iframe-320.png"), full_page=True)

    # a wider column: the frame follows
    page.evaluate("document.getElementById('spalte').style.width = '640px'")
    expect(iframe).not_to_have_attribute("style", re.compile(rf"height: {int(narrow)}px"))
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 600")
    wide = iframe.bounding_box()["height"]
    assert abs(wide - frame.evaluate("document.documentElement.scrollHeight")) <= 2
    labels = _visible_labels(frame)
    assert len(labels) >= 16, labels  # room for more names
    _assert_apart(labels)
    page.screenshot(path=str(ARTIFACTS / "share-iframe-640.png"), full_page=True)

    # a message from anything but the frame's own window is ignored
    page.evaluate("window.postMessage({'lpr-geo-embed': {height: 3000}}, '*')")
    page.evaluate("new Promise(done => setTimeout(done, 0))")  # the message event has run by then
    assert iframe.bounding_box()["height"] == wide
    context.close()
    assert errors == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (320, 568)])
def test_phone_shows_the_whole_map_on_the_first_screen(browser, app_url, width, height):
    recorded = _open_map(browser, app_url + "/", width, height)
    page = recorded.page
    expect(page.locator(".choroplethlocation")).to_have_count(ALL_GEMEINDEN)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    graph = page.locator("#karte").bounding_box()
    assert graph["x"] == 0 and graph["width"] == width  # the map fills the width
    # header, notice and controls leave the map on the first screen (at 390 x 844 the whole map)
    assert graph["y"] + (graph["height"] if width >= 390 else graph["height"] / 2) <= height
    # no empty bands: the map's frame takes the graph's height (give or take the margin plotly keeps)
    frame_height = page.locator("#karte clipPath[id$='geo'] rect").get_attribute("height")
    assert float(frame_height) >= graph["height"] - 10

    # the toolbar speaks German and has only buttons that do something here
    page.locator("#karte").hover()
    titles = page.locator("#karte .modebar-btn").evaluate_all("els => els.map(b => b.dataset.title)")
    assert titles == ["Hineinzoomen", "Herauszoomen", "Zurücksetzen"]

    # a hover label at either edge and in the middle stays on the screen
    centres = page.locator(".choroplethlocation").evaluate_all(
        """els => els.map(e => e.getBoundingClientRect()).filter(b => b.width > 12 && b.height > 12)
            .map(b => [b.left + b.width / 2, b.top + b.height / 2]).sort((a, b) => a[0] - b[0])"""
    )
    for x, y in (centres[0], centres[len(centres) // 2], centres[-1]):
        page.mouse.move(x, y)
        label = page.locator(".hoverlayer .hovertext")
        expect(label).to_have_count(1)
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (x, box)
    page.mouse.move(width / 2, 2)
    recorded.screenshot(f"share-phone-{width}")

    # the map as a table: every column at least as wide as its heading
    page.get_by_text("Karte als Tabelle").click()
    expect(page.locator("#karten-tabelle .ag-header-cell-text").first).to_be_visible()
    widths = page.locator("#karten-tabelle .ag-header-cell").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert min(widths) >= 100
    page.context.close()
    assert recorded.foreign == [] and recorded.console_errors == []


def test_embed_at_320_px_keeps_its_labels_apart(browser, app_url):
    recorded = _open_map(browser, app_url + f"/embed?stopps={ELSTERWERDA}", 320, 568)
    page = recorded.page
    page.wait_for_selector("#karte[data-gezeichnet]")
    expect(page.locator('#karte g.trace.scattergeo text[style*="display: none"]').first).to_be_attached()
    labels = _visible_labels(page.main_frame)
    assert sum(a["name"] for a in labels) >= 10, labels
    _assert_apart(labels)
    # the route of the link is drawn (stops are region keys, no personal data), and there are no controls
    assert page.locator("#karte g.trace.scattergeo .point").count() >= 3
    assert page.locator("button, input, select, textarea, .modebar").count() == 0
    recorded.screenshot("share-embed-320")
    page.context.close()
    assert recorded.foreign == [] and recorded.console_errors == []


def test_the_scripts_are_served_by_the_app(app_url):
    with urllib.request.urlopen(app_url + "/embed.js", timeout=30) as response:
        host_script = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/javascript")
        # host pages cannot version its URL: browsers ask again after an hour
        assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert "lpr-geo-embed" in host_script and "event.origin" in host_script
    with urllib.request.urlopen(app_url + "/embed?ebene=kreis", timeout=30) as response:
        embed = response.read().decode()
    assert re.search(r'<script src="/assets/map-fit\.js\?v=\d+"></script>', embed)
    with urllib.request.urlopen(app_url + "/", timeout=30) as response:
        dashboard = response.read().decode()
    # the host pages' script is no part of the dashboard
    assert "/assets/map-fit.js" in dashboard and "embed-host" not in dashboard


def test_share_panel_on_a_phone_passes_axe(browser, app_url):
    from tests.a11y.axe import serious_violations

    recorded = _open_map(browser, app_url + f"/?ebene=amt&stopps={ELSTERWERDA}", 390, 844, bypass_csp=True)
    page = recorded.page
    page.get_by_text("Einbetten / Export").click()
    expect(page.locator("#einbetten-code")).to_have_value(re.compile("ebene=amt"))
    assert serious_violations(page, "#einbetten") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    recorded.screenshot("share-panel-390")
    page.context.close()
