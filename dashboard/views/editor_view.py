"""Editor panel under the region detail: set the status, record an activity, see the contact persons.

The panel is built by a callback and only for users with the role editor (or admin): a viewer's
response holds neither the forms nor any contact data. The save callbacks are refused for everyone else
before they run (:func:`dashboard.login.register`, by their output ids in :data:`EDITING_OUTPUTS`), and
the editing functions check the role once more. Saving a status sends the participant version the form
was loaded with; a stale form gets "inzwischen von X geändert" with both versions, never an overwrite.
"""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo.auth import PermissionDenied, User, has_role
from lpr_geo.register import ACTIVITY_KINDS
from lpr_geo.register.editing import add_activity, current_status, set_status
from lpr_geo.register.errors import InvalidInput, StaleEdit
from lpr_geo.register.personal import contacts_for
from lpr_geo.status import EVENT_STATUSES

from .. import ids
from ..login import current_user
from ..services import Services
from ..url_state import ViewState

#: Outputs only the editing callbacks write; Dash updates naming them need the role editor.
EDITING_OUTPUTS: tuple[str, ...] = (ids.STATUS_MESSAGE, ids.ACTIVITY_MESSAGE)
LEVEL_OF_KEY = {5: "kreis", 9: "amt", 8: "gemeinde"}


def _field(label: str, component_id: str, control) -> html.P:
    return html.P([html.Label(label, htmlFor=component_id), html.Br(), control], className="form-field")


def _text(
    component_id: str, placeholder: str = "", max_length: int | None = None, value: str = ""
) -> dcc.Input:
    return dcc.Input(id=component_id, type="text", value=value, placeholder=placeholder, maxLength=max_length)


def _today() -> str:
    return f"{dt.date.today():%d.%m.%Y}"


def _panel(services: Services, user: User, view: ViewState, level: str) -> list:
    current = current_status(services.engine, level, view.region, view.network)
    contacts = contacts_for(services.engine, user, level, view.region)
    status = current.status.value if current.status in EVENT_STATUSES else None
    return _forms(status, current.version, _contacts_table(contacts))


def _forms(status: str | None, version: int, contacts) -> list:
    return [
        html.H3("Bearbeiten", className="section-title"),
        html.Form(
            [
                html.H4("Status setzen"),
                dcc.Store(id=ids.EDIT_VERSION, data=version),
                html.Fieldset(
                    [
                        html.Legend("Status"),
                        dcc.RadioItems(
                            id=ids.STATUS_VALUE,
                            options=[{"label": s.label, "value": s.value} for s in EVENT_STATUSES],
                            value=status,
                            labelClassName="radio",
                        ),
                    ]
                ),
                _field(
                    "Gültig ab (TT.MM.JJJJ)",
                    ids.STATUS_DATE,
                    _text(ids.STATUS_DATE, "TT.MM.JJJJ", value=_today()),
                ),
                _field("Notiz", ids.STATUS_NOTE, dcc.Textarea(id=ids.STATUS_NOTE, value="", rows=2)),
                html.Button("Status speichern", id=ids.STATUS_SAVE, type="button", className="button"),
                html.Div(id=ids.STATUS_MESSAGE, role="status"),
            ],
            className="edit-form",
            **{"aria-label": "Status setzen"},
        ),
        html.Form(
            [
                html.H4("Aktivität erfassen"),
                html.Fieldset(
                    [
                        html.Legend("Art"),
                        dcc.RadioItems(
                            id=ids.ACTIVITY_KIND,
                            options=[{"label": kind, "value": kind} for kind in ACTIVITY_KINDS],
                            value=ACTIVITY_KINDS[0],
                            labelClassName="radio",
                        ),
                    ]
                ),
                _field(
                    "Datum (TT.MM.JJJJ)",
                    ids.ACTIVITY_DATE,
                    _text(ids.ACTIVITY_DATE, "TT.MM.JJJJ", value=_today()),
                ),
                _field("Ort", ids.ACTIVITY_PLACE, _text(ids.ACTIVITY_PLACE, max_length=200)),
                _field(
                    "Ergebnis", ids.ACTIVITY_OUTCOME, dcc.Textarea(id=ids.ACTIVITY_OUTCOME, value="", rows=2)
                ),
                _field("Nächster Schritt", ids.ACTIVITY_NEXT_STEP, _text(ids.ACTIVITY_NEXT_STEP)),
                _field("Fällig am (TT.MM.JJJJ)", ids.ACTIVITY_DUE, _text(ids.ACTIVITY_DUE, "TT.MM.JJJJ")),
                html.Button("Aktivität speichern", id=ids.ACTIVITY_SAVE, type="button", className="button"),
                html.Div(id=ids.ACTIVITY_MESSAGE, role="status"),
            ],
            className="edit-form",
            **{"aria-label": "Aktivität erfassen"},
        ),
        html.H4("Kontaktpersonen"),
        contacts,
    ]


