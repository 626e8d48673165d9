"""The frame of the pages in headless Chromium: what the header offers follows the map page's view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_embed_code_and_downloads_follow_the_view(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.get_by_role("button", name="Kreise", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]ebene=kreis"))
    page.get_by_text("Einbetten / Export").click()
    expect(page.locator("#einbetten-code")).to_have_value(re.compile(r"/embed\?ebene=kreis"))
    expect(page.get_by_role("link", name="SVG")).to_have_attribute("href", "/export/karte.svg?ebene=kreis")
    page.go_back()  # back to the first view: the code follows as well
    page.wait_for_url(live_server + "/")
    expect(page.locator("#einbetten-code")).to_have_value(re.compile(r'/embed" '))
    assert page.get_by_role("button", name="Gemeinden", exact=True).get_attribute("aria-pressed") == "true"
    assert recorded_page.foreign == [] and recorded_page.console_errors == []
