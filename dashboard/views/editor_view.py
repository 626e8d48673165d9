"""Editor panel under the region detail: set the status, record an activity, edit the contact persons.

The panel is built by a callback and only for users with the role editor (or admin): a viewer's
response holds neither the forms nor any contact data. The save callbacks are refused for everyone else
before they run (:func:`dashboard.login.register`, by their output ids in :data:`EDITING_OUTPUTS`), and
the editing functions check the role once more. Saving a status sends the participant version the form
was loaded with; a stale form gets "inzwischen von X geändert" with both versions, never an overwrite.
Contact persons work the same way: "Bearbeiten" loads a contact and its version into the form, "Löschen"
asks once more and deletes with the version the table showed.
"""

from __future__ import annotations

import datetime as dt

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import (
    ACTIVITY_KINDS,
    EVENT_STATUSES,
    InvalidInput,
    PermissionDenied,
    StaleEdit,
    User,
    add_activity,
    contacts_for,
    current_status,
    delete_contact,
    has_role,
    save_contact,
    set_status,
)

from .. import browser_input, ids
from ..login import current_user
from ..services import Services
from ..url_state import ViewState

#: Outputs only the editing callbacks write; Dash updates naming them need the role editor.
EDITING_OUTPUTS: tuple[str, ...] = (
    ids.STATUS_MESSAGE,
    ids.ACTIVITY_MESSAGE,
    # contact persons: every output of their callbacks, since most of them carry personal data
    ids.CONTACTS_LIST,
    ids.CONTACT_LOADED,
    ids.CONTACT_MODE,
    ids.CONTACT_NAME,
    ids.CONTACT_ROLE,
    ids.CONTACT_ORGANISATION,
    ids.CONTACT_EMAIL,
    ids.CONTACT_PHONE,
    ids.CONTACT_MESSAGE,
    ids.CONTACT_PENDING,
    ids.CONTACT_CONFIRM,
    ids.CONTACT_CONFIRM_TEXT,
    ids.CONTACT_DELETE_MESSAGE,
)
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
        html.Div(contacts, id=ids.CONTACTS_LIST),
        *_contact_forms(),
    ]


# --- contact persons ------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "role", "organisation", "email", "phone")  # save_contact's parameters
_CONTACT_INPUTS = (
    ids.CONTACT_NAME,
    ids.CONTACT_ROLE,
    ids.CONTACT_ORGANISATION,
    ids.CONTACT_EMAIL,
    ids.CONTACT_PHONE,
)
NEW_CONTACT = "Neue Kontaktperson: Felder ausfüllen und speichern."
_NO_QUESTION = (None, True, "")  # no delete pending: the confirmation box hidden and empty


def _editing(name: str) -> str:
    return f"Sie ändern »{name}«. Abbrechen leert das Formular."


