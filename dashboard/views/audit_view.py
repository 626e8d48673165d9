"""The Verwaltung page's Änderungsprotokoll: the audit trail, browsable and filterable (issue 8).

The trail holds old and new values of contact persons, so only admins read it: the callback that fills
the grid is refused for everyone else before it runs (its outputs are in :data:`ADMIN_OUTPUTS`, see
:func:`dashboard.login.register`), it checks the role itself and :func:`lpr_geo.register.audit_entries`
checks it once more. Entries come newest first, 200 per page ("Weitere laden"); the grid shows every
value as text.
"""

from __future__ import annotations

import datetime as dt

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

from lpr_geo import Status, User, audit_entries, audit_regions, has_role, list_users
from lpr_geo import vocabulary as words
from lpr_geo.vocabulary import AUDIT_TABLE_LABELS, ROLE_LABELS, audit_field_label

from .. import browser_input, ids
from ..forms import committed_field
from ..grid_locale import GERMAN_TEXT
from ..inputs import register_commit
from ..login import current_user
from ..services import Services

#: Outputs only the admin callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = (
    ids.AUDIT_GRID,
    ids.AUDIT_COUNT,
    ids.AUDIT_MESSAGE,
    ids.AUDIT_MORE,
    ids.AUDIT_PAGE,
    ids.AUDIT_USERS,
)
PAGE_SIZE = 200
#: Most characters of a filter field (the fields' own ``maxLength`` is 100 or 200).
MAX_FILTER_CHARS = 200
FILTER_FIELDS = (ids.AUDIT_USER, ids.AUDIT_TABLE, ids.AUDIT_SINCE, ids.AUDIT_UNTIL, ids.AUDIT_TEXT)
LOCAL_TIME = words.LOCAL_TIME
TABLE_LABELS = AUDIT_TABLE_LABELS
TABLES_BY_LABEL = {label.casefold(): table for table, label in TABLE_LABELS.items()}
COLUMNS = {
    "zeitpunkt": ("Zeitpunkt", {"width": 180, "pinned": "left"}),
    "benutzer": ("Benutzer", {"width": 140}),
    "bereich": ("Bereich", {"width": 130}),
    "region": ("Region", {"width": 170, "wrapText": True, "autoHeight": True}),
    "datensatz": ("Nr.", {"width": 80, "type": "numericColumn", "cellDataType": "number"}),
    "feld": ("Feld", {"width": 140}),
    "alt": ("alter Wert", {"flex": 1, "minWidth": 180, "wrapText": True, "autoHeight": True}),
    "neu": ("neuer Wert", {"flex": 1, "minWidth": 180, "wrapText": True, "autoHeight": True}),
}


def _filter_field(label: str, component_id: str, *, wide: bool = False, **props) -> html.Div:
    """A labelled filter field that applies on Enter or when left (see :mod:`dashboard.inputs`)."""
    return html.Div(
        committed_field(label, component_id, **props), className="field field-wide" if wide else "field"
    )


def _date_field(label: str, component_id: str) -> html.Div:
    return _filter_field(
        label,
        component_id,
        type="text",
        placeholder="TT.MM.JJJJ",
        inputMode="numeric",
        maxLength=10,
        className="date-field",
    )


