"""Noch nicht im Netzwerk: the ranked gap list with its reasons and score parts, export and selection.

Columns, headers and file formats come from :mod:`lpr_geo.coverage.gap_table` (the same writer as
``lpr-geo gaps``); this module only adds how the grid shows them.
"""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback_context, dcc, html

from lpr_geo import GAP_TABLE, gap_csv, gap_table, gap_xlsx, grid_values, priority_key
from lpr_geo import PRIORITY_PARTS as PARTS
from lpr_geo import vocabulary as words

from .. import ids
from ..grid_locale import GERMAN_TEXT, ONE_DECIMAL_DE
from ..grid_rows import grid_rows
from ..inputs import text_input
from ..services import Services
from ..url_state import ViewState

POPULATION_LEVEL = {"gemeinde": "Gemeindeebene", "kreis": "Kreisebene"}

_GERMAN_DATE = {"function": "params.value ? params.value.split('-').reverse().join('.') : ''"}
_THOUSANDS = {"function": "params.value == null ? '–' : d3.format(',')(params.value).replace(/,/g, '.')"}
#: Header tooltips of the score parts: what earns the points (the model: lpr_geo.coverage.priority).
_PART_TIPS = {
    "score_population": "Einwohner: 0 Punkte bis 1.000 Einwohner, 30 ab 100.000 (logarithmisch); "
    "unbekannte Einwohnerzahl: 0",
    "score_town": "Stadt oder kreisfreie Stadt: 10 Punkte",
    "score_network": "Netzwerk nebenan: 5 je Nachbar im Netzwerk (höchstens 15), bis 10 für die Nähe zum "
    "nächsten Mitglied (0 ab 50 km), bis 10 für den Anteil der Gemeinden des Kreises im Netzwerk",
    "score_kreis_without_member": "Kreis ohne Mitglied: 20 Punkte",
    "score_never_contacted": "nie kontaktiert (weder Statusänderung noch Aktivität): 10 Punkte",
}
_NO_FILTER_BUTTON = {"filter": False, "suppressHeaderMenuButton": True}
#: How the grid shows each column (beyond field and header): widths, pinning, formats. The widths add up
#: to the grid's width at 1280 px, so that the priority, its parts and the reason show without scrolling.
_SHOWN = {
    "rank": {"pinned": "left", "width": 80, "sort": "asc", **_NO_FILTER_BUTTON},
    "name": {
        "pinned": "left",
        "width": 165,
        "wrapText": True,
        "autoHeight": True,
        "cellClass": "wrapped-cell",
    },
    "priority": {
        "pinned": "left",
        "width": 96,
        "cellClass": ["ag-right-aligned-cell", "priority-cell"],
        **_NO_FILTER_BUTTON,
    },
    **{name: {"width": 88, "headerTooltip": _PART_TIPS[name], **_NO_FILTER_BUTTON} for name in PARTS},
    "reason": {"width": 360, "wrapText": True, "autoHeight": True, "cellClass": "wrapped-cell reason-cell"},
    "kreis_name": {"width": 170},
    "bez": {"width": 110},
    "key": {"width": 110},
    "population": {"width": 110, "valueFormatter": _THOUSANDS},
    "group_label": {"width": 150},
    "last_kind": {"width": 190},
}
_FORMATS = {
    "integer": {"type": "numericColumn"},
    "decimal": {"type": "numericColumn", "valueFormatter": ONE_DECIMAL_DE},
    "date": {"valueFormatter": _GERMAN_DATE},
}


def _column_defs() -> list[dict]:
    return [
        {
            "field": column.field,
            "headerName": column.header,
            "width": 120,
            **_FORMATS.get(column.kind, {}),
            **_SHOWN.get(column.field, {}),
        }
        for column in GAP_TABLE
    ]


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Noch nicht im Netzwerk", id=ids.GAPS_TITLE, className="section-title"),
            html.P(
                "Regionen der gewählten Ebene, die noch nicht im Netzwerk sind, nach Priorität geordnet; "
                "jede Zeile sagt, warum. Ausgewählte Zeilen werden in der Karte hervorgehoben.",
                className="hint",
            ),
            html.P(id=ids.GAPS_KEY, className="gaps-key"),
            html.P(id=ids.GAPS_POPULATION_NOTE, className="hint"),
            html.Div(
                [
                    html.Label("Schnellsuche", htmlFor=ids.GAPS_QUICK_FILTER),
                    text_input(ids.GAPS_QUICK_FILTER, type="search", placeholder="z. B. Elbe-Elster"),
                    html.Button(
                        "Auch »Kein Interesse« und »Ausgetreten« zeigen",
                        id=ids.GAPS_WITH_DECLINED,
                        type="button",
                        className="button secondary",
                        **{"aria-pressed": "false"},
                    ),
                    html.Button(
                        "Auswahl zur Besuchsplanung", id=ids.GAPS_TO_ROUTE, type="button", className="button"
                    ),
                    html.Button(
                        "CSV herunterladen", id=ids.GAPS_CSV, type="button", className="button secondary"
                    ),
                    html.Button(
                        "Excel herunterladen", id=ids.GAPS_XLSX, type="button", className="button secondary"
                    ),
                    dcc.Download(id=ids.GAPS_DOWNLOAD),
                ],
                className="toolbar",
            ),
            dag.AgGrid(
                id=ids.GAPS_GRID,
                columnDefs=_column_defs(),
                defaultColDef={
                    "sortable": True,
                    "resizable": True,
                    "filter": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    **GERMAN_TEXT,
                    "rowSelection": {
                        "mode": "multiRow",
                        "checkboxes": True,
                        "headerCheckbox": False,
                        "enableClickSelection": False,
                    },
                    "pagination": True,
                    "paginationPageSize": 20,
                    "enableCellTextSelection": True,
                    "tooltipShowDelay": 300,
                    # 20 rows of 22 columns: render them all, so that a search or a test finds every cell
                    "suppressColumnVirtualisation": True,
                    # the checkboxes stay with the name when the grid scrolls sideways
                    "selectionColumnDef": {"pinned": "left", "width": 44, "suppressHeaderMenuButton": True},
                },
                getRowId="params.data.key",
                className="ag-theme-quartz gaps-grid",
                style={"height": "640px"},
            ),
        ],
        className="card",
        **{"aria-labelledby": ids.GAPS_TITLE},
    )


