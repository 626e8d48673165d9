"""``lpr-geo export`` as a user runs it (subprocess), and the files opened offline in headless Chromium."""

from __future__ import annotations

import fcntl
import io
import os
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pypdfium2
import pytest
import requests
from PIL import Image

from dashboard.exports import render_lock
from dashboard.palette import CATEGORIES
from tests.conftest import ARTIFACTS, RecordedPage
from tests.deploy.personal_data import assert_no_personal_data, contact_strings


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("export-data")
    env = dict(os.environ, LPR_GEO_DATA_DIR=str(data_dir))
    for name in ("LPR_GEO_DB", "LPR_GEO_CONFIG"):
        env.pop(name, None)

    def run(*args: str) -> subprocess.CompletedProcess:
        command = ["lpr-geo", "export", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)

    run.db_url = f"sqlite:///{data_dir / 'register.sqlite'}"
    return run


def assert_not_blank(pixels: np.ndarray) -> None:
    grey = pixels[..., :3].mean(axis=-1)
    assert grey.std() > 20  # a blank or single-colour image has ~0
    assert (np.abs(np.diff(np.sort(np.unique(grey.round())))) > 0).sum() > 20  # many distinct tones


def assert_map_drawn(pixels: np.ndarray) -> None:
    """The choropleth is in the image: region fills in the palette's exact colours, not just the legend."""
    rgb = pixels[..., :3].reshape(-1, 3)
    share = {
        c.code: (rgb == [int(c.colour[i : i + 2], 16) for i in (1, 3, 5)]).all(axis=1).mean()
        for c in CATEGORIES
    }
    assert share.pop("not_contacted") > 0.05, share  # the most frequent fill; its legend swatch is ~0.01 %
    assert sum(s > 0.001 for s in share.values()) >= 2, share


@pytest.mark.browser
def test_html_export_renders_offline(cli, browser, tmp_path):
    out = tmp_path / "karte.html"
    result = cli("html", str(out), "--level", "amt", "--stand", "2024-06-30")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Stand 30.06.2024" in text and "VG250 01.01.2016" in text and "© GeoBasis-DE / BKG 2016" in text
    assert "Beispieldaten" in text and "Gemeinden im Netzwerk" in text
    assert "<script src=" not in text  # everything inlined; the browser check below proves no request
    assert_no_personal_data(text, contact_strings(cli.db_url), "HTML export")

    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    recorded = RecordedPage(context.new_page(), "file://")
    failed: list[str] = []
    recorded.page.on("requestfailed", lambda r: failed.append(r.url))
    recorded.page.goto(out.as_uri())
    recorded.page.wait_for_selector("#karte[data-gezeichnet]", timeout=30_000)
    assert recorded.page.locator(".choroplethlocation").count() == 200
    shot = recorded.screenshot("export-html")
    context.close()
    assert recorded.foreign == [] and failed == [] and recorded.console_errors == []
    assert recorded.requests == [out.as_uri()]  # the file itself, nothing else
    assert_not_blank(np.asarray(Image.open(shot)))


@pytest.mark.browser
def test_png_export_has_the_requested_size_and_content(cli, tmp_path):
    out = tmp_path / "karte.png"
    result = cli("png", str(out), "--size", "1200x700", "--kreis", "12062")
    assert result.returncode == 0, result.stderr
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG" and image.size == (1200, 700)
    assert_not_blank(np.asarray(image.convert("RGB")))
    assert_map_drawn(np.asarray(image.convert("RGB")))
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "export-png.png")


@pytest.mark.browser
def test_pdf_export_is_one_a4_landscape_page_with_the_map(cli, tmp_path):
    out = tmp_path / "karte.pdf"
    result = cli("pdf", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(data)
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert abs(width - 841.9) < 3 and abs(height - 595.3) < 3  # A4 landscape in points
    text = pdf[0].get_textpage().get_text_range()
    assert "Legende" in text and "GeoBasis-DE" in text and "Stand" in text
    assert_no_personal_data(text, contact_strings(cli.db_url), "PDF export")
    assert_not_blank(pdf[0].render(scale=1).to_numpy())
    assert_map_drawn(pdf[0].render(scale=1, rev_byteorder=True).to_numpy())


@pytest.mark.browser
def test_svg_export_holds_the_map_as_vector_shapes(cli, tmp_path):
    out = tmp_path / "karte.svg"
    result = cli("svg", str(out), "--level", "kreis")
    assert result.returncode == 0, result.stderr
    svg = ET.parse(out).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("width") == "1600"
    regions = [e for e in svg.iter() if e.get("class") == "choroplethlocation"]
    assert len(regions) == 18 and all(len(e.get("d", "")) > 100 for e in regions)
    text = " ".join(e.text or "" for e in svg.iter())
    assert "Legende" in text and "GeoBasis-DE" in text and "Elbe-Elster" in text


def test_bad_options_are_refused_with_a_clear_message(cli, tmp_path):
    result = cli("png", str(tmp_path / "x.png"), "--kreis", "99999")
    assert result.returncode != 0 and "99999" in result.stderr and "Kreisschlüssel" in result.stderr
    result = cli("html", str(tmp_path / "x.html"), "--stand", "2019-01-01")
    assert result.returncode != 0 and "20.02.2020" in result.stderr
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.html").exists()


def test_one_image_render_at_a_time_others_are_asked_to_retry(live_server, live_data_dir):
    """While one process renders (the lock held here), a PNG request gets 503 at once; HTML is not limited.

    The lock is the installation's, in its data directory: not one that anyone on the machine can hold.
    """
    with render_lock(live_data_dir).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        busy = requests.get(live_server + "/export/karte.png", timeout=60)
        html = requests.get(live_server + "/export/karte.html?ebene=kreis", timeout=120)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "in einigen Sekunden erneut" in busy.text
    assert html.status_code == 200 and "<html" in html.text[:500].lower()


def test_the_html_export_names_its_charset_once(live_server):
    answer = requests.get(live_server + "/export/karte.html?ebene=kreis", timeout=120)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
