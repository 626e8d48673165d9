"""The dashboard driven as a user drives it, in real headless Chromium against `lpr-geo serve`."""

import datetime as dt
import re

import pytest

from lpr_geo.boundaries import load_layer
from tests.conftest import show_part

pytestmark = pytest.mark.browser

REGION_PATHS = ".choroplethlocation"


def open_dashboard(recorded, url, query=""):
    page = recorded.page
    page.goto(url + "/" + query)
    page.wait_for_function(f"document.querySelectorAll('{REGION_PATHS}').length > 0", timeout=30_000)
    page.wait_for_selector("#karten-zusammenfassung:has-text('Stand')", timeout=30_000)
    return page


def region_count(page, n):
    page.wait_for_function(f"document.querySelectorAll('{REGION_PATHS}').length === {n}", timeout=20_000)


def assert_clean(recorded):
    assert recorded.foreign == [], recorded.foreign
    assert recorded.console_errors == [], recorded.console_errors


def test_level_switch_redraws_the_map(recorded_page, live_server):
    page = open_dashboard(recorded_page, live_server)
    region_count(page, 417)
    page.get_by_role("button", name="Kreise", exact=True).click()
    region_count(page, 18)
    assert "ebene=kreis" in page.url
    show_part(page, "luecken")
    # the Kreise's population comes with its source, unlike the Gemeinden's (not imported here)
    page.locator("#luecken-einwohner").get_by_text("Einwohner: Kreisebene, Stand 31.12.2018").wait_for()
    # areas in German notation, thousands included: a Landkreis has more than 1.000 km²
    page.wait_for_function(
        "[...document.querySelectorAll('#luecken-tabelle [col-id=area_km2].ag-cell')]"
        ".some(c => /^[0-9]{1,3}[.][0-9]{3},[0-9]$/.test(c.textContent))",
        timeout=10_000,
    )
    assert page.get_by_role("button", name="Kreise", exact=True).get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Ämter", exact=True).click()
    region_count(page, 200)
    # the legend counts add up to the regions shown
    counts = [int(n) for n in re.findall(r"\((\d+)\)", page.inner_text("#legende"))]
    assert sum(counts) == 200
    recorded_page.screenshot("dashboard-aemter")
    assert_clean(recorded_page)


def test_search_elsterwerda_zooms_and_shows_detail_then_map_click(recorded_page, live_server):
    page = open_dashboard(recorded_page, live_server)
    page.get_by_label("Gemeinde suchen").fill("Elsterwrda")  # typo on purpose
    page.get_by_role("button", name="Elsterwerda (Elbe-Elster)").click()
    detail = page.locator("#detail")
    detail.get_by_text("Elsterwerda", exact=True).wait_for()
    assert "Elbe-Elster" in detail.inner_text()
    assert "Mitarbeit zugesagt seit 07.06.2021" in detail.inner_text()
    assert "kreis=12062" in page.url and "region=12062124" in page.url
    # zoomed to Elbe-Elster at Kreis detail: only its Gemeinden are drawn
    elbe_elster = load_layer("gemeinde", "kreis").query("kreis_key == '12062'").reset_index(drop=True)
    region_count(page, len(elbe_elster))
    recorded_page.screenshot("dashboard-elsterwerda")

    # click a neighbouring Gemeinde on the map and read its detail
    index = int(elbe_elster.index[elbe_elster["key"] == "12062024"][0])
    box = page.locator(REGION_PATHS).nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    detail.get_by_text("Bad Liebenwerda", exact=True).wait_for()
    assert "region=12062024" in page.url
    assert_clean(recorded_page)


def test_gap_list_filter_and_three_stop_route(recorded_page, live_server):
    page = open_dashboard(recorded_page, live_server)
    show_part(page, "luecken")
    show_part(page, "besuchsplanung")
    grid = page.locator("#luecken-tabelle")
    grid.locator(".ag-row").first.wait_for()
    # AG Grid speaks German throughout (its own texts come from assets/ag_grid_de.js)
    paging = grid.locator(".ag-paging-panel").inner_text()
    assert "Zeilen je Seite" in paging and "Seite 1 von" in paging, paging
    assert not re.search(r"Page|Size|\bto\b|\bof\b", paging), paging
    # without imported Gemeinde population the list says why "Einwohner" is empty
    assert "noch nicht importiert" in page.inner_text("#luecken-einwohner")
    page.get_by_label("Schnellsuche").fill("Elbe-Elster")
    page.wait_for_function(
        "() => { const cells = [...document.querySelectorAll('#luecken-tabelle .ag-center-cols-container "
        "[col-id=kreis_name]')]; return cells.length > 0 && cells.every(c => c.textContent === 'Elbe-Elster'); }",
        timeout=10_000,
    )
    checkboxes = grid.locator(".ag-pinned-left-cols-container .ag-row input.ag-checkbox-input")
    for i in range(3):
        checkboxes.nth(i).check()
        # like a user, wait until the selection shows (highlighted on the map, kept in the URL)
        page.wait_for_function(
            f"(new URLSearchParams(location.search).get('auswahl') || '').split(',').length === {i + 1}"
        )
    page.get_by_role("button", name="Auswahl zur Besuchsplanung").click()
    caption = page.locator("#route-ergebnis caption")
    caption.wait_for()
    assert re.search(r"Rundfahrt mit 3 Stationen: [\d.,]+ km", caption.inner_text())
    assert len(page.locator("#route-ergebnis tbody tr").all()) == 4  # start -> 3 stops -> start
    # the route is drawn on the map: start, 3 numbered stops, back to start
    page.wait_for_function(
        "document.getElementById('karte')?.querySelector('.js-plotly-plot')?.data?.[3]?.lon?.length === 5"
    )
    recorded_page.screenshot("dashboard-route")
    assert_clean(recorded_page)


