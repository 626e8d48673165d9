"""The gap list as the commissioner uses it, in real headless Chromium against `lpr-geo serve`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, show_part

pytestmark = pytest.mark.browser

ON = "2026-12-01"  # the sample register's dates are fixed; so is the date of the list
GRID = "#luecken-tabelle"

# every header label of the grid: its text fits its width (no ellipsis) and no word is broken across
# lines (as many lines at most as it has words)
CUT_HEADERS = """() => [...document.querySelectorAll(
    '#luecken-tabelle .ag-header-cell-text')]
  .filter(e => e.textContent.trim())
  .map(e => {
    const lines = Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight));
    return [e.textContent, e.scrollWidth > e.clientWidth, lines, e.textContent.trim().split(/\\s+/).length];
  })
  .filter(([, cut, lines, words]) => cut || lines > words)"""


def cell(page, row: int, column: str) -> str:
    return page.locator(f"{GRID} .ag-row[row-index='{row}'] [col-id='{column}']").first.inner_text()


def lpr_geo(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LPR_GEO_DATA_DIR": str(data_dir)}
    env.pop("LPR_GEO_DB", None)
    return subprocess.run(
        [str(Path(sys.executable).parent / "lpr-geo"), *args], capture_output=True, env=env, check=True
    )


def test_the_ranked_list_explains_itself_and_exports_what_the_command_writes(
    recorded_page, live_server, live_data_dir, tmp_path
):
    page = recorded_page.page
    page.goto(f"{live_server}/?stand={ON}")
    show_part(page, "luecken")
    page.locator(f"{GRID} .ag-row[row-index='0'] [col-id='reason']").wait_for()

    key = page.locator("#luecken-legende")
    assert key.is_visible()
    assert key.inner_text().startswith(
        "Priorität = Einwohner + Stadt + Netzwerk nebenan + Kreis ohne Mitglied + nie kontaktiert; "
        "zurückgestellt: Kontakt in den letzten 180 Tagen"
    )
    top = [(cell(page, i, "rank"), cell(page, i, "name"), cell(page, i, "priority")) for i in range(3)]
    assert top[:2] == [("1", "Brandenburg an der Havel", "72,4"), ("2", "Frankfurt (Oder)", "72,2")], top
    assert cell(page, 0, "reason") == (
        "kreisfreie Stadt, 72.124 Einwohner, nächstes Mitglied 27 km, Kreis ohne Mitglied, nie kontaktiert"
    )
    assert "Einwohnerzahl unbekannt" in cell(page, 2, "reason")
    # the parts sit next to the priority, visible without scrolling, with headers that are not cut
    for part in ("score_population", "score_network", "score_never_contacted"):
        assert page.locator(f"{GRID} .ag-row[row-index='0'] [col-id='{part}']").is_visible()
    assert page.evaluate(CUT_HEADERS) == []
    section = page.locator("#luecken").locator("xpath=..")
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "gap-list.png"))

    # the figures council members see: the population card says what the command says, no command lines
    coverage = lpr_geo(live_data_dir, "coverage", "--date", ON).stdout.decode()
    sentence = next(line for line in coverage.splitlines() if line.startswith("Bevölkerung im Netzwerk: "))
    card = page.locator(".figure-card", has_text="Bevölkerung im Netzwerk")
    assert card.locator(".card-detail").inner_text() == sentence.removeprefix("Bevölkerung im Netzwerk: ")
    assert "lpr-geo" not in page.inner_text("body")

    # the download is the command's file, byte for byte
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV herunterladen").click()
    saved = tmp_path / "dashboard.csv"
    download.value.save_as(saved)
    command = tmp_path / "command.csv"
    lpr_geo(live_data_dir, "gaps", "--date", ON, "--csv", str(command))
    assert saved.read_bytes() == command.read_bytes()

    # regions that declined come back with the filter, with the day they may be asked again
    rows_before = page.locator(f"{GRID} .ag-paging-panel").inner_text()
    toggle = page.get_by_role("button", name="Auch »Kein Interesse« und »Ausgetreten« zeigen")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    page.wait_for_function(f"document.querySelector('{GRID} .ag-paging-panel').innerText !== {rows_before!r}")
    page.get_by_label("Schnellsuche").fill("erneut ansprechen ab")
    page.wait_for_function(
        f"(() => {{ const cells = [...document.querySelectorAll('{GRID} .ag-center-cols-container "
        "[col-id=reason]')]; return cells.length > 0 && cells.every(c => c.textContent.includes('erneut "
        "ansprechen ab')); })()"
    )
    assert toggle.get_attribute("aria-pressed") == "true"
    statuses = page.locator(f"{GRID} .ag-center-cols-container [col-id='status_label']").all_inner_texts()
    assert sorted(statuses) == ["Ausgetreten", "Kein Interesse"], statuses
    shown = page.locator(f"{GRID} .ag-center-cols-container [col-id='reason']").all_inner_texts()
    assert any(
        r.endswith("Kein Interesse seit 27.05.2025, erneut ansprechen ab 27.05.2027") for r in shown
    ), shown
    section.screenshot(path=str(ARTIFACTS / "gap-list-declined.png"))
    assert recorded_page.foreign == [] and recorded_page.console_errors == []
