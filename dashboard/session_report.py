"""The Sitzungsbericht: the network's state for a meeting of AG 4, on 3 or 4 A4 pages.

AG 4 meets twice a year; the office reports what changed since the last meeting. Page 1: key figures
at the start and the end of the period and the map at the end; page 2: the growth since the founding
(the period shaded) and the table of Kreise; page 3 (and 4 for a busy period): the status changes in
the period, then the sources. Each page is a fixed A4 box, so the page count follows from the content
and never from where a browser happens to break; the list of changes keeps the latest :data:`MAX_CHANGES`.
Rendered offline in Chromium with the map exports' machinery (:func:`dashboard.exports.render_pdf`),
from ``lpr-geo report`` and from the dashboard. No personal data: regions, statuses, dates, figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

import pandas as pd

from lpr_geo import CoverageFigures, founding_dates, status_changes
from lpr_geo import vocabulary as words

from .key_figure_cards import key_figures
from .plotly_figures import timeline_figure
from .route_sheet import A4_PORTRAIT, CONTENT_WIDTH, PADDING
from .services import Services
from .standalone import SAMPLE_NOTICE, TITLE, MapDocument, build, map_scripts
from .url_state import ViewState

PDF_PATH = "/export/sitzungsbericht.pdf"
#: Rows of the change list on page 3 (after the summary) and on page 4; the rest is counted only.
FIRST_PAGE_ROWS, NEXT_PAGE_ROWS = 33, 44
MAX_CHANGES = FIRST_PAGE_ROWS + NEXT_PAGE_ROWS
MAP_HEIGHT, CHART_HEIGHT = 600, 300
#: Most region names in the summary lines of the changes ("Neue Mitglieder: ...").
MAX_NAMES = 12
_CHART_ID = "entwicklung"

_STYLE = f"""
@page{{size:A4 portrait;margin:0}}
html{{-webkit-print-color-adjust:exact;print-color-adjust:exact;background:#fff}}
body{{margin:0;color:#1d2b36;font:12px/1.35 Arial,"Segoe UI",sans-serif}}
.seite{{box-sizing:border-box;width:{A4_PORTRAIT[0]}px;height:{A4_PORTRAIT[1] - 2}px;padding:{PADDING - 10}px {PADDING}px;
overflow:hidden;position:relative}}
.seite+.seite{{break-before:page}}
.kennzahlen td:first-child{{width:24%}}.kennzahlen td:nth-child(2){{width:22%}}
h1{{font-size:21px;margin:0}}
h2{{font-size:15px;margin:14px 0 4px}}
.unter{{margin:2px 0 6px;color:#3d4b56}}
.hinweis{{margin:4px 0;padding:2px 6px;background:#fff4d6;border-left:4px solid #ccbb44;font-size:11px}}
#karte,#{_CHART_ID}{{width:{CONTENT_WIDTH}px}}
#karte{{height:{MAP_HEIGHT}px}}#{_CHART_ID}{{height:{CHART_HEIGHT}px}}
.legende{{display:flex;flex-wrap:wrap;gap:2px 14px;list-style:none;margin:4px 0;padding:0;font-size:11.5px}}
.swatch{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border:1px solid #5f6b75}}
table{{border-collapse:collapse;width:100%}}
th,td{{border-bottom:1px solid #d5dbe0;padding:1px 5px;text-align:left;line-height:15px;vertical-align:top}}
th{{background:#eef2f5}}
.num{{text-align:right;white-space:nowrap}}
.detail{{display:block;color:#3d4b56;font-size:10.5px}}
.fuss{{position:absolute;left:{PADDING}px;right:{PADDING}px;bottom:22px;color:#3d4b56;font-size:10px;margin:0}}
.quellen{{font-size:11px;color:#3d4b56}}
.quellen li{{margin:2px 0}}
"""


@dataclass(frozen=True)
class SessionReport:
    """What one Sitzungsbericht shows."""

    network: str
    since: dt.date
    until: dt.date
    before: CoverageFigures
    map: MapDocument  # the map and figures at ``until``
    series: pd.DataFrame
    changes: pd.DataFrame

    @property
    def period(self) -> str:
        """``01.06.2026 bis 01.12.2026``."""
        return f"{words.date(self.since)} bis {words.date(self.until)}"


def period_error(services: Services, network: str, since: dt.date, until: dt.date) -> str | None:
    """Why a period cannot be reported (German), or ``None``: it must lie between founding and today."""
    founded = founding_dates(services.engine)[network]
    if not founded <= since < until:
        return f"Der Zeitraum muss nach der Gründung ({words.date(founded)}) beginnen und vor seinem Ende liegen."
    if until > dt.date.today():
        return "Das Ende des Zeitraums darf nicht nach heute liegen."
    return None


def build_report(services: Services, network: str, since: dt.date, until: dt.date) -> SessionReport:
    """The Sitzungsbericht of ``network`` for the period (check it first with :func:`period_error`)."""
    view = ViewState(network=network, on=until, level="gemeinde")
    doc = build(services, view, services.geometry.feature_collection("gemeinde"))
    doc.figure.update_layout(width=CONTENT_WIDTH, height=MAP_HEIGHT)
    return SessionReport(
        network=network,
        since=since,
        until=until,
        before=services.figures(network, since),
        map=doc,
        series=services.series(network, until),
        changes=status_changes(services.engine, network, since, until),
    )


def _table(head: list[str], rows: list[list[str]], numeric: tuple[int, ...] = (), css: str = "") -> str:
    """An HTML table; cells are escaped except those holding ``<span class="detail">`` built here."""
    th = "".join(f"<th{' class=num' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    table = f'<table class="{css}">' if css else "<table>"
    return f"{table}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _key_figures(report: SessionReport) -> str:
    then, now = key_figures(report.before), key_figures(report.map.figures)
    rows = [
        [escape(title), escape(v0), f"{escape(v1)}<span class=detail>{escape(detail)}</span>"]
        for (title, v0, _), (_, v1, detail) in zip(then, now, strict=True)
    ]
    rows.append(
        [
            "Kreise ohne Mitglied",
            escape(words.number(len(report.before.kreise_without_member))),
            escape(words.number(len(report.map.figures.kreise_without_member))),
        ]
    )
    head = ["Kennzahl", f"am {words.date(report.since)}", f"am {words.date(report.until)}"]
    return _table(head, rows, css="kennzahlen")


def _kreise(report: SessionReport) -> str:
    before = {k.key: k.figures for k in report.before.kreise}
    rows = [
        [
            escape(k.name),
            escape(words.GEMEINDE.of(before[k.key].gemeinden_covered, before[k.key].gemeinden)),
            escape(words.GEMEINDE.of(k.figures.gemeinden_covered, k.figures.gemeinden)),
            escape(words.percent(k.figures.gemeinden_covered_pct, 0)),
            escape(words.STATUS_LABELS[k.status]),
        ]
        for k in report.map.figures.kreise
    ]
    head = ["Kreis", f"im Netzwerk am {words.date(report.since)}", f"am {words.date(report.until)}", "Anteil",
            "Status des Kreises"]  # fmt: skip
    return _table(head, rows, numeric=(3,))


def _chart(report: SessionReport) -> dict:
    figure = timeline_figure(report.series)
    period = {
        "type": "rect", "xref": "x", "yref": "paper", "x0": report.since.isoformat(),
        "x1": report.until.isoformat(), "y0": 0, "y1": 1, "fillcolor": "#ddcc77", "opacity": 0.35,
        "line": {"width": 0}, "layer": "below",
    }  # fmt: skip
    layout = {**figure["layout"], "width": CONTENT_WIDTH, "height": CHART_HEIGHT, "shapes": [period]}
    return {"data": figure["data"], "layout": layout}


def _change_rows(changes: pd.DataFrame) -> list[list[str]]:
    return [
        [
            escape(words.date(row.effective_date)),
            escape(row.name),
            escape(words.LEVEL_NAMES[row.level]),
            escape(words.STATUS_LABELS[row.previous]),
            escape(words.STATUS_LABELS[row.status]),
        ]
        for row in changes.itertuples()
    ]


def _names(names: list[str], none: str) -> str:
    """``A, B und C``; beyond :data:`MAX_NAMES` the rest counted (the summary keeps its few lines)."""
    if len(names) > MAX_NAMES:
        return f"{', '.join(names[:MAX_NAMES])} und {len(names) - MAX_NAMES} weitere"
    return words.enumeration(names) or none


def _summary(changes: pd.DataFrame) -> str:
    joined = changes[changes["status"] == "member"]["name"].tolist()
    left = changes[changes["status"] == "left"]["name"].tolist()
    lines = [
        f"{words.counted(len(changes), words.STATUS_CHANGE)} im Berichtszeitraum.",
        f"Neue Mitglieder: {_names(joined, 'keine')}.",
        f"Ausgetreten: {_names(left, 'niemand')}.",
    ]
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _sources(report: SessionReport) -> str:
    figures = report.map.figures
    source = figures.population_source
    population = (
        f"Einwohner: {words.LEVEL_NAMES.get(source.level, source.level)}-Zahlen, Stand {words.date(source.date)}."
        if source is not None and source.date
        else "Einwohner: keine Angabe."
    )
    items = [
        report.map.source,
        population,
        f"Register: Netzwerk {report.network}; Statusangaben mit ihrem Gültigkeitsdatum.",
        f"Erstellt am {words.date(dt.date.today())} mit lpr-geo.",
    ]
    return "<ul class=quellen>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _legend(doc: MapDocument) -> str:
    return "".join(
        f'<li><span class="swatch" style="background:{c.colour}"></span>{escape(c.label)} ({n})</li>'
        for c, n in doc.legend
    )


def page(report: SessionReport) -> str:
    """The Sitzungsbericht as one self-contained HTML document of A4 pages."""
    footer = f"<p class=fuss>Sitzungsbericht {escape(report.network)} · {escape(report.period)}</p>"
    notice = f'<p class="hinweis">{escape(SAMPLE_NOTICE)}</p>' if report.map.sample else ""
    changes = report.changes
    rows = _change_rows(changes.tail(MAX_CHANGES))  # a long period: the latest changes matter most
    head = ["Datum", "Region", "Ebene", "vorher", "nachher"]
    earlier = len(changes) - len(rows)
    rest = (
        f"<p>Die {escape(words.number(earlier))} früheren Statusänderungen (bis "
        f"{escape(words.date(changes['effective_date'].iloc[earlier - 1]))}) sind nicht aufgeführt.</p>"
        if earlier > 0
        else ""
    )
    first = _table(head, rows[:FIRST_PAGE_ROWS]) if rows else "<p>Keine Statusänderungen.</p>"
    pages = [
        f"<h1>Sitzungsbericht · {escape(TITLE)}</h1>"
        f"<p class=unter>{escape(report.network)} · Berichtszeitraum {escape(report.period)}</p>{notice}"
        f"<h2>Kennzahlen</h2>{_key_figures(report)}"
        f"<h2>Karte am {escape(words.date(report.until))}</h2>"
        '<div id="karte" role="img" aria-label="Karte: Status der Gemeinden im Netzwerk"></div>'
        f'<ul class="legende" aria-label="Legende">{_legend(report.map)}</ul>',
        f"<h2>Entwicklung seit der Gründung</h2><div id={_CHART_ID}></div>"
        "<p class=unter>Mitglieder und Gemeinden im Netzwerk je Monatsende; hinterlegt: der Berichtszeitraum.</p>"
        f"<h2>Kreise und kreisfreie Städte am {escape(words.date(report.until))}</h2>{_kreise(report)}",
        f"<h2>Änderungen im Berichtszeitraum</h2>{_summary(changes)}{rest}{first}",
    ]
    if len(rows) > FIRST_PAGE_ROWS:
        pages.append(
            f"<h2>Änderungen im Berichtszeitraum (Fortsetzung)</h2>{_table(head, rows[FIRST_PAGE_ROWS:])}"
        )
    pages[-1] += f"<h2>Quellen</h2>{_sources(report)}"
    body = "".join(f"<section class=seite>{content}{footer}</section>" for content in pages)
    scripts = map_scripts(report.map.figure, report.map.geojson, charts={_CHART_ID: _chart(report)})
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>Sitzungsbericht {escape(report.period)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}{scripts}</body></html>\n"
    )


def filename(report: SessionReport) -> str:
    """``sitzungsbericht-2026-06-01-bis-2026-12-01.pdf``."""
    return f"sitzungsbericht-{report.since.isoformat()}-bis-{report.until.isoformat()}.pdf"


def pdf(report: SessionReport, chromium: str) -> bytes:
    """The report as a PDF of 3 or 4 A4 pages, rendered offline in Chromium."""
    from .exports import render_pdf

    return render_pdf(page(report), A4_PORTRAIT, chromium).content