def _contact_forms() -> list:
    return [
        html.Div(
            [
                html.P(id=ids.CONTACT_CONFIRM_TEXT, role="alert"),  # announced when the question appears
                html.Button(
                    "Wirklich löschen", id=ids.CONTACT_CONFIRM_YES, type="button", className="button danger"
                ),
                html.Button(
                    "Nicht löschen", id=ids.CONTACT_CONFIRM_NO, type="button", className="button secondary"
                ),
            ],
            id=ids.CONTACT_CONFIRM,
            hidden=True,
            role="group",
            className="confirm-box",
            **{"aria-labelledby": ids.CONTACT_CONFIRM_TEXT},
        ),
        dcc.Store(id=ids.CONTACT_PENDING, data=None),
        html.Div(id=ids.CONTACT_DELETE_MESSAGE, role="status"),
        html.Form(
            [
                html.H4("Kontaktperson hinzufügen / ändern"),
                dcc.Store(id=ids.CONTACT_LOADED, data=None),
                html.P(NEW_CONTACT, id=ids.CONTACT_MODE, className="hint", **{"aria-live": "polite"}),
                _field("Name", ids.CONTACT_NAME, _text(ids.CONTACT_NAME, max_length=200)),
                _field("Funktion", ids.CONTACT_ROLE, _text(ids.CONTACT_ROLE, max_length=200)),
                _field(
                    "Organisation", ids.CONTACT_ORGANISATION, _text(ids.CONTACT_ORGANISATION, max_length=200)
                ),
                _field(
                    "E-Mail",
                    ids.CONTACT_EMAIL,
                    dcc.Input(id=ids.CONTACT_EMAIL, type="email", value="", maxLength=200),
                ),
                _field(
                    "Telefon",
                    ids.CONTACT_PHONE,
                    dcc.Input(id=ids.CONTACT_PHONE, type="tel", value="", maxLength=100),
                ),
                html.P(
                    [
                        html.Button(
                            "Kontaktperson speichern", id=ids.CONTACT_SAVE, type="button", className="button"
                        ),
                        html.Button(
                            "Abbrechen", id=ids.CONTACT_CANCEL, type="button", className="button secondary"
                        ),
                    ],
                    className="form-buttons",
                ),
                html.Div(id=ids.CONTACT_MESSAGE, role="status"),
            ],
            className="edit-form",
            **{"aria-label": "Kontaktperson hinzufügen / ändern"},
        ),
    ]


def _lines(*parts) -> list:
    """The parts that are not empty, one per line."""
    kept = [part for part in parts if part is not None and part != ""]
    return [item for index, part in enumerate(kept) for item in ([html.Br(), part] if index else [part])]


def _contact_row(contact: dict) -> html.Tr:
    contact_id, name = int(contact["id"]), contact["name"]
    return html.Tr(
        [
            html.Td(
                _lines(
                    html.Strong(name),
                    contact["role"],
                    contact["organisation"],
                    contact["email"],
                    contact["phone"],
                ),
                className="contact-person",
            ),
            html.Td(
                [
                    html.Button(
                        "Bearbeiten",
                        id={"type": ids.CONTACT_EDIT, "index": contact_id},
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"Bearbeiten: {name}"},
                    ),
                    html.Button(
                        "Löschen",
                        # the version shown: deleting a contact changed since then is refused (StaleEdit)
                        id={
                            "type": ids.CONTACT_DELETE,
                            "index": contact_id,
                            "version": int(contact["version"]),
                        },
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"Löschen: {name}"},
                    ),
                ],
                className="contact-actions",
            ),
        ]
    )


def _contacts_table(contacts) -> html.Table | html.P:
    if contacts.empty:
        return html.P("Keine Kontaktpersonen erfasst.", className="hint", id=ids.CONTACTS)
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("Kontaktperson", scope="col"),
                        html.Th("Aktionen", scope="col"),
                    ]
                )
            ),
            html.Tbody([_contact_row(contact) for contact in contacts.to_dict("records")]),
        ],
        id=ids.CONTACTS,
        className="route-table contacts-table",
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


