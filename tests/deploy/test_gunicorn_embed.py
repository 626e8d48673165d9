"""The app under gunicorn (2 workers, URL prefix from the environment), embedded from other origins.

Real processes and real HTTP: gunicorn serves the dashboard and /embed under /lpr-karte/ the way nginx
forwards them when it keeps the prefix; two small HTTP servers on other ports play the intranet pages,
one allowed to frame the map and one not.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, RecordedPage
from tests.deploy.personal_data import assert_no_personal_data, contact_strings
from tests.servers import HOST, PORT, app_env, free_port, start_server

PREFIX = "/lpr-karte/"


def _intranet_server(embed_url: str) -> ThreadingHTTPServer:
    body = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Intranet</title></head><body>'
        f'<h1>Intranet</h1><iframe id="karte" src="{embed_url}" style="width:480px;height:420px"></iframe>'
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """gunicorn on a free port with the prefix, plus an allowed and a foreign intranet origin."""
    data_dir = tmp_path_factory.mktemp("gunicorn-data")
    port = free_port()
    embed_url = f"http://{HOST}:{port}" + PREFIX + "embed?ebene=kreis"
    allowed, foreign = _intranet_server(embed_url), _intranet_server(embed_url)
    env = app_env(
        data_dir,
        LPR_GEO_URL_PREFIX=PREFIX,
        LPR_GEO_FRAME_ANCESTORS=f"'self' http://127.0.0.1:{allowed.server_port}",
        LPR_GEO_SECRET_KEY="test-secret",
    )
    command = ["gunicorn", "--workers", "2", "--bind", f"{HOST}:{PORT}", "dashboard.wsgi:server"]
    log = ARTIFACTS / "gunicorn.log"
    try:
        with start_server(command, env=env, log=log, ready=PREFIX + "healthz", port=port) as app:
            yield {
                "origin": app.url,
                "url": app.url + PREFIX,
                "allowed": f"http://127.0.0.1:{allowed.server_port}/",
                "foreign": f"http://127.0.0.1:{foreign.server_port}/",
                "contacts": contact_strings(f"sqlite:///{data_dir / 'register.sqlite'}"),
            }
    finally:
        allowed.shutdown()
        foreign.shutdown()


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_health_pages_and_headers_under_the_prefix(deployment):
    status, headers, body = get(deployment["url"] + "healthz")
    assert status == 200
    health = json.loads(body)
    assert health["database"] is True and health["dataset"].startswith("VG250 01.01.2016")

    status, headers, page = get(deployment["url"])
    assert status == 200
    assert f'src="{PREFIX}_dash-component-suites/' in page
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

    status, headers, embed = get(deployment["url"] + "embed?ebene=amt&legende=0")
    assert status == 200
    assert "X-Frame-Options" not in headers
    assert f"frame-ancestors 'self' {deployment['allowed'].rstrip('/')}" in headers["Content-Security-Policy"]
    assert f'src="{PREFIX}assets/plotly-lpr.min.js?v=' in embed  # the app's partial bundle, like the page's
    assert f"{PREFIX}geo/" in embed and f"{PREFIX}assets/topojson/" in embed
    assert "Ämter und amtsfreie Gemeinden" in embed and "Stand 01.01.2016" in embed
    assert '<details class="legende"><summary>' in embed  # legende=0: folded, still unfoldable

    # every response the views are built from is free of personal data
    layout = get(deployment["url"] + "_dash-layout")[2]
    for where, text in (("dashboard", page), ("layout", layout), ("embed", embed)):
        assert_no_personal_data(text, deployment["contacts"], where)
    # routes are not reachable beside the prefix's own paths by accident
    assert get(deployment["url"] + "export/karte.exe")[0] == 404


@pytest.mark.browser
def test_dashboard_under_prefix_draws_offline_and_offers_the_embed_code(browser, deployment):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    recorded = RecordedPage(context.new_page(), deployment["origin"])
    callback_bodies: list[str] = []
    recorded.page.on(
        "response",
        lambda r: "_dash-update-component" in r.url and r.ok and callback_bodies.append(r.text()),
    )
    page = recorded.page
    page.goto(deployment["url"] + "?ebene=amt")
    # the page's CSP forbids eval, so wait with locators rather than string predicates
    page.locator(".choroplethlocation").nth(199).wait_for(state="attached", timeout=40_000)
    assert page.locator(".choroplethlocation").count() == 200
    page.get_by_text("Einbetten / Export").click()
    code = page.locator("#einbetten-code")
    expect(code).to_have_value(re.compile("<iframe"))
    snippet = code.input_value()
    assert f'src="{deployment["url"]}embed?ebene=amt"' in snippet
    page.get_by_role("button", name="Legende aufgeklappt").click()
    expect(code).to_have_value(re.compile("legende=0"))
    svg_link = page.get_by_role("link", name="SVG")
    assert svg_link.get_attribute("href") == f"{PREFIX}export/karte.svg?ebene=amt"
    recorded.screenshot("deploy-dashboard-prefix")
    context.close()

    assert recorded.foreign == []
    assert recorded.console_errors == []  # includes Content-Security-Policy violations
    assert callback_bodies
    assert_no_personal_data("\n".join(callback_bodies), deployment["contacts"], "callbacks")


@pytest.mark.browser
def test_embed_is_responsive_down_to_320_px(browser, deployment):
    context = browser.new_context(viewport={"width": 320, "height": 400}, locale="de-DE")
    recorded = RecordedPage(context.new_page(), deployment["origin"])
    recorded.page.goto(deployment["url"] + "embed?kreis=12062")
    recorded.page.wait_for_selector("#karte[data-gezeichnet]", timeout=30_000)
    page = recorded.page
    assert page.locator(".choroplethlocation").count() > 10  # Elbe-Elster's Gemeinden
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no horizontal scrolling
    box = page.locator("#karte .main-svg").first.bounding_box()
    assert 300 <= box["width"] <= 320 and box["height"] >= 200
    text = page.inner_text("body")
    assert "Elbe-Elster" in text and "© GeoBasis-DE / BKG 2016" in text and "Beispieldaten" in text
    recorded.screenshot("deploy-embed-320")
    context.close()
    assert recorded.foreign == [] and recorded.console_errors == []


def _embedded_frame(page):
    return next(f for f in page.frames if f != page.main_frame)


@pytest.mark.browser
def test_allowed_origin_renders_the_embedded_map(browser, deployment):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(deployment["allowed"])
    frame = _embedded_frame(page)
    frame.wait_for_selector("#karte[data-gezeichnet]", timeout=30_000)
    assert frame.locator(".choroplethlocation").count() == 18
    page.screenshot(path="test-artifacts/deploy-iframe-allowed.png")
    context.close()
    assert errors == []


@pytest.mark.browser
def test_foreign_origin_is_refused_by_the_browser(browser, deployment):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(deployment["foreign"])
    # the browser refuses the frame and says why on the console
    if not any("frame-ancestors" in e for e in errors):
        page.wait_for_event("console", predicate=lambda msg: "frame-ancestors" in msg.text, timeout=30_000)
    frame = _embedded_frame(page)
    assert frame.locator(".choroplethlocation").count() == 0
    assert frame.evaluate("document.querySelectorAll('#karte').length") == 0  # an error page, not ours
    assert any("frame-ancestors" in e for e in errors), errors
    page.screenshot(path="test-artifacts/deploy-iframe-refused.png")
    context.close()
