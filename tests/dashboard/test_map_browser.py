"""The first dashboard in a real headless Chromium: the map draws, offline, from its own origin only."""

import pytest

pytestmark = pytest.mark.browser


def test_map_of_gemeinden_draws_without_foreign_requests(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_function("document.querySelectorAll('.choroplethlocation').length === 417", timeout=30_000)
    # Kreis names as labels over the map
    page.wait_for_selector("text:has-text('Elbe-Elster')")
    recorded_page.screenshot("dashboard-map")

    assert recorded_page.foreign == []
    assert any("topojson" in url for url in recorded_page.requests)  # served by the app, not the CDN
    assert recorded_page.console_errors == []
    footer = page.inner_text("footer.site")
    assert "© GeoBasis-DE / BKG 2016" in footer
    assert "01.01.2016" in footer
    assert page.get_attribute("html", "lang") == "de"


def test_map_fills_its_card_and_shows_statuses_in_colour(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_function("document.querySelectorAll('.choroplethlocation').length === 417", timeout=30_000)
    page.wait_for_selector("#legende li")
    box = page.locator("#karte .geolayer").bounding_box()
    assert box["height"] > 450  # the map fills its card, not a small inset
    fills = page.eval_on_selector_all(".choroplethlocation", "els => els.map(e => getComputedStyle(e).fill)")
    # the sample register shows several statuses, "not contacted" the most frequent
    assert len(set(fills)) >= 5
    assert max(set(fills), key=fills.count) == "rgb(230, 234, 238)"


def test_hover_shows_name_and_kreis(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_function("document.querySelectorAll('.choroplethlocation').length === 417", timeout=30_000)
    # the first region is Brandenburg an der Havel, a kreisfreie Stadt: its own Kreis, so no Kreis line
    # and its Destatis figure as its own population, not as "Kreis 72.124"
    box = page.locator(".choroplethlocation").nth(0).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
    text = page.text_content(".hoverlayer")
    assert "Brandenburg an der Havel" in text and "Kreis" not in text and "Einwohner: 72.124" in text
    box = page.locator(".choroplethlocation").nth(416).bounding_box()  # a Gemeinde of a Landkreis
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.querySelector('.hoverlayer').textContent.includes('Kreis: ')")
