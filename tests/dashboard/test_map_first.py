"""Map first (issue 18): what lies below the first screen loads when it comes near the screen."""

from __future__ import annotations

import pytest

from dashboard import deferred
from tests.conftest import show_part

pytestmark = pytest.mark.browser

AG_GRID_CHUNK = "/dash_ag_grid/async-community.js"


def test_the_lists_and_charts_below_the_map_load_only_when_scrolled_to(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_function("document.querySelectorAll('.choroplethlocation').length === 417")
    page.wait_for_load_state("networkidle")  # whatever the first screen asks for has arrived

    # off-screen at 1280 x 900: the placeholders with their headings (the header's links still find them)
    for part, heading in (("luecken", "Noch nicht im Netzwerk"), ("kreise", "Kreise im Überblick")):
        placeholder = page.locator(f"#{deferred.box_id(part)} .{deferred.PART_CLASS}")
        assert placeholder.count() == 1, part
        assert placeholder.locator("h2").inner_text() == heading
    assert page.locator(".ag-root").count() == 0
    assert [url for url in recorded_page.requests if AG_GRID_CHUNK in url] == []

    # following the header's link brings the gap list, with its rows and the grid's script
    page.get_by_role("link", name="Noch nicht im Netzwerk").click()
    page.locator("#luecken-tabelle .ag-row").first.wait_for()
    assert [url for url in recorded_page.requests if AG_GRID_CHUNK in url] != []
    # the map's text alternative loads when opened
    show_part(page, "kartentabelle")
    page.locator("#karten-tabelle .ag-row").first.wait_for()
    assert recorded_page.console_errors == [] and recorded_page.foreign == []
