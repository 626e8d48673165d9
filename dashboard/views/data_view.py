"""Admin area: register export and import (CSV/XLSX), the import checked before it is applied (issue 8).

Export: the whole register with contact persons as a member file that imports back without loss.
Import: the three steps of :class:`lpr_geo.register.ImportStaging` (the browser keeps only its token):
upload, "Prüfen" (a dry run that keeps the checked rows), "Übernehmen" (exactly those rows, once). A file
with problems cannot be applied (the import writes all rows or none anyway). Every callback here is
refused for non-admins before it runs (outputs in :data:`ADMIN_OUTPUTS`) and checks the role itself
again; the export carries personal data. The map picks the change up by itself: the services' caches
are keyed by the register revision, which every import changes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import tempfile
from pathlib import Path

from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import (
    SUFFIXES,
    ImportReport,
    NotChecked,
    RegisterError,
    StagingGone,
    User,
    export_members,
    require_role,
)
from lpr_geo import vocabulary as words

from .. import forms, ids
from ..login import current_user
from ..services import Services

#: Outputs only the admin callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = (
    ids.DATA_DOWNLOAD,
    ids.DATA_UPLOAD,
    ids.DATA_FILE,
    ids.DATA_FILE_INFO,
    ids.DATA_CHECK,
    ids.DATA_APPLY,
    ids.DATA_REPORT,
    ids.DATA_SAMPLE_CHOICE,
)
COUNT_LABELS = {
    "participants_added": "Regionen neu",
    "events_added": "Statuseinträge neu",
    "events_changed": "Statuseinträge geändert",
    "contacts_added": "Ansprechpartner neu",
    "contacts_changed": "Ansprechpartner geändert",
}
NO_FILE = "Noch keine Datei hochgeladen."
SAMPLE_QUESTION = (
    "Das Register enthält noch das Beispielregister (fiktive Einträge). Echte Daten dürfen sich nicht mit "
    "ihm mischen: »Beispielregister entfernen und übernehmen« entfernt es im selben Schritt, in dem die "
    "geprüfte Datei übernommen wird (»lpr-geo db sample« stellt es in einem leeren Register wieder her)."
)
REMOVE_SAMPLE_LABEL = "Beispielregister entfernen und übernehmen"


def _size(n: int) -> str:
    """Size in KB or MB, rounded up (a file just over the limit must not read as the limit)."""
    if n < 1024 * 1024:
        return f"{words.number(math.ceil(n / 102.4) / 10, 1)} KB"
    return f"{words.number(math.ceil(n / 104857.6) / 10, 1)} MB"


def layout(services: Services) -> html.Div:
    limit = services.imports.limits.max_bytes
    return html.Div(
        [
            html.H3("Register importieren und exportieren", id=ids.DATA_TITLE, className="section-title"),
            html.H4("Export"),
            html.P(
                "Das ganze Register (alle Netzwerke) mit Status, Bemerkungen und Kontaktpersonen. Die Datei "
                "lässt sich bearbeiten und wieder importieren. Sie enthält personenbezogene Daten.",
                className="hint",
            ),
            html.Div(
                [
                    html.Button(
                        "Register als CSV", id=ids.DATA_EXPORT_CSV, type="button", className="button"
                    ),
                    html.Button("als XLSX", id=ids.DATA_EXPORT_XLSX, type="button", className="button"),
                    dcc.Download(id=ids.DATA_DOWNLOAD),
                ],
                className="toolbar",
            ),
            html.H4("Import"),
            html.P(
                "Mitgliederliste als CSV oder XLSX mit den Spalten des Exports (Ebene, Schlüssel oder Name, "
                f"Kreis, Status, Seit, …), höchstens {_size(limit)}. Erst »Prüfen« zeigt, was sich "
                "ändern würde, und jedes Problem mit Zeile und Feld; »Übernehmen« importiert dann genau "
                "die geprüfte Datei, ganz oder gar nicht.",
                className="hint",
            ),
            dcc.Upload(
                html.Div(
                    [
                        "CSV- oder XLSX-Datei hierher ziehen oder ",
                        html.Button("Datei auswählen", type="button", className="button secondary"),
                    ]
                ),
                id=ids.DATA_UPLOAD,
                accept=",".join(SUFFIXES),
                max_size=limit,  # the browser refuses bigger files; the server checks again
                multiple=False,
                className="upload-zone",
                className_active="upload-zone active",
                className_reject="upload-zone reject",
            ),
            html.P(id=ids.DATA_UPLOAD_REFUSED, role="alert", className="form-error"),
            dcc.Store(id=ids.DATA_FILE, data=None),
            html.P(NO_FILE, id=ids.DATA_FILE_INFO, className="hint", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Button(
                        "Prüfen", id=ids.DATA_CHECK, type="button", className="button", disabled=True
                    ),
                    html.Button(
                        "Übernehmen", id=ids.DATA_APPLY, type="button", className="button", disabled=True
                    ),
                ],
                className="toolbar",
            ),
            _sample_choice(services.holds_sample()),
            html.Div(id=ids.DATA_REPORT, role="status", className="import-report"),
        ],
        id=ids.ADMIN_DATA,
        className="card admin-part",
        role="region",
        **{"aria-labelledby": ids.DATA_TITLE},
    )


def _sample_choice(holds_sample: bool) -> html.Div:
    """The going-live question: while the register holds the sample, an import must remove it."""
    return html.Div(
        [
            html.P(SAMPLE_QUESTION, className="hint"),
            html.Button(
                REMOVE_SAMPLE_LABEL, id=ids.DATA_APPLY_REMOVING_SAMPLE, type="button", className="button"
            ),
        ],
        id=ids.DATA_SAMPLE_CHOICE,
        hidden=not holds_sample,
        className="sample-choice",
    )


# --- uploads ----------------------------------------------------------------------------------------------


def _decode(contents: str) -> bytes | None:
    """The bytes of a ``data:…;base64,…`` URL from dcc.Upload (None if it is none)."""
    header, _, payload = contents.partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        return None
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- report -----------------------------------------------------------------------------------------------


def _counts_table(report: ImportReport, caption: str) -> html.Table:
    return html.Table(
        [
            html.Caption(caption),
            html.Tbody(
                [
                    html.Tr([html.Th(label, scope="row"), html.Td(str(report.counts[key]), className="num")])
                    for key, label in COUNT_LABELS.items()
                ]
            ),
        ],
        className="route-table import-counts",
    )


def _problems_table(report: ImportReport) -> html.Table:
    return html.Table(
        [
            html.Caption(f"Probleme ({len(report.problems)})"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Zeile", scope="col"),
                        html.Th("Feld", scope="col"),
                        html.Th("Problem", scope="col"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr([html.Td(str(p.row), className="num"), html.Td(p.field), html.Td(p.message)])
                    for p in report.problems
                ]
            ),
        ],
        className="route-table import-problems",
    )


def _notes(report: ImportReport) -> list:
    if not report.notes:
        return []
    return [
        html.H5("Hinweise"),
        html.Ul([html.Li(str(note)) for note in report.notes], className="import-notes"),
    ]


def report_view(report: ImportReport) -> list:
    """The German report of a dry run or an import: counts, every problem with row and field, notes."""
    if report.problems:
        n = len(report.problems)
        return [
            forms.error(
                f"{words.DATA_ROW.count(report.rows)}, {words.PROBLEM.count(n)}: die Datei kann so nicht "
                "übernommen werden. Nichts wurde gespeichert. Bitte die Datei korrigieren und neu hochladen."
            ),
            _problems_table(report),
            *_notes(report),
        ]
    if report.dry_run:
        summary = (
            f"Prüfung ohne Probleme: {words.DATA_ROW.count(report.rows)}. Nichts wurde gespeichert; »Übernehmen« "
            "importiert genau diese Datei."
        )
        if not report.changed:
            summary += " Alle Zeilen entsprechen schon dem Register: es würde sich nichts ändern."
        caption = "Änderungen beim Übernehmen"
    else:
        summary = (
            f"Übernommen: {words.DATA_ROW.count(report.rows)}. Die Karte zeigt den neuen Stand beim nächsten Wechsel der "
            "Ansicht oder nach dem Neuladen der Seite."
        )
        if not report.changed:
            summary = f"Übernommen: {words.DATA_ROW.count(report.rows)}; alle Zeilen entsprachen schon dem Register."
        if report.sample_removed:
            summary += f" Das Beispielregister ({words.REGION.count(report.sample_removed)}) wurde entfernt."
        caption = "Übernommene Änderungen"
    return [forms.done(summary), _counts_table(report, caption), *_notes(report)]


# --- the three steps ----------------------------------------------------------------------------------------


def _token(stored: object) -> object:
    """The staging token in the browser's store (the workflow checks it)."""
    return stored.get("token") if isinstance(stored, dict) else None