def _clicked():
    """The id of the clicked button; ``None`` when Dash only reports newly rendered buttons (no clicks)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id


def _contact(contacts, contact_id) -> dict | None:
    found = contacts[contacts["id"] == contact_id]
    return None if found.empty else found.iloc[0].to_dict()


def _form_reply(values=None, loaded=no_update, mode=no_update, message=no_update, table=no_update) -> tuple:
    """Outputs of :func:`contact_form` in their order; ``values`` {} empties the fields, None keeps them."""
    fields = (
        [no_update] * len(CONTACT_FIELDS) if values is None else [values.get(f) or "" for f in CONTACT_FIELDS]
    )
    return (*fields, loaded, mode, message, table)


def _contact_ref(data) -> dict:
    """``{"id", "version"}`` of a contact as a store of the panel holds it (``{}``: none)."""
    if data is None:
        return {}
    data = browser_input.mapping(data, "Kontakt")
    return {key: browser_input.whole_number(data[key], "Kontakt") for key in ("id", "version") if key in data}


def _region(stored, services: Services) -> tuple[ViewState, str | None]:
    view = ViewState.from_store(stored, services.known_values())
    return view, LEVEL_OF_KEY.get(len(view.region or ""))


def register(app, services: Services) -> None:
    """Add the callbacks of the editor panel (build, save status, save activity, edit contact persons)."""
    # The renderer checks every callback's ids against the layout; the panel only exists for editors,
    # so the check gets the empty forms (no register data, no contacts) to know the ids.
    app.validation_layout = html.Div(
        [app.validation_layout, html.Div(_forms(None, 0, html.Div(id=ids.CONTACTS)))]
    )

    @app.callback(Output(ids.EDITOR, "children"), Input(ids.VIEW, "data"))
    def show_editor(stored):
        user = current_user()
        view, level = _region(stored, services)
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
        version = browser_input.whole_number(version, "Version")
        view, level = _region(stored, services)
        if level is None:
            return _error("Bitte zuerst eine Region wählen."), no_update, no_update
        if not status:
            return _error("Status: bitte einen Status wählen."), no_update, no_update

        def save(expected: int):
            return set_status(
                services.engine,
                current_user(),
                level,
                view.region,
                view.network,
                status,
                day or "",
                note=note or "",
                expected_version=expected,
            )

        try:
            try:
                result = save(int(version or 0))
            except StaleEdit as stale:
                # A region new to the register gets its row with the first contact person, which moves the
                # version the status form was loaded with; with still no status in this network there is
                # nothing to overwrite, so the save goes through (against the version just read: a status
                # set in between is still a conflict).
                if (
                    int(version or 0)
                    or current_status(services.engine, level, view.region, view.network).status
                    in EVENT_STATUSES
                ):
                    raise
                result = save(stale.current_version)
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
        view, level = _region(stored, services)
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

    def table_of(user, level: str, key: str) -> html.Table | html.P:
        return _contacts_table(contacts_for(services.engine, user, level, key))  # checks the role again

    @app.callback(
        *(Output(component, "value") for component in _CONTACT_INPUTS),
        Output(ids.CONTACT_LOADED, "data"),
        Output(ids.CONTACT_MODE, "children"),
        Output(ids.CONTACT_MESSAGE, "children"),
        Output(ids.CONTACTS_LIST, "children"),
        Input({"type": ids.CONTACT_EDIT, "index": ALL}, "n_clicks"),
        Input(ids.CONTACT_SAVE, "n_clicks"),
        Input(ids.CONTACT_CANCEL, "n_clicks"),
        *(State(component, "value") for component in _CONTACT_INPUTS),
        State(ids.CONTACT_LOADED, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def contact_form(_edits, _save, _cancel, *form):
        """Load a contact into the form ("Bearbeiten"), save the form, or empty it ("Abbrechen")."""
        clicked = _clicked()
        if clicked is None:
            raise PreventUpdate
        *entered, loaded, stored = form
        if clicked == ids.CONTACT_CANCEL:
            return _form_reply({}, None, NEW_CONTACT, None)
        view, level = _region(stored, services)
        if level is None:
            return _form_reply(message=_error("Bitte zuerst eine Region wählen."))
        user = current_user()
        try:
            if clicked == ids.CONTACT_SAVE:
                values = dict(zip(CONTACT_FIELDS, entered, strict=True))
                return save_form(user, level, view.region, values, _contact_ref(loaded))
            return load_form(
                user, level, view.region, browser_input.whole_number(clicked["index"], "Kontakt")
            )
        except PermissionDenied as error:
            return _form_reply(message=_error(str(error)))

    def load_form(user, level: str, key: str, contact_id: int) -> tuple:
        contacts = contacts_for(services.engine, user, level, key)
        contact = _contact(contacts, contact_id)
        if contact is None:
            gone = _error("Diese Kontaktperson gibt es nicht mehr.")
            return _form_reply(message=gone, table=_contacts_table(contacts))
        loaded = {"id": int(contact["id"]), "version": int(contact["version"])}
        return _form_reply(contact, loaded, _editing(contact["name"]), None)

    def save_form(user, level: str, key: str, values: dict, loaded: dict) -> tuple:
        try:
            save_contact(
                services.engine,
                user,
                level,
                key,
                **{field: value or "" for field, value in values.items()},
                contact_id=loaded.get("id"),
                expected_version=loaded.get("version"),
            )
        except StaleEdit as stale:
            # as in the status form, the input stays and the next save goes against the stored version;
            # a contact deleted meanwhile is added anew by the next save
            if stale.current_version:
                again, mode = {**loaded, "version": stale.current_version}, no_update
            else:
                again, mode = None, "Die Kontaktperson wurde inzwischen gelöscht; Speichern legt sie neu an."
            return _form_reply(
                loaded=again, mode=mode, message=_stale(stale), table=table_of(user, level, key)
            )
        except InvalidInput as error:
            return _form_reply(message=_error(str(error)))
        done = html.P(
            f"Kontaktperson »{(values['name'] or '').strip()}« gespeichert.", className="form-success"
        )
        return _form_reply({}, None, NEW_CONTACT, done, table_of(user, level, key))

    @app.callback(
        Output(ids.CONTACT_PENDING, "data"),
        Output(ids.CONTACT_CONFIRM, "hidden"),
        Output(ids.CONTACT_CONFIRM_TEXT, "children"),
        Output(ids.CONTACT_DELETE_MESSAGE, "children"),
        Output(ids.CONTACTS_LIST, "children", allow_duplicate=True),
        Input({"type": ids.CONTACT_DELETE, "index": ALL, "version": ALL}, "n_clicks"),
        Input(ids.CONTACT_CONFIRM_YES, "n_clicks"),
        Input(ids.CONTACT_CONFIRM_NO, "n_clicks"),
        State(ids.CONTACT_PENDING, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def contact_delete(_deletes, _yes, _no, pending, stored):
        """A row's "Löschen" asks first; "Wirklich löschen" deletes with the version the row showed."""
        clicked = _clicked()
        if clicked is None or (clicked == ids.CONTACT_CONFIRM_YES and not pending):
            raise PreventUpdate
        if clicked == ids.CONTACT_CONFIRM_NO:
            return *_NO_QUESTION, None, no_update
        view, level = _region(stored, services)
        if level is None:
            return *_NO_QUESTION, _error("Bitte zuerst eine Region wählen."), no_update
        user = current_user()
        try:
            if clicked == ids.CONTACT_CONFIRM_YES:
                return confirm_delete(user, level, view.region, {**pending, **_contact_ref(pending)})
            contact_id, version = (
                browser_input.whole_number(clicked[k], "Kontakt") for k in ("index", "version")
            )
            return ask_delete(user, level, view.region, contact_id, version)
        except PermissionDenied as error:
            return *_NO_QUESTION, _error(str(error)), no_update

    def ask_delete(user, level: str, key: str, contact_id: int, shown_version: int) -> tuple:
        contacts = contacts_for(services.engine, user, level, key)
        contact = _contact(contacts, contact_id)
        if contact is None:
            return *_NO_QUESTION, _error("Diese Kontaktperson gibt es nicht mehr."), _contacts_table(contacts)
        pending = {"id": int(contact["id"]), "version": int(shown_version), "name": contact["name"]}
        return pending, False, f"Kontaktperson »{contact['name']}« wirklich löschen?", None, no_update

    def confirm_delete(user, level: str, key: str, pending: dict) -> tuple:
        try:
            delete_contact(
                services.engine, user, level, key, pending["id"], expected_version=pending["version"]
            )
        except StaleEdit as stale:
            message = _stale(stale)
        except InvalidInput as error:
            message = _error(str(error))
        else:
            message = html.P(f"Kontaktperson »{pending['name']}« gelöscht.", className="form-success")
        return *_NO_QUESTION, message, table_of(user, level, key)
