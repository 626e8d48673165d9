"""The Besuchsplan: one A4 page to take on the trip, printed from the dashboard or saved as PDF.

One page builder for every way out: the dashboard's "Drucken" opens this page (``/besuchsplan``), which
prints itself; "Als PDF" (``/export/besuchsplan.pdf``) and ``lpr-geo route KEY... --pdf OUT`` render it
in Chromium like the map exports. The sheet holds the map with the numbered route, the stops with
their legs, distances, driving times, status and last contact, and the gaps nearby. The layout is
computed here for the number of rows, so that even a route of :data:`~lpr_geo.MAX_STOPS` stops fits
on one page (the map gives way). No personal data: region names, statuses, dates and kinds of contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from lpr_geo import Boundaries, Route, Settings, Suggestion, ensure_sample_register, level_of_key
from lpr_geo import vocabulary as words

from . import palette
from .map_labels import mercator
from .plotly_figures import map_figure, route_patch, status_arrays, status_patch
from .services import Services
from .standalone import SAMPLE_NOTICE, TITLE, map_scripts

SHEET_PATH = "/besuchsplan"
PDF_PATH = "/export/besuchsplan.pdf"
#: A4 portrait in CSS pixels (96 per inch) and the page's padding (12 mm).
A4_PORTRAIT = (793, 1122)
PADDING = 45
CONTENT_WIDTH = A4_PORTRAIT[0] - 2 * PADDING
#: Heights in pixels the layout reserves (measured in Chromium, rounded up): heading, notice, legend,
#: table caption and head, notes and margins; one table row; one suggestion line.
_FIXED, _ROW, _LINE = 300, 17, 15
#: Map height between these bounds: as large as the rows leave room for.
MAP_HEIGHT = (230, 560)
#: Most nearby suggestions printed (the dashboard lists all of them).
MAX_SUGGESTIONS = 8

_STYLE = f"""
@page{{size:A4 portrait;margin:0}}
html{{-webkit-print-color-adjust:exact;print-color-adjust:exact;background:#fff}}
body{{margin:0;color:#1d2b36;font:11.5px/1.3 Arial,"Segoe UI",sans-serif}}
.blatt{{box-sizing:border-box;width:{A4_PORTRAIT[0]}px;padding:{PADDING - 10}px {PADDING}px 0}}
h1{{font-size:19px;margin:0}}
.unter{{margin:2px 0 6px;color:#3d4b56}}
.hinweis{{margin:4px 0;padding:2px 6px;background:#fff4d6;border-left:4px solid #ccbb44;font-size:11px}}
#karte{{width:{CONTENT_WIDTH}px;border:1px solid #d5dbe0}}
.legende{{display:flex;flex-wrap:wrap;gap:2px 12px;list-style:none;margin:4px 0 6px;padding:0;font-size:11px}}
.swatch{{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px;border:1px solid #5f6b75}}
table{{border-collapse:collapse;width:100%;table-layout:fixed}}
col.nr{{width:24px}}col.station{{width:22%}}col.status{{width:28%}}col.kontakt{{width:25%}}
caption{{text-align:left;font-weight:700;font-size:13px;padding:2px 0 4px}}
th,td{{border-bottom:1px solid #d5dbe0;padding:0 4px;text-align:left;line-height:{_ROW - 2}px;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
th{{background:#eef2f5}}
.num{{text-align:right;white-space:nowrap}}
tfoot td{{font-weight:700;border-bottom:0}}
h2{{font-size:13px;margin:8px 0 2px}}
ul.vorschlaege{{margin:0;padding-left:16px;line-height:{_LINE - 1}px}}
.quelle{{margin:6px 0 0;color:#3d4b56;font-size:10px}}
"""


@dataclass(frozen=True)
class Stop:
    """One stop as the sheet lists it: name, status today, last contact and the leg that reaches it."""

    name: str
    status: str
    last_contact: str
    km: float
    minutes: float


@dataclass(frozen=True)
class RouteSheet:
    """Everything one Besuchsplan shows."""

    network: str
    on: dt.date
    route: Route
    stops: list[Stop]
    suggestions: list[Suggestion]
    shown_suggestions: int
    figure: go.Figure
    geojson: dict | str
    source: str
    sample: bool

    @property
    def caption(self) -> str:
        """``Rundfahrt mit 3 Stationen: 245,3 km, etwa 4 h 05 min Fahrzeit``."""
        return (
            f"Rundfahrt mit {words.STOP.count(len(self.route.stops))}: {words.km(self.route.total_km, 1)}, "
            f"etwa {words.duration(self.route.total_minutes)} Fahrzeit"
        )


def _status_of(services: Services, network: str, on: dt.date, keys: list[str]) -> dict[str, str]:
    """Map category (label, with "seit" date) of each stop key on the date."""
    tables = services.tables(network, on)
    found: dict[str, str] = {}
    for level in {level_of_key(k) for k in keys}:
        table = tables.table(level)
        rows = table[table["key"].isin(keys)]
        for key, code, since in zip(rows["key"], palette.categories(rows), rows["since"], strict=True):
            label = palette.CATEGORIES[palette.INDEX[code]].label
            shown = words.date(since) if code != "not_contacted" else ""
            found[key] = f"{label} seit {shown}" if shown else label
    return found


def _contacts_of(services: Services, network: str, on: dt.date) -> dict[str, str]:
    """``07.06.2021 (Besuch)`` per region key; a status change without its new status (the next column)."""
    contacts = services.contacts(network, on)
    return {
        key: f"{words.date(day)} ({kind.split(':')[0]})"
        for key, day, kind in zip(
            contacts["key"], contacts["last_contact"], contacts["last_kind"], strict=True
        )
    }


def _extent(route: Route, width: float, height: float) -> dict:
    """Map range around start and stops with a margin, widened to the map's proportions (plotly keeps
    the projection's shape, so a range of other proportions would leave bands beside the map)."""
    places = [route.start, *route.stops]
    x, y = mercator(np.array([p.lon for p in places]), np.array([p.lat for p in places]))
    span_x = max(float(np.ptp(x)) * 1.35, np.radians(0.9))
    span_y = max(float(np.ptp(y)) * 1.35, span_x * height / width)
    span_x = max(span_x, span_y * width / height)
    cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
    lat = np.degrees(2 * np.arctan(np.exp(np.array([cy - span_y / 2, cy + span_y / 2]))) - np.pi / 2)
    lon = np.degrees(np.array([cx - span_x / 2, cx + span_x / 2]))
    return {"fitbounds": False, "lonaxis_range": lon.tolist(), "lataxis_range": lat.tolist()}


def sheet_layout(stops: int, suggestions: int) -> tuple[int, int]:
    """Map height and number of suggestions that fit one A4 page with ``stops`` stops.

    The rows come first, then up to :data:`MAX_SUGGESTIONS` suggestions as long as the map keeps its
    smallest height, and the map takes what is left (up to its largest height).
    """
    rest = A4_PORTRAIT[1] - _FIXED - (stops + 2) * _ROW
    shown = max(0, min(suggestions, MAX_SUGGESTIONS, (rest - MAP_HEIGHT[0] - _LINE) // _LINE))
    ideas = (shown + 1) * _LINE if shown else 0
    return max(MAP_HEIGHT[0], min(MAP_HEIGHT[1], rest - ideas)), shown


def build(
    services: Services,
    network: str,
    on: dt.date,
    keys: list[str],
    *,
    start: str = "potsdam",
    radius_km: float = 15.0,
    geojson_url: str | None = None,
) -> RouteSheet:
    """The Besuchsplan of a route through ``keys`` on the date ``on`` (status and contacts as then).

    The Gemeinden's GeoJSON is inlined (PDF, self-contained) unless ``geojson_url`` names the app's file.

    Raises
    ------
    ValueError
        German message for an unknown key or start, or too many stops.
    """
    route, suggestions = services.route(network, on, keys, start=start, radius_km=radius_km)
    stop_keys = [p.key for p in route.stops if p.key]
    status = _status_of(services, network, on, stop_keys)
    contacts = _contacts_of(services, network, on)
    stops = [
        Stop(
            place.name,
            status.get(place.key or "", words.MISSING),
            contacts.get(place.key or "", words.MISSING),
            leg.km,
            leg.minutes,
        )
        for place, leg in zip(route.stops, route.legs, strict=False)
    ]
    geometry = services.geometry
    figure = map_figure(geometry, "gemeinde", None, "")
    table = services.tables(network, on).table("gemeinde")
    status_patch(status_arrays(geometry, table, "gemeinde"), set(), figure)
    route_patch(route, figure)
    height, shown = sheet_layout(len(route.stops), len(suggestions))
    figure.update_geos(**_extent(route, CONTENT_WIDTH - 2, height))
    figure.update_layout(width=CONTENT_WIDTH - 2, height=height, dragmode=False)
    info = services.boundaries.info()
    source = (
        f"Grenzen: {info['dataset']}, Stand {words.date(info['reference_date'])}. {info['attribution']}. "
        "Entfernungen: Luftlinie zwischen den Ortsmitten × 1,3 (Umwegfaktor Straße), Fahrzeit bei 60 km/h; "
        "Schätzungen zur Planung."
    )
    return RouteSheet(
        network=network,
        on=on,
        route=route,
        stops=stops,
        suggestions=suggestions,
        shown_suggestions=shown,
        figure=figure,
        geojson=geojson_url or geometry.feature_collection("gemeinde"),
        source=source,
        sample=services.is_sample(network),
    )


def _rows(sheet: RouteSheet) -> str:
    cells = [
        (str(i), s.name, s.status, s.last_contact, words.km(s.km, 1), words.duration(s.minutes))
        for i, s in enumerate(sheet.stops, start=1)
    ]
    back = sheet.route.legs[-1]
    cells.append(("", "Rückfahrt zum Start", "", "", words.km(back.km, 1), words.duration(back.minutes)))
    numeric = (4, 5)
    return "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{escape(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in cells
    )


def _legend() -> str:
    return "".join(
        f'<li><span class="swatch" style="background:{c.colour}"></span>{escape(c.label)}</li>'
        for c in palette.CATEGORIES
    )


def page(sheet: RouteSheet, *, plotly_js: str = "inline", print_on_load: bool = False) -> str:
    """The Besuchsplan as one HTML page, A4 portrait (self-contained with ``plotly_js="inline"``).

    Parameters
    ----------
    sheet : RouteSheet
        What to show.
    plotly_js : str
        ``src`` URL of plotly.js, or ``"inline"``.
    print_on_load : bool
        Open the print dialog once the map is drawn (the dashboard's "Drucken").
    """
    subtitle = f"{sheet.network} · Stand {words.date(sheet.on)} · Start und Ziel: {sheet.route.start.name}"
    notice = f'<p class="hinweis">{escape(SAMPLE_NOTICE)}</p>' if sheet.sample else ""
    shown = sheet.suggestions[: sheet.shown_suggestions]
    more = len(sheet.suggestions) - len(shown)
    ideas = "".join(f"<li>{escape(s.text)}</li>" for s in shown)
    if more:
        ideas += f"<li>… und {escape(words.REGION.count(more))} mehr (im Dashboard)</li>"
    nearby = (
        f"<h2>In der Nähe, noch nicht im Netzwerk</h2><ul class=vorschlaege>{ideas}</ul>" if shown else ""
    )
    height = sheet.figure.layout.height
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>Besuchsplan – {escape(words.date(sheet.on))}</title><style>{_STYLE}"
        f"#karte{{height:{height}px}}</style></head><body><main class=blatt>"
        f"<h1>Besuchsplan · {escape(TITLE)}</h1><p class=unter>{escape(subtitle)}</p>{notice}"
        f'<div id="karte" role="img" aria-label="Karte der Route mit nummerierten Stationen"></div>'
        f'<ul class="legende" aria-label="Legende">{_legend()}</ul>'
        f"<table><caption>{escape(sheet.caption)}</caption>"
        "<colgroup><col class=nr><col class=station><col class=status><col class=kontakt><col><col></colgroup>"
        "<thead><tr><th>Nr.</th><th>Station</th>"
        "<th>Status</th><th>Letzter Kontakt</th><th class=num>Anfahrt</th><th class=num>Fahrzeit</th>"
        f"</tr></thead><tbody>{_rows(sheet)}</tbody><tfoot><tr><td></td><td>Gesamt</td><td></td><td></td>"
        f"<td class=num>{escape(words.km(sheet.route.total_km, 1))}</td>"
        f"<td class=num>{escape(words.duration(sheet.route.total_minutes))}</td></tr></tfoot></table>"
        f"{nearby}<p class=quelle>{escape(sheet.source)}</p></main>"
        f"{map_scripts(sheet.figure, sheet.geojson, plotly_js=plotly_js, print_on_load=print_on_load)}"
        "</body></html>\n"
    )


def filename(on: dt.date) -> str:
    """``besuchsplan-2026-02-01.pdf``."""
    return f"besuchsplan-{on.isoformat()}.pdf"


def pdf(sheet: RouteSheet, chromium: str) -> bytes:
    """The sheet as a one-page A4 PDF, rendered offline in Chromium (see :mod:`dashboard.exports`)."""
    from .exports import render_pdf

    return render_pdf(page(sheet), A4_PORTRAIT, chromium).content


def write_pdf(
    settings: Settings,
    boundaries: Boundaries,
    *,
    keys: list[str],
    start: str,
    radius_km: float,
    network: str | None,
    on: dt.date,
    out: Path,
) -> None:
    """``lpr-geo route KEY... --pdf OUT``: the entry point ``route-sheet`` of ``lpr_geo.renderers``.

    Raises
    ------
    ValueError
        German message if the route cannot be planned or the PDF not rendered or written.
    """
    from .exports import ExportError

    engine = ensure_sample_register(settings, boundaries)
    services = Services(engine, boundaries, geometry_url=lambda level, kreis: "")
    sheet = build(services, network or services.networks()[0], on, keys, start=start, radius_km=radius_km)
    try:
        content = pdf(sheet, settings.chromium)
    except ExportError as error:
        raise ValueError(str(error)) from error
    try:
        out.write_bytes(content)
    except OSError as error:
        raise ValueError(f"{out}: nicht schreibbar ({error.strerror})") from error