def _upload(contents: str, filename: str | None, stored: object, user: User, services: Services) -> tuple:
    """Keep an uploaded file on the server: (store, info, report, check disabled, apply disabled)."""
    name = filename or ""
    data = _decode(contents) if Path(name).suffix.lower() in SUFFIXES else None
    services.imports.discard(_token(stored))
    if Path(name).suffix.lower() not in SUFFIXES:
        problem = f"»{name}« ist keine CSV- oder XLSX-Datei (Endung .csv oder .xlsx)."
    elif data is None:
        problem = f"»{name}« konnte nicht gelesen werden; bitte erneut hochladen."
    elif len(data) > services.imports.limits.max_bytes:
        limit = _size(services.imports.limits.max_bytes)
        problem = f"»{name}« ist {_size(len(data))} groß; erlaubt sind höchstens {limit}."
    else:
        token = services.imports.stage(data, name, user.name)
        info = f"Hochgeladen: »{name}« ({_size(len(data))}). Als Nächstes »Prüfen«."
        return {"token": token, "name": name}, info, None, False, True
    return None, NO_FILE, forms.error(problem), True, True


def register(app, services: Services) -> None:
    """Add the callbacks of the export and the import (admins only) and the browser's size check."""
    # The section exists only in an admin's layout; the renderer learns its ids from the empty layout.
    app.validation_layout = html.Div([app.validation_layout, layout(services)])

    @app.callback(
        Output(ids.DATA_DOWNLOAD, "data"),
        Input(ids.DATA_EXPORT_CSV, "n_clicks"),
        Input(ids.DATA_EXPORT_XLSX, "n_clicks"),
        prevent_initial_call=True,
    )
    def export(_csv, _xlsx):
        try:
            require_role(current_user(), "admin")
        except RegisterError:  # refused before it runs; this is the second lock
            raise PreventUpdate from None
        suffix = ".xlsx" if ctx.triggered_id == ids.DATA_EXPORT_XLSX else ".csv"
        name = f"mitgliederregister-{dt.date.today().isoformat()}{suffix}"
        with tempfile.TemporaryDirectory(prefix="lpr-geo-export-") as folder:
            path = Path(folder) / name
            export_members(services.engine, path)
            return dcc.send_bytes(path.read_bytes(), name)

    @app.callback(
        Output(ids.DATA_FILE, "data"),
        Output(ids.DATA_FILE_INFO, "children"),
        Output(ids.DATA_REPORT, "children"),
        Output(ids.DATA_CHECK, "disabled"),
        Output(ids.DATA_APPLY, "disabled"),
        Output(ids.DATA_UPLOAD, "contents"),
        Input(ids.DATA_UPLOAD, "contents"),
        Input(ids.DATA_CHECK, "n_clicks"),
        Input(ids.DATA_APPLY, "n_clicks"),
        Input(ids.DATA_APPLY_REMOVING_SAMPLE, "n_clicks"),
        State(ids.DATA_UPLOAD, "filename"),
        State(ids.DATA_FILE, "data"),
        prevent_initial_call=True,
    )
    def import_step(contents, _check_clicks, _apply_clicks, _replacing_clicks, filename, stored):
        try:
            user = require_role(current_user(), "admin")
        except RegisterError as denied:  # refused before it runs; this is the second lock
            return None, NO_FILE, forms.error(str(denied)), True, True, None
        step = ctx.triggered_id
        if step == ids.DATA_UPLOAD:
            if not contents:  # the reset below
                raise PreventUpdate
            # the contents go back to None: the same file can be uploaded again after a fix
            return *_upload(contents, filename, stored, user, services), None
        gone = forms.error(str(StagingGone()))
        if not isinstance(stored, dict):  # the browser's store, not ours: anything may come
            return None, NO_FILE, gone, True, True, no_update
        name = str(stored.get("name", ""))
        if step == ids.DATA_CHECK:
            fix = f"»{name}« kann so nicht übernommen werden; bitte korrigieren und neu hochladen."
            try:
                report = services.imports.check(_token(stored), user.name)
            except StagingGone:
                return None, NO_FILE, gone, True, True, no_update
            except RegisterError as error:  # unreadable file, over a limit: German messages
                return None, fix, forms.error(str(error)), True, True, no_update
            if not report.ok:
                return None, fix, report_view(report), True, True, no_update
            return no_update, no_update, report_view(report), False, False, no_update
        remove = step == ids.DATA_APPLY_REMOVING_SAMPLE
        if not remove and services.holds_sample():  # asked before the upload is used up
            return no_update, no_update, forms.error(SAMPLE_QUESTION), False, False, no_update
        try:
            result = report_view(services.imports.apply(_token(stored), user.name, remove_sample=remove))
        except NotChecked as error:
            return no_update, no_update, forms.error(str(error)), False, True, no_update
        except StagingGone:
            return None, NO_FILE, gone, True, True, no_update
        except RegisterError as error:
            result = forms.error(str(error))
        info = f"»{name}« ist verarbeitet; für einen weiteren Import bitte eine neue Datei hochladen."
        return None, info, result, True, True, no_update

    # once an import removed the sample, the question goes too
    @app.callback(
        Output(ids.DATA_SAMPLE_CHOICE, "hidden"),
        Input(ids.DATA_REPORT, "children"),
        prevent_initial_call=True,
    )
    def sample_question(_report):
        return not services.holds_sample()

    # A file over max_size never reaches a callback (the browser's drop zone drops it silently): say so.
    # The same script labels the zone's hidden file input, which dcc.Upload offers no property for.
    app.clientside_callback(
        """
        function (maxSize, zoneId, messageId) {
            const attach = (tries) => {
                const zone = document.getElementById(zoneId);
                if (!zone) { if (tries > 0) { setTimeout(() => attach(tries - 1), 200); } return; }
                if (zone.dataset.sizeCheck) { return; }
                zone.dataset.sizeCheck = "1";
                // the drop zone's own file input is invisible: the button inside the zone is the one to use
                const input = zone.querySelector("input[type=file]");
                if (input) {
                    input.setAttribute("aria-label", "Mitgliederliste (CSV oder XLSX) auswählen");
                    input.tabIndex = -1;
                }
                const mb = (n) => (Math.ceil(n / 104857.6) / 10).toFixed(1).replace(".", ",") + " MB";
                const check = (files) => {
                    const big = Array.from(files || []).find((file) => file.size > maxSize);
                    window.dash_clientside.set_props(messageId, {
                        children: big ? "»" + big.name + "« ist " + mb(big.size) + " groß; erlaubt sind " +
                            "höchstens " + mb(maxSize) + ". Die Datei wurde nicht hochgeladen." : ""
                    });
                };
                zone.addEventListener("change", (event) => check(event.target.files), true);
                zone.addEventListener("drop", (event) => check(event.dataTransfer && event.dataTransfer.files), true);
            };
            attach(50);
            return window.dash_clientside.no_update;
        }
        """,
        Output(ids.DATA_UPLOAD_REFUSED, "children"),
        Input(ids.DATA_UPLOAD, "max_size"),
        Input(ids.DATA_UPLOAD, "id"),
        Input(ids.DATA_UPLOAD_REFUSED, "id"),
    )