def layout(_services: Services) -> html.Div:
    return html.Div(
        [
            html.H3("Änderungsprotokoll", id=ids.AUDIT_TITLE, className="section-title"),
            html.P(
                "Jede Änderung am Register mit Zeitpunkt, Benutzer, altem und neuem Wert, die neuesten "
                "zuerst. Enthält personenbezogene Daten der Kontaktpersonen: nur für die Verwaltung.",
                className="hint",
            ),
            html.Form(
                [
                    _filter_field(
                        "Benutzer",
                        ids.AUDIT_USER,
                        suggestions=(ids.AUDIT_USERS, []),
                        type="text",
                        placeholder="alle",
                        maxLength=100,
                    ),
                    _filter_field(
                        "Bereich",
                        ids.AUDIT_TABLE,
                        suggestions=(f"{ids.AUDIT_TABLE}-liste", TABLE_LABELS.values()),
                        type="text",
                        placeholder="alle",
                        maxLength=100,
                    ),
                    _date_field("Von (TT.MM.JJJJ)", ids.AUDIT_SINCE),
                    _date_field("Bis (TT.MM.JJJJ)", ids.AUDIT_UNTIL),
                    _filter_field(
                        "Text enthält",
                        ids.AUDIT_TEXT,
                        wide=True,
                        type="search",
                        placeholder="Feld, Wert oder Datensatz-Nr.",
                        maxLength=200,
                    ),
                    html.Button(
                        "Aktualisieren", id=ids.AUDIT_REFRESH, type="button", className="button secondary"
                    ),
                    html.P(id=ids.AUDIT_MESSAGE, role="alert", className="form-error"),
                ],
                className="admin-filters",
                role="search",
                **{"aria-label": "Änderungsprotokoll filtern"},
            ),
            html.P(id=ids.AUDIT_COUNT, className="hint", role="status"),
            dcc.Store(id=ids.AUDIT_PAGE, data=None),
            dag.AgGrid(
                id=ids.AUDIT_GRID,
                rowData=[],
                columnDefs=[{"field": f, "headerName": h, **extra} for f, (h, extra) in COLUMNS.items()],
                # filtering and paging happen on the server; sorting a page of it would mislead. Values are
                # text whatever they look like: AG Grid would otherwise infer a type from the first row
                # (an ISO timestamp) and blank every other value of the column.
                defaultColDef={"sortable": False, "resizable": True, "filter": False, "cellDataType": "text"},
                dashGridOptions={
                    **GERMAN_TEXT,
                    "enableCellTextSelection": True,
                    "suppressCellFocus": False,
                },
                getRowId="params.data.id",
                className="ag-theme-quartz audit-grid",
                style={"height": "480px"},
            ),
            html.Button(
                "Weitere laden", id=ids.AUDIT_MORE, type="button", className="button secondary", hidden=True
            ),
        ],
        id=ids.ADMIN_AUDIT,
        className="card admin-part",
        role="region",
        **{"aria-labelledby": ids.AUDIT_TITLE},
    )


# --- filters and rows -----------------------------------------------------------------------------------


def parse_day(label: str, text: str | None) -> tuple[dt.date | None, str]:
    """A day typed as TT.MM.JJJJ (also 7.6.2021 or ISO); empty means no limit, never an error."""
    if not (text or "").strip():
        return None, ""
    try:
        return words.parse_date(text, label), ""
    except ValueError as error:
        return None, f"{error}, z. B. 01.03.2026."


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Brandenburg at the start of ``day``, in UTC (the trail stores UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TIME).astimezone(dt.UTC)


def _filters(user, table, since_text, until_text, text) -> tuple[dict, str]:
    since, since_error = parse_day("Von", since_text)
    until, until_error = parse_day("Bis", until_text)
    errors = [e for e in (since_error, until_error) if e]
    table = (table or "").strip()
    table_name = TABLES_BY_LABEL.get(table.casefold()) if table else None
    if table and table_name is None:
        errors.append(f"Bereich: »{table}« gibt es nicht; zur Wahl: {', '.join(TABLE_LABELS.values())}.")
    if since and until and until < since:
        errors.append("Bis: das Datum liegt vor dem Von-Datum.")
    filters = {
        "user": (user or "").strip() or None,
        "table": table_name,
        # local days: from midnight of "von" to (before) midnight after "bis"
        "since": day_start(since) if since else None,
        "until": day_start(until + dt.timedelta(days=1)) if until else None,
        "text": (text or "").strip() or None,
    }
    return filters, " ".join(errors)


#: Fields holding a day, and fields holding a moment (stored as ISO text), shown the German way.
_DAY_FIELDS = {"effective_date", "date", "next_step_due", "founded"}
_MOMENT_FIELDS = {"created_at", "changed_at", "attempted_at", "last_seen_at"}
_FLAGS = {"True": "ja", "False": "nein"}


def _value(field: str, value) -> str:
    """A stored value as text, the German way: labels with their code (it stays filterable), dates."""
    if pd.isna(value):
        return ""
    text = str(value)
    labels = {"status": {s.value: s.label for s in Status}, "role": ROLE_LABELS}.get(field, {})
    if text in labels:
        return f"{labels[text]} ({text})"
    try:
        if field in _DAY_FIELDS:
            return words.date(text)
        if field in _MOMENT_FIELDS:
            return words.date_time(dt.datetime.fromisoformat(text))
    except ValueError:
        return text  # not what the field usually holds: shown as stored
    return _FLAGS.get(text, text)


