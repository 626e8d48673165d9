"""The dashboard draws every chart with the app's partial plotly.js bundle, never Plotly's full one."""

import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.standalone import PLOTLY_JS
from tests.conftest import show_part

BUNDLE = "/assets/plotly-lpr.min.js"
FULL_BUNDLE = "package_data/plotly.min.js"
BUILD_DIR = Path(__file__).resolve().parents[2] / "plotlyjs"


def test_bundle_is_the_plotly_js_version_that_plotly_for_python_pins():
    """After an update of the ``plotly`` pin, plotlyjs/package.json must follow (plotlyjs/README.md)."""
    from plotly.offline import get_plotlyjs_version

    banner = PLOTLY_JS.read_text(encoding="utf-8")[:200]
    assert f"* plotly.js v{get_plotlyjs_version()} (partial bundle" in banner


def test_the_bundle_defaults_to_no_other_host():
    """Plotly's servers are not the fallback of any setting: topojson from the app, no cloud, no logo."""
    bundle = PLOTLY_JS.read_text(encoding="utf-8")
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"assets/topojson/"' in bundle
    assert 'plotlyServerURL:{valType:"string",dflt:""' in bundle
    assert 'displaylogo:{valType:"boolean",dflt:!1' in bundle
    assert "https://cdn.plot.ly" not in bundle and "https://cloud.plotly.com" not in bundle


@pytest.mark.network
def test_build_reproduces_the_committed_bundle(tmp_path):
    """``make plotly``'s steps in another folder, from the pinned tarballs, give the committed bytes."""
    for name in ("package.json", "package-lock.json", "index.js", "build.mjs"):
        shutil.copy(BUILD_DIR / name, tmp_path / name)
    npm_ci = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"]
    out = tmp_path / PLOTLY_JS.name
    try:
        subprocess.run(npm_ci, cwd=tmp_path, check=True, timeout=300)
        subprocess.run(["node", "build.mjs", str(out)], cwd=tmp_path, check=True, timeout=120)
    finally:
        shutil.rmtree(tmp_path / "node_modules", ignore_errors=True)  # 175 MB
    assert out.read_bytes() == PLOTLY_JS.read_bytes()
    licences = Path(f"{out}.LICENSE.txt").read_text()
    assert licences == Path(f"{PLOTLY_JS}.LICENSE.txt").read_text()
    assert "plotly.js@4.1.1 (MIT)" in licences


@pytest.mark.browser
def test_page_loads_the_partial_bundle_and_every_chart_draws_in_german(recorded_page, live_server):
    page = recorded_page.page
    page.goto(live_server + "/")
    page.wait_for_function("document.querySelectorAll('.choroplethlocation').length === 417")
    page.wait_for_selector("#karte .scattergeo")  # Kreis borders and names
    show_part(page, "entwicklung")
    show_part(page, "kreise")
    page.wait_for_selector("#entwicklung .trace.scatter path.js-line")  # the timeline
    page.wait_for_function("document.querySelectorAll('#kreis-balken .bars .point').length === 18")

    assert [url for url in recorded_page.requests if BUNDLE in url] != []
    assert [url for url in recorded_page.requests if FULL_BUNDLE in url] == []
    assert recorded_page.foreign == [] and recorded_page.console_errors == []

    # the German locale is in the bundle and the default for every graph, also where no config names it
    locales = page.evaluate(
        "['karte', 'entwicklung', 'kreis-balken']"
        ".map(id => document.querySelector(`#${id} .js-plotly-plot`)._context.locale)"
    )
    assert locales == ["de", "de", "de"]
    titles = page.eval_on_selector_all("#karte .modebar-btn", "els => els.map(e => e.dataset.title)")
    # German, and only buttons that do something (the map pans by dragging; no upload to Plotly's cloud)
    assert titles == ["Hineinzoomen", "Herauszoomen", "Zurücksetzen"]
    # exactly the traces the app draws: choropleth and scattergeo (map), scatter (timeline), bar (Kreise)
    traces = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert traces == ["bar", "choropleth", "scatter", "scattergeo"]