def test_a_26th_stop_is_not_added_and_the_page_says_so(recorded_page, live_server):
    keys = [k for k in load_layer("gemeinde", "land")["key"] if k != "12062124"][:25]
    page = open_dashboard(recorded_page, live_server, "?stopps=" + ",".join(keys))
    show_part(page, "besuchsplanung")
    caption = page.locator("#route-ergebnis caption")
    caption.get_by_text("Rundfahrt mit 25 Stationen", exact=False).wait_for()
    page.get_by_label("Gemeinde suchen").fill("Elsterwerda")
    page.get_by_role("button", name="Elsterwerda (Elbe-Elster)").click()
    page.locator("#detail").get_by_text("Elsterwerda", exact=True).wait_for()
    page.get_by_role("button", name="Zur Besuchsplanung hinzufügen").click()
    message = page.locator("#eingabe-hinweis")
    message.get_by_text("Höchstens 25 Stationen je Route; »Elsterwerda« wurde nicht hinzugefügt.").wait_for()
    assert "Rundfahrt mit 25 Stationen" in caption.inner_text()
    assert "12062124" not in (page.evaluate("new URLSearchParams(location.search).get('stopps')") or "")
    assert_clean(recorded_page)


def test_date_change_redraws_and_back_restores(recorded_page, live_server):
    page = open_dashboard(recorded_page, live_server)
    summary = page.locator("#karten-zusammenfassung")
    today = dt.date.today().strftime("%d.%m.%Y")
    assert f"Stand {today}" in summary.inner_text()
    page.get_by_label("Stand am").fill("01.01.2021")
    page.get_by_label("Stand am").press("Enter")
    page.wait_for_function(
        "document.getElementById('karten-zusammenfassung')?.textContent.includes('01.01.2021')"
    )
    assert "stand=2021-01-01" in page.url
    page.wait_for_selector("#kennzahlen .cards-scope:has-text('01.01.2021')")
    members_then = page.locator("#kennzahlen .card-value").first.inner_text()
    page.go_back()
    page.wait_for_function(
        f"document.getElementById('karten-zusammenfassung')?.textContent.includes('{today}')"
    )
    page.wait_for_selector(f"#kennzahlen .cards-scope:has-text('{today}')")
    members_now = page.locator("#kennzahlen .card-value").first.inner_text()
    assert int(members_then) < int(members_now)
    assert "stand=" not in page.url
    assert_clean(recorded_page)


def test_shared_link_reproduces_the_view(recorded_page, live_server):
    page = open_dashboard(
        recorded_page, live_server, "?ebene=amt&kreis=12062&stand=2023-06-30&region=120625111"
    )
    elbe_elster_amt = load_layer("amt", "kreis").query("kreis_key == '12062'")
    region_count(page, len(elbe_elster_amt))
    assert "30.06.2023" in page.inner_text("#karten-zusammenfassung")
    assert page.get_by_role("button", name="Ämter", exact=True).get_attribute("aria-pressed") == "true"
    assert page.get_by_label("Kreis", exact=True).input_value() == "Elbe-Elster"
    assert_clean(recorded_page)


def test_kreis_by_typing_and_bad_date_gets_a_german_message(recorded_page, live_server):
    page = open_dashboard(recorded_page, live_server)
    page.get_by_label("Kreis", exact=True).fill("Uckermark")
    page.get_by_label("Kreis", exact=True).press("Enter")
    uckermark = load_layer("gemeinde", "kreis").query("kreis_key == '12073'")
    region_count(page, len(uckermark))
    assert "kreis=12073" in page.url
    page.get_by_label("Stand am").fill("31.02.2021")
    page.get_by_label("Stand am").press("Enter")
    page.wait_for_selector("#eingabe-hinweis:has-text('kein Datum')")
    assert "stand=" not in page.url
    page.get_by_label("Kreis", exact=True).fill("Atlantis")
    page.get_by_label("Kreis", exact=True).press("Enter")
    page.wait_for_selector("#eingabe-hinweis:has-text('Atlantis')")
    assert "kreis=12073" in page.url
    assert_clean(recorded_page)


def test_malformed_url_parameters_fall_back_to_defaults(recorded_page, live_server):
    page = open_dashboard(
        recorded_page, live_server, "?ebene=<script>&kreis=99999&stand=gestern&stopps=abc,1"
    )
    region_count(page, 417)
    # the page says what it could not use, as text (the script tag is shown, not run)
    message = page.locator("#eingabe-hinweis")
    message.get_by_text("Kreis »99999« ist unbekannt", exact=False).wait_for()
    text = message.inner_text()
    assert "Ebene »<script>« ist unbekannt" in text and "Datum »gestern«" in text, text
    assert "2 Einträge in »stopps«" in text, text
    assert_clean(recorded_page)


def test_fast_typing_keeps_every_character(recorded_page, live_server):
    """Typed without pauses, as a fast typist or a barcode scanner does (Dash 4.4's debounce scrambled it)."""
    page = open_dashboard(recorded_page, live_server)
    page.focus("#suche")
    page.keyboard.type("Elsterwerda")
    page.wait_for_selector("#suche-treffer button:has-text('Elsterwerda')")
    assert page.input_value("#suche") == "Elsterwerda"
    for field_id, text, in_url in (
        ("#stand", "01.06.2021", "stand=2021-06-01"),
        ("#kreis", "Elbe-Elster", "kreis=12062"),
    ):
        field = page.locator(field_id)
        field.fill("")
        field.focus()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.wait_for_function(f"location.search.includes('{in_url}')")  # the view took the value
        assert field.input_value() == text
    assert_clean(recorded_page)
