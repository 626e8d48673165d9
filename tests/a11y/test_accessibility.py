"""Accessibility (BITV 2.0 / WCAG 2.1 AA): axe-core on every page, keyboard-only use, text alternatives."""

import pytest

from dashboard.pages import DEFERRED_PARTS
from lpr_geo.coverage import coverage_figures, coverage_tables, load_layers
from lpr_geo.register import make_engine, status_events
from tests.a11y.axe import serious_violations
from tests.conftest import RecordedPage, show_part

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": "/",
    "dashboard-gemeinde-detail": "/?region=12062124&kreis=12062&stopps=12062124,12062024",
    "statement": "/barrierefreiheit",
    "embed": "/embed?ebene=kreis&stand=2024-06-30",
    "embed-without-legend": "/embed?kreis=12062&legende=0",
}


@pytest.fixture
def axe_page(browser, live_server):
    """A recorded page whose Content-Security-Policy lets the test inject axe-core (and nothing else)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(60_000)
    yield RecordedPage(context.new_page(), live_server)
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_axe_violations(axe_page, live_server, name):
    page = axe_page.page
    page.goto(live_server + PAGES[name])
    if name.startswith("embed"):
        page.wait_for_selector(".choroplethlocation", timeout=30_000)
    if name.startswith("dashboard"):
        page.wait_for_selector("#karten-zusammenfassung:has-text('Stand')", timeout=30_000)
        for part in DEFERRED_PARTS:  # every part that loads after the map is checked too
            show_part(page, part)
        page.wait_for_selector("#luecken-tabelle .ag-row", timeout=30_000)
        # the sections filled after the map (the scope it publishes): the Kreis table and the time line
        page.wait_for_selector("#kreis-tabelle .ag-row", timeout=30_000)
        page.wait_for_selector("#entwicklung .scatterlayer .trace", timeout=30_000)
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)
    assert page.get_attribute("html", "lang") == "de"
    assert axe_page.foreign == []


def test_keyboard_only_selects_a_gemeinde_and_reads_its_detail(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_selector("#karten-zusammenfassung:has-text('Stand')", timeout=30_000)
    # the skip link is the first stop of the tab order and moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    focused_search = False
    for _ in range(40):  # tab through the controls to the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "suche":
            focused_search = True
            break
    assert focused_search, "search field not reachable by Tab"
    page.keyboard.type("Elsterwerda")
    page.wait_for_selector("#suche-treffer button")
    page.keyboard.press("Tab")
    assert "Elsterwerda" in page.evaluate("document.activeElement.textContent")
    # the focus ring is visible
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.locator("#detail").get_by_text("Elsterwerda", exact=True).wait_for()
    assert "Mitarbeit zugesagt" in page.inner_text("#detail")
    assert recorded_page.console_errors == []


def test_text_summary_matches_the_engine(recorded_page, live_server, live_data_dir):
    page = recorded_page.page
    page.goto(live_server + "/?ebene=amt")
    summary = page.locator("#karten-zusammenfassung")
    page.wait_for_function("document.getElementById('karten-zusammenfassung')?.textContent.includes('Ämter')")
    # the engine on the same register (the server's embedded SQLite file)
    engine = make_engine(f"sqlite:///{live_data_dir / 'register.sqlite'}")
    tables = coverage_tables(load_layers(), status_events(engine))
    amt = tables.table("amt")
    expected = f"{int(amt['covered'].sum())} von {len(amt)} Ämtern und amtsfreien Gemeinden in Brandenburg"
    assert expected in summary.inner_text()
    figures = coverage_figures(tables)
    # the cards follow the map (they are computed once the map has answered)
    expected_cards = f"{figures.total.gemeinden_covered} von {figures.total.gemeinden}"
    page.locator("#kennzahlen").get_by_text(expected_cards).wait_for()


def test_map_table_lists_every_region_and_selects_by_keyboard(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/?ebene=kreis")
    page.wait_for_selector("#karten-zusammenfassung:has-text('Kreise')", timeout=30_000)
    show_part(page, "kartentabelle")
    grid = page.locator("#karten-tabelle")
    grid.locator(".ag-row").first.wait_for()
    assert (
        "18 von 18" in grid.inner_text() or len(grid.locator(".ag-center-cols-container .ag-row").all()) == 18
    )
    grid.locator(".ag-center-cols-container .ag-row").first.locator(".ag-cell").first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("location.search.includes('region=')")
    assert page.locator("#detail h3").inner_text()


@pytest.mark.parametrize("path", ["/", "/barrierefreiheit"])
def test_reflows_at_320_px_without_horizontal_scrolling(browser, live_server, path):
    """WCAG 1.4.10: 320 CSS px wide (= 1280 px at 400 % zoom) needs no sideways scrolling."""
    context = browser.new_context(viewport={"width": 320, "height": 720}, bypass_csp=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(live_server + path)
    if path == "/":
        page.wait_for_selector(".choroplethlocation")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    context.close()
    assert widths[0] <= widths[1], widths
