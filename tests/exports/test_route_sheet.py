"""The Besuchsplan: one A4 page from ``lpr-geo route --pdf``, from the dashboard's "Als PDF", and printed."""

from __future__ import annotations

import pypdfium2
import pytest
import requests

from dashboard.route_sheet import MAP_HEIGHT, MAX_SUGGESTIONS, sheet_layout
from lpr_geo import MAX_STOPS, Boundaries
from tests.conftest import ARTIFACTS, RecordedPage
from tests.deploy.personal_data import assert_no_personal_data, contact_strings
from tests.exports.test_exports import assert_map_drawn

#: Elsterwerda (Mitarbeit zugesagt, a visit recorded) and Großräschen (not contacted) in the sample.
STOPS = ("12062124", "12066112")


def _max_stops() -> list[str]:
    """As many stops as a route may have, spread over the Land."""
    keys = sorted(Boundaries.bundled().layer("gemeinde", "land")["key"])
    return keys[:: len(keys) // MAX_STOPS][:MAX_STOPS]


def _pages(data: bytes) -> pypdfium2.PdfDocument:
    assert data.startswith(b"%PDF")
    return pypdfium2.PdfDocument(data)


def _save(pdf: pypdfium2.PdfDocument, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for i in range(len(pdf)):
        pdf[i].render(scale=1.3).to_pil().save(ARTIFACTS / f"{name}-{i + 1}.png")


def _assert_a4_portrait(pdf: pypdfium2.PdfDocument) -> None:
    width, height = pdf[0].get_size()
    assert abs(width - 595.3) < 3 and abs(height - 841.9) < 3


def test_the_layout_leaves_the_map_room_for_any_number_of_stops():
    for stops in range(1, MAX_STOPS + 1):
        height, shown = sheet_layout(stops, 50)
        assert MAP_HEIGHT[0] <= height <= MAP_HEIGHT[1] and 0 <= shown <= MAX_SUGGESTIONS
    assert sheet_layout(2, 50) == (MAP_HEIGHT[1], MAX_SUGGESTIONS)  # a short route: big map, all ideas
    assert sheet_layout(MAX_STOPS, 50)[1] < MAX_SUGGESTIONS  # a long one gives way


@pytest.mark.browser
def test_route_pdf_from_the_command_line_is_one_a4_page_with_the_sheet(cli, tmp_path):
    out = tmp_path / "besuchsplan.pdf"
    result = cli("route", *STOPS, "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Besuchsplan nach {out} geschrieben." in result.stdout
    assert "Elsterwerda" in result.stdout  # the text output is still there
    pdf = _pages(out.read_bytes())
    _save(pdf, "besuchsplan-cli")
    assert len(pdf) == 1
    _assert_a4_portrait(pdf)
    text = pdf[0].get_textpage().get_text_range()
    for expected in (
        "Besuchsplan",
        "Rundfahrt mit 2 Stationen",
        "Elsterwerda",
        "Großräschen",
        "Mitarbeit zugesagt seit 07.06.2021",  # a stop's status
        "07.06.2021 (Besuch)",  # its last contact
        "Nicht kontaktiert",
        "Rückfahrt zum Start",
        "In der Nähe, noch nicht im Netzwerk",
        "GeoBasis-DE",
    ):
        assert expected in text, expected
    assert_no_personal_data(text, contact_strings(cli.db_url), "Besuchsplan (PDF)")
    assert_map_drawn(pdf[0].render(scale=1, rev_byteorder=True).to_numpy())


def test_route_pdf_refuses_unknown_keys_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "x.pdf"
    result = cli("route", "99999999", "--pdf", str(out))
    assert result.returncode == 1 and "99999999" in result.stderr
    assert not out.exists()


@pytest.mark.browser
def test_the_dashboards_pdf_of_the_longest_route_is_one_page(live_server, live_data_dir):
    stops = ",".join(_max_stops())
    answer = requests.get(f"{live_server}/export/besuchsplan.pdf?stopps={stops}", timeout=180)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/pdf"
    assert "besuchsplan-" in answer.headers["Content-Disposition"]
    pdf = _pages(answer.content)
    _save(pdf, "besuchsplan-25")
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert f"Rundfahrt mit {MAX_STOPS} Stationen" in text and "Gesamt" in text
    assert_no_personal_data(text, contact_strings(f"sqlite:///{live_data_dir / 'register.sqlite'}"), "PDF")
    assert requests.get(f"{live_server}/export/besuchsplan.pdf", timeout=30).status_code == 404


@pytest.mark.browser
def test_drucken_opens_the_sheet_which_prints_itself_on_one_page(browser, live_server):
    """The dashboard's "Drucken" links to the sheet; the sheet asks to print once drawn; printed, one page.

    The CSP is enforced here (no bypass): the sheet's scripts must be the app's allowed ones.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.set_default_timeout(60_000)
    # stands in for the print dialog (injected by the browser, not the page: the CSP does not apply)
    context.add_init_script(
        "window.print = () => document.documentElement.setAttribute('data-gedruckt', '1')"
    )
    dashboard = RecordedPage(context.new_page(), live_server)
    dashboard.page.goto(f"{live_server}/?stopps={','.join(_max_stops())}")
    # scrolled to as a user would: the section may load only when it comes near the screen
    dashboard.page.locator("#besuchsplanung").scroll_into_view_if_needed()
    link = dashboard.page.locator("#route-drucken")
    dashboard.page.locator("#route-drucken[href*='stopps=']").wait_for()
    assert link.get_attribute("target") == "_blank" and link.inner_text() == "Drucken"
    href = link.get_attribute("href")
    assert href.startswith("/besuchsplan?") and "drucken=1" in href
    assert dashboard.page.locator("#route-pdf").get_attribute("href").startswith("/export/besuchsplan.pdf?")

    sheet = RecordedPage(context.new_page(), live_server)
    sheet.page.goto(live_server + href)
    sheet.page.wait_for_selector("#karte[data-gezeichnet]")
    sheet.page.wait_for_selector("html[data-gedruckt='1']")
    assert sheet.page.locator("#karte .choroplethlocation").count() == 417  # the Gemeinden, drawn
    assert sheet.page.locator("#karte .scattergeo text").filter(has_text="25").count() == 1  # numbered
    sheet.page.emulate_media(media="print")
    printed = _pages(sheet.page.pdf(prefer_css_page_size=True, print_background=True))
    _save(printed, "besuchsplan-gedruckt")
    context.close()
    assert len(printed) == 1
    _assert_a4_portrait(printed)
    assert "Besuchsplan" in printed[0].get_textpage().get_text_range()
    assert sheet.foreign == [] and sheet.console_errors == [] and dashboard.console_errors == []
