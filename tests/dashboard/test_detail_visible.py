"""The detail panel comes into view when a region is chosen, also on a narrow screen (real Chromium)."""

from __future__ import annotations

import pytest

IN_VIEW = """() => {
    const card = document.getElementById('detail').closest('section');
    const box = card.getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight - 100;
}"""


@pytest.mark.browser
def test_a_chosen_region_brings_its_detail_panel_into_view_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 400, "height": 800}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(live_server)
        page.wait_for_selector("#detail p.hint")
        assert not page.evaluate(IN_VIEW)  # under the map: out of sight at first
        page.get_by_label("Gemeinde suchen").fill("Bad Liebenwerda")
        page.get_by_role("button", name="Bad Liebenwerda (Elbe-Elster)").click()
        page.wait_for_selector("#detail h3:has-text('Bad Liebenwerda')")
        page.wait_for_function(IN_VIEW)
        page.screenshot(path="test-artifacts/detail-on-a-phone.png")
    finally:
        context.close()


@pytest.mark.browser
def test_a_gemeinde_in_a_member_landkreis_says_so_beside_the_map(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(live_server + "/?region=12063036")  # Brieselang, Havelland: not contacted itself
        page.wait_for_selector("#detail p:has-text('Landkreis Havelland ist Mitglied seit 15.04.2021')")
        assert page.evaluate(IN_VIEW)  # beside the map
        page.screenshot(path="test-artifacts/detail-kreis-membership.png")
        assert "Über Amt im Netzwerk" in page.locator("#legende").inner_text()
    finally:
        context.close()
