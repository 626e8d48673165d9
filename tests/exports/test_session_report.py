"""The Sitzungsbericht: ``lpr-geo report`` and the dashboard's link, read back page by page."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
import requests

from dashboard.services import Services
from dashboard.session_report import build_report, page
from lpr_geo import Boundaries, ensure_sample_register, load_settings, status_changes
from tests.conftest import ARTIFACTS, RecordedPage
from tests.deploy.personal_data import assert_no_personal_data, contact_strings
from tests.exports.test_exports import assert_map_drawn


def _texts(data: bytes, name: str) -> list[str]:
    assert data.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(data)
    ARTIFACTS.mkdir(exist_ok=True)
    for i in range(len(pdf)):
        pdf[i].render(scale=1.3).to_pil().save(ARTIFACTS / f"{name}-{i + 1}.png")
        width, height = pdf[i].get_size()
        assert abs(width - 595.3) < 3 and abs(height - 841.9) < 3  # A4 portrait, every page
    assert_map_drawn(pdf[0].render(scale=1, rev_byteorder=True).to_numpy())
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def test_status_changes_of_a_period_with_the_status_before(tmp_path):
    settings = load_settings(environ={"LPR_GEO_DATA_DIR": str(tmp_path)})
    engine = ensure_sample_register(settings, Boundaries.bundled())
    network = "AG 4 Vernetzungsgremium Kriminalprävention vor Ort"
    changes = status_changes(engine, network, dt.date(2025, 6, 1), dt.date(2025, 12, 31))
    guben = changes[changes["name"] == "Guben"].iloc[0]
    assert (guben["previous"], guben["status"], guben["effective_date"]) == (
        "member",
        "left",
        dt.date(2025, 6, 30),
    )
    first = changes[changes["name"] == "Spremberg"].iloc[0]
    assert first["previous"] == "not_contacted"  # its first event
    assert changes["effective_date"].between(dt.date(2025, 6, 2), dt.date(2025, 12, 31)).all()
    assert list(changes["effective_date"]) == sorted(changes["effective_date"])
    assert status_changes(engine, network, dt.date(2025, 6, 30), dt.date(2025, 7, 1)).empty  # after "since"


@pytest.mark.browser
def test_a_long_period_keeps_the_latest_changes_and_asks_for_nothing_but_itself(cli, browser, tmp_path):
    # since the founding: more changes than listed, so the report has 4 pages and keeps the latest
    out = tmp_path / "seit-gruendung.pdf"
    result = cli("report", str(out), "--since", "2020-02-20", "--until", "2026-01-31")
    assert result.returncode == 0, result.stderr
    pages = _texts(out.read_bytes(), "sitzungsbericht-seit-gruendung")
    assert len(pages) == 4 and "früheren Statusänderungen" in pages[2]
    assert "13.01.2026" in pages[3] and "Quellen" in pages[3]  # the latest change, then the sources

    # the page it is rendered from asks for nothing but itself (plotly.js, geometry, base map inlined)
    settings = load_settings(environ={"LPR_GEO_DATA_DIR": str(tmp_path)})
    boundaries = Boundaries.bundled()
    services = Services(ensure_sample_register(settings, boundaries), boundaries, geometry_url=lambda *_: "")
    source = tmp_path / "bericht.html"
    source.write_text(
        page(build_report(services, services.networks()[0], dt.date(2025, 6, 1), dt.date(2026, 1, 31)))
    )
    context = browser.new_context(viewport={"width": 793, "height": 1122}, offline=True)
    recorded = RecordedPage(context.new_page(), "file://")
    recorded.page.goto(source.as_uri())
    recorded.page.wait_for_selector("#karte[data-gezeichnet]", timeout=60_000)
    drawn = recorded.page.locator("#entwicklung .scatterlayer .trace").count()
    context.close()
    assert recorded.requests == [source.as_uri()] and recorded.console_errors == []
    assert drawn == 2  # the growth chart's two lines


@pytest.mark.browser
def test_report_from_the_command_line(cli, tmp_path):
    out = tmp_path / "bericht.pdf"
    result = cli("report", str(out), "--since", "2025-06-01", "--until", "2026-02-28")
    assert result.returncode == 0, result.stderr
    pages = _texts(out.read_bytes(), "sitzungsbericht-cli")
    assert 2 <= len(pages) <= 4
    first, text = pages[0], "\n".join(pages)
    assert "Sitzungsbericht" in first and "Berichtszeitraum 01.06.2025 bis 28.02.2026" in first
    assert "am 01.06.2025" in first and "am 28.02.2026" in first and "Gemeinden im Netzwerk" in first
    assert "Karte am 28.02.2026" in first and "Nicht kontaktiert" in first  # map and its legend
    for expected in (
        "Entwicklung seit der Gründung",
        "Kreise und kreisfreie Städte",
        "Elbe-Elster",
        "Änderungen im Berichtszeitraum",
        "Ausgetreten: Guben.",
        "Kleinmachnow",  # requested on 03.02.2026
        "Quellen",
        "GeoBasis-DE",
        "Beispieldaten",
    ):
        assert expected in text, expected
    assert_no_personal_data(text, contact_strings(cli.db_url), "Sitzungsbericht")


def test_report_refuses_a_period_before_the_founding_or_in_the_future(cli, tmp_path):
    out = tmp_path / "x.pdf"
    result = cli("report", str(out), "--since", "2019-01-01")
    assert result.returncode != 0 and "20.02.2020" in result.stderr
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = cli("report", str(out), "--since", "2025-01-01", "--until", tomorrow)
    assert result.returncode != 0 and "nach heute" in result.stderr
    assert not out.exists()


@pytest.mark.browser
def test_the_dashboards_report_link(recorded_page, live_server, live_data_dir):
    page = recorded_page.page
    page.goto(f"{live_server}/?stand=2026-01-31")
    page.locator("#entwicklung-titel").scroll_into_view_if_needed()  # as a user would (it may load late)
    link = page.locator("#bericht-pdf[href*='seit=']")
    link.wait_for()
    assert "seit=2025-08-02" in link.get_attribute("href")  # half a year before the view's date
    page.fill("#bericht-seit", "04.12.2025")
    page.locator("#bericht-pdf[href*='seit=2025-12-04']").wait_for()
    assert "Berichtszeitraum 04.12.2025 bis 31.01.2026" in page.inner_text("#bericht-hinweis")
    href = link.get_attribute("href")
    page.fill("#bericht-seit", "31.02.2025")
    page.locator("#bericht-pdf:not([href])").wait_for()
    assert "kein gültiges Datum" in page.inner_text("#bericht-hinweis")

    answer = requests.get(live_server + href, timeout=180)
    assert answer.status_code == 200, answer.text
    assert "sitzungsbericht-2025-12-04-bis-2026-01-31.pdf" in answer.headers["Content-Disposition"]
    pages = _texts(answer.content, "sitzungsbericht-dashboard")
    assert 2 <= len(pages) <= 4 and "Berichtszeitraum 04.12.2025 bis 31.01.2026" in pages[0]
    db = f"sqlite:///{live_data_dir / 'register.sqlite'}"
    assert_no_personal_data("\n".join(pages), contact_strings(db), "Sitzungsbericht")
    refused = requests.get(
        f"{live_server}/export/sitzungsbericht.pdf?seit=2026-01-31&bis=2025-01-01", timeout=30
    )
    assert refused.status_code == 400 and "Zeitraum" in refused.text