def grid_rows(entries: pd.DataFrame, regions: list[str] | None = None) -> list[dict]:
    """Audit entries as grid rows: local time, German labels and dates, the region each is about."""
    regions = regions if regions is not None else [""] * len(entries)
    return [
        {
            "id": str(entry.id),  # AG Grid's row ids are text
            "zeitpunkt": words.date_time(entry.changed_at.to_pydatetime()),
            "benutzer": entry.changed_by,
            "bereich": TABLE_LABELS.get(entry.table_name, entry.table_name),
            "region": region,
            "datensatz": int(entry.record_id),
            "feld": audit_field_label(entry.table_name, entry.field),
            "alt": _value(entry.field, entry.old_value),
            "neu": _value(entry.field, entry.new_value),
        }
        for entry, region in zip(entries.itertuples(index=False), regions, strict=True)
    ]


def user_options(services: Services, admin: User) -> list[html.Option]:
    """Accounts and everyone who appears among the latest entries (the command line writes as OS users)."""
    recent = audit_entries(services.engine, admin, limit=1000)["changed_by"]
    names = sorted({user.name for user in list_users(services.engine)} | set(recent), key=str.casefold)
    return [html.Option(value=name) for name in names]


def _committed(data) -> str:
    """The text a filter field committed (see :func:`dashboard.inputs.register_commit`); none yet: empty."""
    return "" if data is None else browser_input.committed_text(data, "Filter", MAX_FILTER_CHARS)


def _page(data) -> dict[str, int]:
    """The paging state the grid's store holds (written by :func:`register`'s callback), checked."""
    page = browser_input.mapping(data, "Seite")
    return {
        name: browser_input.whole_number(page.get(name), f"Seite: {name}")
        for name in ("offset", "shown", "oldest")
    }


def _count(shown: int, more: bool) -> str:
    if not shown:
        return "Keine Einträge für diese Auswahl."
    if more:
        return f"Die neuesten {shown} Einträge; ältere mit »Weitere laden«."
    return f"{shown} Einträge." if shown > 1 else "1 Eintrag."


def register(app, services: Services) -> None:
    """Add the callback that fills the Änderungsprotokoll (admins only)."""
    # The part is on the Verwaltung page only; the renderer learns its ids from the empty layout.
    app.validation_layout = html.Div([app.validation_layout, layout(services)])

    @app.callback(
        Output(ids.AUDIT_GRID, "rowData"),
        Output(ids.AUDIT_PAGE, "data"),
        Output(ids.AUDIT_COUNT, "children"),
        Output(ids.AUDIT_MORE, "hidden"),
        Output(ids.AUDIT_MESSAGE, "children"),
        Output(ids.AUDIT_USERS, "children"),
        *(register_commit(app, field) for field in FILTER_FIELDS),
        Input(ids.AUDIT_REFRESH, "n_clicks"),
        Input(ids.AUDIT_MORE, "n_clicks"),
        State(ids.AUDIT_PAGE, "data"),
    )
    def show_entries(user, table, since, until, text, _refresh, _more, page):
        admin = current_user()
        if not has_role(admin, "admin"):  # refused before it runs; this is the second lock
            return [], None, "", True, "", []
        filters, error = _filters(*(_committed(c) for c in (user, table, since, until, text)))
        if error:
            return no_update, no_update, no_update, no_update, error, no_update
        more = ctx.triggered_id == ids.AUDIT_MORE and page is not None
        page = _page(page) if more else {}
        offset = page["offset"] if more else 0
        entries = audit_entries(services.engine, admin, **filters, limit=PAGE_SIZE + 1, offset=offset)
        has_more = len(entries) > PAGE_SIZE
        entries = entries.head(PAGE_SIZE)
        options = no_update if more else user_options(services, admin)
        if not more:
            rows = grid_rows(entries, audit_regions(services.engine, entries))
            state = {
                "offset": len(entries),
                "shown": len(rows),
                "oldest": min((int(r["id"]) for r in rows), default=0),
            }
            return rows, state, _count(len(rows), has_more), not has_more, "", options
        # entries written since the first page push older ones down: skip what is already shown
        oldest = page["oldest"]
        rows = grid_rows(entries, audit_regions(services.engine, entries))
        rows = [row for row in rows if not oldest or int(row["id"]) < oldest]
        patch = Patch()
        patch.extend(rows)
        shown = page["shown"] + len(rows)
        state = {
            "offset": offset + len(entries),
            "shown": shown,
            "oldest": min((int(r["id"]) for r in rows), default=oldest),
        }
        return patch, state, _count(shown, has_more), not has_more, "", options