def _contacts_table(contacts) -> html.Table | html.P:
    if contacts.empty:
        return html.P("Keine Kontaktpersonen erfasst.", className="hint", id=ids.CONTACTS)
    columns = (("name", "Name"), ("role", "Funktion"), ("email", "E-Mail"), ("phone", "Telefon"))
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(label, scope="col") for _, label in columns])),
            html.Tbody(
                [
                    html.Tr([html.Td(row[column] or "") for column, _ in columns])
                    for _, row in contacts.iterrows()
                ]
            ),
        ],
        id=ids.CONTACTS,
        className="route-table",
    )


def _error(message: str) -> html.P:
    return html.P(message, className="form-error", role="alert")


def _stale(error: StaleEdit) -> html.Div:
    rows = [
        html.Tr([html.Th(label, scope="row"), html.Td(error.current.get(label, "")), html.Td(value)])
        for label, value in error.submitted.items()
    ]
    return html.Div(
        [
            _error(str(error)),
            html.Table(
                [
                    html.Caption("Gespeicherter Stand und Ihre Eingabe"),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th("Feld", scope="col"),
                                html.Th(f"Gespeichert von {error.changed_by}", scope="col"),
                                html.Th("Ihre Eingabe", scope="col"),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="route-table",
            ),
        ]
    )


def _region(stored) -> tuple[ViewState, str | None]:
    view = ViewState.from_store(stored)
    return view, LEVEL_OF_KEY.get(len(view.region or ""))


def register(app, services: Services) -> None:
    """Add the callbacks of the editor panel (build, save status, save activity)."""
    # The renderer checks every callback's ids against the layout; the panel only exists for editors,
    # so the check gets the empty forms (no register data, no contacts) to know the ids.
    app.validation_layout = html.Div(
        [app.validation_layout, html.Div(_forms(None, 0, html.Div(id=ids.CONTACTS)))]
    )

    @app.callback(Output(ids.EDITOR, "children"), Input(ids.VIEW, "data"))
    def show_editor(stored):
        user = current_user()
        view, level = _region(stored)
        if not has_role(user, "editor") or level is None:
            return None
        return _panel(services, user, view, level)

    @app.callback(
        Output(ids.STATUS_MESSAGE, "children"),
        Output(ids.EDIT_VERSION, "data"),
        Output(ids.EDIT_SAVED, "data"),
        Input(ids.STATUS_SAVE, "n_clicks"),
        State(ids.STATUS_VALUE, "value"),
        State(ids.STATUS_DATE, "value"),
        State(ids.STATUS_NOTE, "value"),
        State(ids.EDIT_VERSION, "data"),
        State(ids.VIEW, "data"),
        State(ids.EDIT_SAVED, "data"),
        prevent_initial_call=True,
    )
    def save_status(clicks, status, day, note, version, stored, saved):
        if not clicks:  # Dash calls it once when the panel appears; only a click saves
            raise PreventUpdate
        view, level = _region(stored)
        if level is None:
            return _error("Bitte zuerst eine Region wählen."), no_update, no_update
        if not status:
            return _error("Status: bitte einen Status wählen."), no_update, no_update
        try:
            result = set_status(
                services.engine,
                current_user(),
                level,
                view.region,
                view.network,
                status,
                day or "",
                note=note or "",
                expected_version=int(version or 0),
            )
        except StaleEdit as stale:
            # the detail panel shows the stored state; the form keeps the input and saves against it next
            return _stale(stale), stale.current_version, (saved or 0) + 1
        except (InvalidInput, PermissionDenied) as error:
            return _error(str(error)), no_update, no_update
        return html.P("Status gespeichert.", className="form-success"), result.version, (saved or 0) + 1

    @app.callback(
        Output(ids.ACTIVITY_MESSAGE, "children"),
        Output(ids.EDIT_SAVED, "data", allow_duplicate=True),
        Input(ids.ACTIVITY_SAVE, "n_clicks"),
        State(ids.ACTIVITY_KIND, "value"),
        State(ids.ACTIVITY_DATE, "value"),
        State(ids.ACTIVITY_PLACE, "value"),
        State(ids.ACTIVITY_OUTCOME, "value"),
        State(ids.ACTIVITY_NEXT_STEP, "value"),
        State(ids.ACTIVITY_DUE, "value"),
        State(ids.VIEW, "data"),
        State(ids.EDIT_SAVED, "data"),
        prevent_initial_call=True,
    )
    def save_activity(clicks, kind, day, place, outcome, next_step, due, stored, saved):
        if not clicks:
            raise PreventUpdate
        view, level = _region(stored)
        if level is None:
            return _error("Bitte zuerst eine Region wählen."), no_update
        try:
            add_activity(
                services.engine,
                current_user(),
                level,
                view.region,
                day or "",
                kind or "",
                place=place or "",
                outcome=outcome or "",
                next_step=next_step or "",
                next_step_due=due or None,
                network=view.network,
            )
        except (InvalidInput, PermissionDenied) as error:
            return _error(str(error)), no_update
        return html.P("Aktivität gespeichert.", className="form-success"), (saved or 0) + 1
