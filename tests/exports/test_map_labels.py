"""Names on a Kreis map (dashboard, embed and exports) and image exports that read well."""

from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from dashboard import map_labels
from dashboard.geometry import MapGeometry
from dashboard.plotly_figures import LABELS, map_figure
from lpr_geo import Boundaries

ELBE_ELSTER = "12062"


@pytest.fixture(scope="module")
def geometry():
    return MapGeometry(Boundaries.bundled())


def _label_boxes(figure) -> tuple[list[str], np.ndarray]:
    """The names of the figure's label trace and their boxes, computed from the figure data alone."""
    trace, geo = figure.data[LABELS], figure.layout.geo
    x, y = map_labels.to_pixels(trace.lon, trace.lat, (geo.lonaxis.range, geo.lataxis.range))
    return list(trace.text), map_labels.text_boxes(x, y, list(trace.text), trace.textfont.size)


def test_a_kreis_map_names_its_gemeinden_without_overlap(geometry):
    figure = map_figure(geometry, "gemeinde", ELBE_ELSTER, "")
    names, boxes = _label_boxes(figure)
    gemeinden = set(geometry.regions("gemeinde", ELBE_ELSTER)["name"])
    assert len(names) >= 15 and set(names) <= gemeinden  # 33 Gemeinden: many fit, none from elsewhere
    assert {"Elsterwerda", "Finsterwalde", "Herzberg (Elster)", "Bad Liebenwerda"} <= set(
        names
    )  # towns first
    assert map_labels.overlapping(boxes) == []
    # the check can fail: all names at their label points would collide
    frame = geometry.regions("gemeinde", ELBE_ELSTER)
    geo = figure.layout.geo
    x, y = map_labels.to_pixels(
        frame["label_lon"], frame["label_lat"], (geo.lonaxis.range, geo.lataxis.range)
    )
    assert map_labels.overlapping(map_labels.text_boxes(x, y, list(frame["name"]))) != []


def test_the_land_map_keeps_the_kreis_names(geometry):
    names = list(map_figure(geometry, "gemeinde", None, "").data[LABELS].text)
    assert len(names) == 18 and "Elbe-Elster" in names


def test_every_kreis_gets_names_that_fit(geometry):
    for kreis in geometry.kreis_names:
        for level in ("gemeinde", "amt"):
            names, boxes = _label_boxes(map_figure(geometry, level, kreis, ""))
            assert names and map_labels.overlapping(boxes) == [], (kreis, level)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("labels-data")
    env = dict(os.environ, LPR_GEO_DATA_DIR=str(data_dir))
    for name in ("LPR_GEO_DB", "LPR_GEO_CONFIG"):
        env.pop(name, None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["lpr-geo", "export", *args], env=env, capture_output=True, text=True, timeout=180
        )

    return run


@pytest.mark.browser
def test_the_svg_of_a_kreis_names_its_gemeinden(export, tmp_path, geometry):
    out = tmp_path / "kreis.svg"
    result = export("svg", str(out), "--kreis", ELBE_ELSTER)
    assert result.returncode == 0, result.stderr
    texts = {e.text for e in ET.parse(out).getroot().iter() if e.text}
    shown = texts & set(geometry.regions("gemeinde", ELBE_ELSTER)["name"])
    assert len(shown) >= 15 and "Elsterwerda" in shown


@pytest.mark.browser
def test_png_legend_swatches_are_readable_and_the_map_sits_next_to_the_legend(export, tmp_path):
    out = tmp_path / "kreis.png"
    result = export("png", str(out), "--kreis", ELBE_ELSTER, "--size", "1200x700")
    assert result.returncode == 0, result.stderr
    rgb = np.asarray(Image.open(io.BytesIO(out.read_bytes())).convert("RGB")).astype(int)
    band = rgb[100:600]  # between title and footer
    # "Nicht kontaktiert": its swatch is a bordered square of the light fill, at least 16 px on a side
    fill = np.array([0xE6, 0xEA, 0xEE])
    legend = band[:, 735:]  # right of the map (Elbe-Elster ends at ~720 px)
    mask = (legend == fill).all(axis=-1)
    rows, cols = np.nonzero(mask)
    assert mask.sum() >= 16 * 16 and np.ptp(rows) >= 15 and np.ptp(cols) >= 15
    # no empty half: the widest run of blank columns between map and legend is a narrow gap
    blank = (band > 245).all(axis=(0, 2))
    used = np.flatnonzero(~blank)
    inner = blank[used[0] : used[-1]]
    longest = max((len(run) for run in "".join("1" if b else "0" for b in inner).split("0")), default=0)
    assert longest < 0.06 * rgb.shape[1], longest
