"""The map as a standalone document: figure, legend, key figures, date and attribution, as one HTML page.

``/embed`` and the exports render the same page; the embed references plotly.js, the GeoJSON and the
topojson by URL on the app's own origin, the HTML export inlines all three so that the file works from a
USB stick without any network. Contains no personal data: only region names, statuses and figures.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from lpr_geo import CoverageFigures
from lpr_geo import vocabulary as words

from . import palette
from .key_figure_cards import key_figures
from .map_labels import mercator
from .plotly_figures import REGIONS, map_figure, status_arrays, status_patch
from .services import Services
from .url_state import ViewState

TITLE = "Netzwerk Kriminalprävention vor Ort"
LEVEL_NAMES = {"kreis": "Kreise", "amt": "Ämter und amtsfreie Gemeinden", "gemeinde": "Gemeinden"}
SAMPLE_NOTICE = "Beispieldaten: Das Register enthält ein Beispiel, keine echten Mitgliedsdaten."
#: Plotly's geo base map reads this topojson (our empty one, never the CDN's): see dashboard/app.py.
TOPOJSON_NAME = "world_50m"
#: plotly.js with only the traces the app draws (built by ``make plotly``, see plotlyjs/README.md); Dash
#: loads it from the assets folder instead of the full bundle, the embed and the exports use it too.
PLOTLY_JS = Path(__file__).parent / "assets" / "plotly-lpr.min.js"
#: Draws the figure from the JSON data block; the same script in the embed (CSP-hashed) and the exports.
RENDER_SCRIPT = """(function () {
  var data = JSON.parse(document.getElementById("karte-daten").textContent);
  if (data.topojson) { window.PlotlyGeoAssets.topojson["world_50m"] = data.topojson; }
  var el = document.getElementById("karte");
  var drawn = (data.charts || []).map(function (c) {
    return Plotly.newPlot(document.getElementById(c.id), c.figure.data, c.figure.layout, data.config);
  });
  drawn.push(Plotly.newPlot(el, data.figure.data, data.figure.layout, data.config));
  Promise.all(drawn).then(function () {
    el.setAttribute("data-gezeichnet", "1");
    if (data.print) { window.print(); }
  });
})();"""
RENDER_SCRIPT_HASH = (
    "'sha256-" + base64.b64encode(hashlib.sha256(RENDER_SCRIPT.encode()).digest()).decode() + "'"
)

_STYLE = """
html,body{margin:0;height:100%;background:#fff;color:#1d2b36;font:14px/1.4 system-ui,"Segoe UI",Arial,sans-serif}
body{display:flex;flex-direction:column;min-width:0}
.kopf{padding:6px 10px 2px}
.kopf h1{font-size:1.05rem;margin:0}
.kopf p{margin:0;color:#3d4b56;font-size:.85rem}
.karte{flex:1 1 auto;min-height:220px;width:100%}
.legende{padding:2px 10px;font-size:.8rem}
.legende summary{cursor:pointer;font-weight:600}
.legende ul{display:flex;flex-wrap:wrap;gap:2px 14px;list-style:none;margin:2px 0 0;padding:0}
.swatch{display:inline-block;width:.85em;height:.85em;margin-right:5px;vertical-align:-1px;border:1px solid #8a96a0}
.quelle{margin:0;padding:2px 10px 6px;font-size:.72rem;color:#3d4b56}
.hinweis{margin:4px 10px;padding:3px 8px;background:#fff4d6;border-left:4px solid #ccbb44;font-size:.8rem}
.export body,.export{height:auto}
.export .karte{height:70vh;min-height:420px;flex:none}
.kennzahlen{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:8px;margin:8px 10px}
.kennzahlen div{border:1px solid #d5dbe0;border-radius:4px;padding:6px 10px}
.kennzahlen dt{font-size:.8rem;color:#3d4b56}.kennzahlen dd{margin:0;font-size:1.15rem;font-weight:600}
.kennzahlen .detail{font-size:.75rem;font-weight:400;color:#3d4b56}
@media (max-width:480px){.kopf h1{font-size:.95rem}.legende{font-size:.72rem}}
"""


@dataclass(frozen=True)
class MapDocument:
    """Everything a standalone map shows, computed once from the register and the boundaries."""

    view: ViewState
    figure: go.Figure
    geojson: str | dict
    legend: list[tuple[palette.Category, int]]
    figures: CoverageFigures
    info: dict
    sample: bool

    @property
    def scope(self) -> str:
        """``Brandenburg`` or the Kreis shown."""
        if not self.view.kreis:
            return "Brandenburg"
        return next(k.name for k in self.figures.kreise if k.key == self.view.kreis)

    @property
    def subtitle(self) -> str:
        """What the map shows: network, level, area and date."""
        return (
            f"{self.view.network} · {LEVEL_NAMES[self.view.level]} · {self.scope} · "
            f"Stand {words.date(self.view.on)}"
        )

    @property
    def source(self) -> str:
        """Boundary dataset, its reference date and the attribution the licences require."""
        return (
            f"Grenzen: {self.info['dataset']}, Stand {words.date(self.info['reference_date'])}. "
            f"{self.info['attribution']}."
        )


def build(services: Services, view: ViewState, geojson: str | dict) -> MapDocument:
    """The map of one view (selection and route are not shown), with legend counts and key figures.

    Parameters
    ----------
    services : Services
        Cached register and coverage access of the app (or of the export command).
    view : ViewState
        Network, level, Kreis and date; other fields are ignored.
    geojson : str or dict
        URL of the GeoJSON (embed) or the GeoJSON itself (self-contained exports).
    """
    table = services.tables(view.network, view.on).table(view.level)
    if view.kreis:
        table = table[table["kreis_key"] == view.kreis]
    geometry = services.geometry
    figure = map_figure(geometry, view.level, view.kreis, geojson if isinstance(geojson, str) else "")
    kreis_covers = services.coverage_options.kreis_covers_gemeinden
    status_patch(
        status_arrays(geometry, table, view.level, kreis_covers_gemeinden=kreis_covers), set(), figure
    )
    figure.update_layout(dragmode=False)
    counts = Counter(palette.categories(table))
    labels = palette.labels(kreis_covers)
    legend = [
        (replace(c, label=labels[c.code]), counts.get(c.code, 0))
        for c in palette.CATEGORIES
        if counts.get(c.code, 0) or c.code in ("member", "not_contacted")
    ]
    return MapDocument(
        view=view,
        figure=figure,
        geojson=geojson,
        legend=legend,
        figures=services.figures(view.network, view.on),
        info=services.boundaries.info(),
        sample=services.is_sample(view.network),
    )


@lru_cache(maxsize=1)
def plotly_js_version() -> str:
    """Short hash of the plotly.js bundle, for URLs that browsers may cache until the bundle changes."""
    return hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _inline_plotly_js() -> str:
    # "</script" inside the library would end its script element early
    return "<script>" + PLOTLY_JS.read_text(encoding="utf-8").replace("</script", "<\\/script") + "</script>"


def _topojson() -> dict:
    # read per export (a few KB): exports are rare, and nothing stays in the process
    return json.loads((Path(__file__).parent / "assets" / "topojson" / f"{TOPOJSON_NAME}.json").read_text())


def _figure_json(figure: go.Figure, geojson: str | dict) -> dict:
    # inlined GeoJSON joins the JSON after serialisation: plotly would validate and copy it otherwise
    data = json.loads(figure.to_json())
    data["data"][REGIONS]["geojson"] = geojson
    return data


def _json_block(data: dict) -> str:
    # a data block is not executed (CSP allows it); "</" must not end the script element early
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/")


def _legend_html(doc: MapDocument, open_: bool) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{c.colour}"></span>{escape(c.label)} ({n})</li>'
        for c, n in doc.legend
    )
    return f'<details class="legende"{" open" if open_ else ""}><summary>Legende</summary><ul>{items}</ul></details>'


def _figures_html(doc: MapDocument) -> str:
    cards = "".join(
        f'<div><dt>{escape(t)}</dt><dd>{escape(v)}<br><span class="detail">{escape(d)}</span></dd></div>'
        for t, v, d in key_figures(doc.figures, doc.view.kreis)
    )
    return f'<dl class="kennzahlen" aria-label="Kennzahlen">{cards}</dl>'


def page(
    doc: MapDocument,
    *,
    plotly_js: str,
    topojson_url: str | None = None,
    legend_open: bool = True,
    with_figures: bool = False,
    scripts: tuple[str, ...] = (),
) -> str:
    """The HTML page of a map document.

    Parameters
    ----------
    doc : MapDocument
        What to show.
    plotly_js : str
        ``src`` URL of plotly.js, or ``"inline"`` to embed the library in the page.
    topojson_url : str, optional
        Folder URL of the base-map topojson; ``None`` inlines it (self-contained file).
    legend_open : bool
        Whether the legend starts unfolded (it can be toggled either way).
    with_figures : bool
        Add the key figures (HTML export); the embed shows the map only.
    scripts : tuple of str
        ``src`` URLs of further scripts, run after the map's (the embed's fitting and sizing).
    """
    config = {"displayModeBar": False, "scrollZoom": False, "responsive": True, "locale": "de"}
    data: dict = {"figure": _figure_json(doc.figure, doc.geojson), "config": config}
    if topojson_url is None:
        data["topojson"] = _topojson()
    else:
        config["topojsonURL"] = topojson_url
    if plotly_js == "inline":
        library = _inline_plotly_js()
    else:
        library = f'<script src="{escape(plotly_js)}"></script>'
    summary = f"Karte: Status der {LEVEL_NAMES[doc.view.level]} im Netzwerk, {doc.scope}, Stand {words.date(doc.view.on)}"
    notice = f'<p class="hinweis">{escape(SAMPLE_NOTICE)}</p>' if doc.sample else ""
    return (
        '<!DOCTYPE html>\n<html lang="de"'
        + (' class="export"' if with_figures else "")
        + '><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(TITLE)} – {escape(doc.subtitle)}</title><style>{_STYLE}</style></head><body>"
        f'<header class="kopf"><h1>{escape(TITLE)}</h1><p>{escape(doc.subtitle)}</p></header>{notice}'
        f'<div id="karte" class="karte" role="img" aria-label="{escape(summary)}"></div>'
        f"{_legend_html(doc, legend_open)}{_figures_html(doc) if with_figures else ''}"
        f'<p class="quelle">{escape(doc.source)}</p>'
        f'{library}<script type="application/json" id="karte-daten">{_json_block(data)}</script>'
        f"<script>{RENDER_SCRIPT}</script>"
        + "".join(f'<script src="{escape(src)}"></script>' for src in scripts)
        + "</body></html>\n"
    )


#: Report figure layout in pixels: title band, footer band, legend column, swatch side, row height.
_TITLE_BAND, _FOOTER_BAND, _LEGEND_WIDTH, _SWATCH, _ROW = 90, 64, 290, 20, 34


def map_width(doc: MapDocument, height: float) -> float:
    """Width in pixels that the map of ``doc`` takes when drawn ``height`` pixels high (plotly keeps its shape)."""
    geo = doc.figure.layout.geo
    (west, east), (south, north) = geo.lonaxis.range, geo.lataxis.range
    x, y = mercator(np.array([west, east]), np.array([south, north]))
    return height * float(x[1] - x[0]) / float(y[1] - y[0])


def report_figure(doc: MapDocument, width: int, height: int) -> go.Figure:
    """The map with title, legend, date and attribution drawn into the figure (for PNG, SVG and PDF).

    Map and legend are placed side by side and centred as one block: the map keeps its shape, so a
    map domain of the whole width would leave an empty band between the map and a legend at the edge.
    Legend swatches are bordered squares (a light fill, "Nicht kontaktiert", stays visible on white).
    """
    figure = go.Figure(doc.figure)
    map_height = height - _TITLE_BAND - _FOOTER_BAND
    drawn = min(map_width(doc, map_height), width - _LEGEND_WIDTH - 40)
    left = max(20.0, (width - drawn - _LEGEND_WIDTH) / 2)
    legend_x = (left + drawn + 20) / width
    figure.update_layout(
        width=width,
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font={"family": "Arial, sans-serif", "color": "#1d2b36"},
    )
    figure.update_geos(
        domain={
            "x": [left / width, (left + drawn) / width],
            "y": [_FOOTER_BAND / height, 1 - _TITLE_BAND / height],
        }
    )
    top = 1 - (_TITLE_BAND + 6) / height
    note = {"xref": "paper", "yref": "paper", "yanchor": "middle", "showarrow": False, "align": "left"}
    figure.add_annotation(  # an annotation, not the layout title: a two-line title ignores its padding
        text=f"<b>{escape(TITLE)}</b><br><span style='font-size:15px'>{escape(doc.subtitle)}</span>",
        x=20 / width,
        xanchor="left",
        y=1 - 12 / height,
        font={"size": 22},
        **(note | {"yanchor": "top"}),
    )
    figure.add_annotation(text="<b>Legende</b>", x=legend_x, xanchor="left", y=top, font={"size": 16}, **note)
    for i, (category, count) in enumerate(doc.legend, start=1):
        y = top - i * _ROW / height
        figure.add_shape(
            type="rect",
            xref="paper",
            yref="paper",
            xsizemode="pixel",
            ysizemode="pixel",
            xanchor=legend_x,
            yanchor=y,
            x0=0,
            x1=_SWATCH,
            y0=-_SWATCH / 2,
            y1=_SWATCH / 2,
            fillcolor=category.colour,
            line={"color": "#5f6b75", "width": 1},
        )
        figure.add_annotation(
            text=f"{escape(category.label)} ({count})",
            x=legend_x,
            xanchor="left",
            xshift=_SWATCH + 8,
            y=y,
            font={"size": 15},
            **note,
        )
    footer = escape(doc.source) + (f"<br>{escape(SAMPLE_NOTICE)}" if doc.sample else "")
    figure.add_annotation(
        text=footer,
        x=20 / width,
        xref="paper",
        xanchor="left",
        y=(_FOOTER_BAND - 14) / height,
        yref="paper",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#3d4b56"},
    )
    return figure


def map_scripts(
    figure: go.Figure,
    geojson: dict | str,
    *,
    plotly_js: str = "inline",
    print_on_load: bool = False,
    charts: dict[str, dict] | None = None,
) -> str:
    """The end of a printable page: plotly.js, the map's data (GeoJSON and topojson inlined), the render script.

    The page needs a ``<div id="karte">`` sized by its CSS; the figure draws as a static plot.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        A map figure of :func:`dashboard.plotly_figures.map_figure` (its regions' GeoJSON is ``geojson``).
    geojson : dict or str
        The GeoJSON of the regions, or its URL on the app's own origin.
    plotly_js : str
        ``src`` URL of plotly.js, or ``"inline"`` for a self-contained page.
    print_on_load : bool
        Open the print dialog once the map is drawn.
    charts : dict, optional
        Further figures (plain dicts) by the id of the element each draws into.
    """
    data: dict = {
        "figure": _figure_json(figure, geojson),
        "config": {"displayModeBar": False, "staticPlot": True},
        "topojson": _topojson(),
    }
    if print_on_load:
        data["print"] = True
    if charts:
        data["charts"] = [{"id": key, "figure": chart} for key, chart in charts.items()]
    library = _inline_plotly_js() if plotly_js == "inline" else f'<script src="{escape(plotly_js)}"></script>'
    return (
        f'{library}<script type="application/json" id="karte-daten">{_json_block(data)}</script>'
        f"<script>{RENDER_SCRIPT}</script>"
    )


def report_page(doc: MapDocument, width: int, height: int) -> str:
    """A page holding only the report figure at its fixed size, self-contained (for the image exports)."""
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)}</title><style>html,body{{margin:0;background:#fff}}"
        f"#karte{{width:{width}px;height:{height}px}}@page{{margin:0}}</style></head><body>"
        f'<div id="karte"></div>{map_scripts(report_figure(doc, width, height), doc.geojson)}</body></html>\n'
    )
