"""Noch nicht im Netzwerk: the ranked gap list with its score parts, export and selection."""

from __future__ import annotations

import io

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback_context, dcc, html

from lpr_geo import Status, neutralise

from .. import ids
from ..grid_locale import GERMAN_TEXT, ONE_DECIMAL_DE
from ..grid_rows import grid_rows
from ..inputs import text_input
from ..key_figure_cards import POPULATION_LEVEL
from ..services import Services
from ..text import german_date
from ..url_state import ViewState

#: Grid columns: field -> (German header, extra column options).
COLUMNS = {
    "name": ("Name", {"pinned": "left", "minWidth": 190}),
    "bez": ("Art", {"minWidth": 110}),
    "kreis_name": ("Kreis", {"minWidth": 170}),
    "population": (
        "Einwohner",
        {
            "type": "numericColumn",
            "valueFormatter": {
                "function": "params.value == null ? '–' : d3.format(',')(params.value).replace(/,/g, '.')"
            },
        },
    ),
    "area_km2": (
        "Fläche km²",
        {
            "type": "numericColumn",
            "valueFormatter": ONE_DECIMAL_DE,
        },
    ),
    "distance_km": (
        "Nächstes Mitglied km",
        {
            "type": "numericColumn",
            "valueFormatter": ONE_DECIMAL_DE,
        },
    ),
    "neighbour_members": ("Nachbarn im Netzwerk", {"type": "numericColumn"}),
    "status_label": ("Status", {"minWidth": 150}),
    "last_contact": ("Letzter Kontakt", {"minWidth": 130}),
    "score_large_town": ("Punkte: Stadt ≥ 15.000", {"type": "numericColumn"}),
    "score_kreis_without_member": ("Punkte: Kreis ohne Mitglied", {"type": "numericColumn"}),
    "score_neighbour": ("Punkte: Nachbar", {"type": "numericColumn"}),
    "score_recent_contact": ("Punkte: kürzlich kontaktiert", {"type": "numericColumn"}),
    "score": ("Priorität", {"type": "numericColumn", "sort": "desc", "pinned": "right"}),
}
EXPORT_HEADERS = {field: header for field, (header, _) in COLUMNS.items()} | {"key": "Schlüssel"}


def layout() -> html.Section:
    return html.Section(
        [
            html.H2("Noch nicht im Netzwerk", id=ids.GAPS_TITLE, className="section-title"),
            html.P(
                "Regionen der gewählten Ebene, die noch nicht im Netzwerk sind, nach Priorität geordnet. "
                "Die Priorität ist die Summe der Punkte-Spalten. Ausgewählte Zeilen werden in der Karte "
                "hervorgehoben.",
                className="hint",
            ),
            html.P(id=ids.GAPS_POPULATION_NOTE, className="hint"),
            html.Div(
                [
                    html.Label("Schnellsuche", htmlFor=ids.GAPS_QUICK_FILTER),
                    text_input(ids.GAPS_QUICK_FILTER, type="search", placeholder="z. B. Elbe-Elster"),
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
                columnDefs=[{"field": f, "headerName": h, **extra} for f, (h, extra) in COLUMNS.items()],
                defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 90},
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
                },
                getRowId="params.data.key",
                columnSize="autoSize",
                className="ag-theme-quartz gaps-grid",
                style={"height": "560px"},
            ),
        ],
        className="card",
        **{"aria-labelledby": ids.GAPS_TITLE},
    )


def _gaps_frame(services: Services, view: ViewState) -> pd.DataFrame:
    level = view.level
    gaps = services.gaps(view.network, view.on, level)
    if view.kreis:
        gaps = gaps[gaps["kreis_key"] == view.kreis]
    frame = gaps.assign(
        status_label=[Status(s).label for s in gaps["effective_status"]],
        last_contact=[
            d.strftime("%d.%m.%Y") if d == d and d is not None else "" for d in gaps["last_contact"]
        ],
        population=gaps["population"].astype("Float64").round(0),
        area_km2=gaps["area_km2"].round(1),
        distance_km=gaps["distance_km"].round(1),
    )
    return frame[["key", *COLUMNS]]


def _population_note(services: Services, view: ViewState) -> str:
    """Where the "Einwohner" column comes from, and what its absence means for the score."""
    if view.level == "kreis":  # the Kreise's own figures (Destatis), whatever the Gemeinden have
        dates = services.tables(view.network, view.on).table("kreis")["population_date"].dropna()
        return (
            f"Einwohner: {POPULATION_LEVEL['kreis']}, Stand {german_date(max(dates))}." if len(dates) else ""
        )
    source = services.figures(view.network, view.on).population_source
    if source is not None and source.level == "gemeinde":
        return f"Einwohner: {POPULATION_LEVEL['gemeinde']}, Stand {german_date(source.date)}."
    return (
        "Einwohnerzahlen der Gemeinden sind noch nicht importiert (»–«); die Punkte für Städte ab 15.000 "
        "Einwohnern werden erst danach vergeben (Import: lpr-geo geodata import-population)."
    )


def register(app, services: Services) -> None:
    @app.callback(
        Output(ids.GAPS_GRID, "rowData"),
        Output(ids.GAPS_POPULATION_NOTE, "children"),
        Input(ids.SCOPE, "data"),
    )
    def show_gaps(scope):
        view = ViewState.from_scope(scope, services.known_values())
        frame = _gaps_frame(services, view)
        return grid_rows(frame), _population_note(services, view)

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
        prevent_initial_call=True,
    )
    def download(csv_clicks, xlsx_clicks, stored):
        view = ViewState.from_store(stored, services.known_values())
        frame = _gaps_frame(services, view).rename(columns=EXPORT_HEADERS)
        frame = frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
        name = f"noch-nicht-im-netzwerk-{view.level}-{view.on.isoformat()}"
        if callback_context.triggered_id == ids.GAPS_XLSX:
            buffer = io.BytesIO()
            frame.to_excel(buffer, index=False, sheet_name="Noch nicht im Netzwerk")
            return dcc.send_bytes(buffer.getvalue(), f"{name}.xlsx")
        text = frame.to_csv(index=False, sep=";", decimal=",")
        return dcc.send_bytes(text.encode("utf-8-sig"), f"{name}.csv")