def _wants_declined(clicks: object) -> bool:
    """The toggle's state from its clicks as the browser reports them: on after an odd number."""
    return isinstance(clicks, int) and clicks % 2 == 1


def gap_rows(services: Services, view: ViewState, with_declined: bool) -> pd.DataFrame:
    """The gap list of a view (:func:`lpr_geo.coverage.gap_table.gap_table`), in one Kreis if chosen."""
    gaps = services.gaps(view.network, view.on, view.level)
    if view.kreis:
        gaps = gaps[gaps["kreis_key"] == view.kreis]
    return gap_table(gaps, with_declined=with_declined)


def _population_note(services: Services, view: ViewState) -> str:
    """Where the "Einwohner" column comes from, and what its absence means for the priority."""
    if view.level == "kreis":  # the Kreise's own figures (Destatis), whatever the Gemeinden have
        dates = services.tables(view.network, view.on).table("kreis")["population_date"].dropna()
        return (
            f"Einwohner: {POPULATION_LEVEL['kreis']}, Stand {words.date(max(dates))}." if len(dates) else ""
        )
    source = services.figures(view.network, view.on).population_source
    if source is not None and source.level == "gemeinde":
        return f"Einwohner: {POPULATION_LEVEL['gemeinde']}, Stand {words.date(source.date)}."
    return (
        "Die Einwohnerzahlen der Gemeinden sind noch nicht importiert: bekannt sind nur die der kreisfreien "
        "Städte (ihre Kreiszahlen). Die übrigen Gemeinden erhalten bis dahin keine Einwohnerpunkte "
        "(»Einwohnerzahl unbekannt«). Die Einwohnerzahlen der Gemeinden kann die Verwaltung importieren."
    )


def register(app, services: Services) -> None:
    @app.callback(
        Output(ids.GAPS_GRID, "rowData"),
        Output(ids.GAPS_KEY, "children"),
        Output(ids.GAPS_POPULATION_NOTE, "children"),
        Output(ids.GAPS_WITH_DECLINED, "aria-pressed"),
        Input(ids.SCOPE, "data"),
        Input(ids.GAPS_WITH_DECLINED, "n_clicks"),
    )
    def show_gaps(scope, clicks):
        view = ViewState.from_scope(scope, services.known_values())
        with_declined = _wants_declined(clicks)
        table = gap_rows(services, view, with_declined)
        return (
            grid_rows(grid_values(table)),
            priority_key(services.priority),
            _population_note(services, view),
            "true" if with_declined else "false",
        )

    # the quick filter works in the browser, keystroke by keystroke, without a request
    app.clientside_callback(
        "function (text, options) { return Object.assign({}, options, {quickFilterText: text || ''}); }",
        Output(ids.GAPS_GRID, "dashGridOptions"),
        Input(ids.GAPS_QUICK_FILTER, "value"),
        State(ids.GAPS_GRID, "dashGridOptions"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.GAPS_DOWNLOAD, "data"),
        Input(ids.GAPS_CSV, "n_clicks"),
        Input(ids.GAPS_XLSX, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.GAPS_WITH_DECLINED, "n_clicks"),
        prevent_initial_call=True,
    )
    def download(csv_clicks, xlsx_clicks, stored, declined_clicks):
        view = ViewState.from_store(stored, services.known_values())
        table = gap_rows(services, view, _wants_declined(declined_clicks))
        name = f"noch-nicht-im-netzwerk-{view.level}-{view.on.isoformat()}"
        if callback_context.triggered_id == ids.GAPS_XLSX:
            return dcc.send_bytes(gap_xlsx(table), f"{name}.xlsx")
        return dcc.send_bytes(gap_csv(table), f"{name}.csv")
