"""The editor panel's contact persons: the table, the form to add or change one, and deleting one.

Contact persons are personal data: every output of these callbacks is in :data:`OUTPUTS`, so a Dash
update naming one is refused without the editor role before it runs, and
:func:`lpr_geo.register.contacts_for` checks the role once more. "Bearbeiten" loads a contact and its
version into the form, a save sends that version back (a stale one gets "inzwischen von X geändert" with
both versions side by side); "Löschen" asks once more and deletes with the version the table showed.
:func:`contact_form_event` and :func:`contact_delete_event` are the callbacks' whole logic, callable
without Dash.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine

from lpr_geo import (
    Boundaries,
    InvalidInput,
    PermissionDenied,
    StaleEdit,
    User,
    contacts_for,
    delete_contact,
    save_contact,
)

from .. import browser_input, ids
from ..browser_input import BadInput, KnownValues
from ..forms import NO_REGION, buttons, clicked, done, error, field, lines, stale, text
from ..login import current_user
from ..services import Services
from ..url_state import ViewState

#: Every output of the contact callbacks: most of them carry personal data.
OUTPUTS: tuple[str, ...] = (
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
FIELDS = ("name", "role", "organisation", "email", "phone")  # save_contact's parameters
INPUTS = (ids.CONTACT_NAME, ids.CONTACT_ROLE, ids.CONTACT_ORGANISATION, ids.CONTACT_EMAIL, ids.CONTACT_PHONE)
NEW_CONTACT = "Neue Kontaktperson: Felder ausfüllen und speichern."
GONE = "Diese Kontaktperson gibt es nicht mehr."


def _editing(name: str) -> str:
    return f"Sie ändern »{name}«. Abbrechen leert das Formular."


# --- layout ---------------------------------------------------------------------------------------------


def section(contacts_table) -> list:
    """The contacts part of the panel: the table (see :func:`table`), the delete question and the form."""
    return [
        html.H4("Kontaktpersonen"),
        html.Div(contacts_table, id=ids.CONTACTS_LIST),
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
                field("Name", ids.CONTACT_NAME, text(ids.CONTACT_NAME, max_length=200)),
                field("Funktion", ids.CONTACT_ROLE, text(ids.CONTACT_ROLE, max_length=200)),
                field(
                    "Organisation", ids.CONTACT_ORGANISATION, text(ids.CONTACT_ORGANISATION, max_length=200)
                ),
                field(
                    "E-Mail",
                    ids.CONTACT_EMAIL,
                    dcc.Input(id=ids.CONTACT_EMAIL, type="email", value="", maxLength=200),
                ),
                field(
                    "Telefon",
                    ids.CONTACT_PHONE,
                    dcc.Input(id=ids.CONTACT_PHONE, type="tel", value="", maxLength=100),
                ),
                buttons(
                    html.Button(
                        "Kontaktperson speichern", id=ids.CONTACT_SAVE, type="button", className="button"
                    ),
                    html.Button(
                        "Abbrechen", id=ids.CONTACT_CANCEL, type="button", className="button secondary"
                    ),
                ),
                html.Div(id=ids.CONTACT_MESSAGE, role="status"),
            ],
            className="edit-form",
            **{"aria-label": "Kontaktperson hinzufügen / ändern"},
        ),
    ]


def _row(contact: dict) -> html.Tr:
    contact_id, name = int(contact["id"]), contact["name"]
    return html.Tr(
        [
            html.Td(
                lines(
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


def table(contacts: pd.DataFrame) -> html.Table | html.P:
    """The region's contact persons with their buttons (as :func:`lpr_geo.register.contacts_for` gives them)."""
    if contacts.empty:
        return html.P("Keine Kontaktpersonen erfasst.", className="hint", id=ids.CONTACTS)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th("Kontaktperson", scope="col"), html.Th("Aktionen", scope="col")])),
            html.Tbody([_row(contact) for contact in contacts.to_dict("records")]),
        ],
        id=ids.CONTACTS,
        className="route-table contacts-table",
    )


# --- events ---------------------------------------------------------------------------------------------


class FormReply(NamedTuple):
    """The outputs of the contact form's callback, in order; ``no_update`` leaves a part as it is."""

    name: object = no_update
    role: object = no_update
    organisation: object = no_update
    email: object = no_update
    phone: object = no_update
    loaded: object = no_update  # {"id", "version"} of the contact in the form; None: a new one
    mode: object = no_update
    message: object = no_update
    table: object = no_update


def _filled(values: dict, **rest) -> FormReply:
    """A reply that puts ``values`` into the fields (``{}`` empties them)."""
    return FormReply(*(values.get(name) or "" for name in FIELDS), **rest)


class DeleteReply(NamedTuple):
    """The outputs of the delete callback, in order."""

    pending: object  # {"id", "version", "name"} awaiting "Wirklich löschen"; None: no question open
    hidden: object  # the question box
    question: object
    message: object
    table: object


def _no_question(message, contacts=no_update) -> DeleteReply:
    return DeleteReply(None, True, "", message, contacts)


def _contact_ref(data: object) -> dict:
    """``{"id", "version"}`` of a contact as a store of the panel holds it (``{}``: none).

    A contact without the version it was shown at is refused: it would be changed unchecked.
    """
    if data is None:
        return {}
    data = browser_input.mapping(data, "Kontakt")
    ref = {key: browser_input.whole_number(data[key], "Kontakt") for key in ("id", "version") if key in data}
    if "id" in ref and "version" not in ref:
        raise BadInput("Kontakt: ungültige Angabe.")
    return ref


def _find(contacts: pd.DataFrame, contact_id: int) -> dict | None:
    found = contacts[contacts["id"] == contact_id]
    return None if found.empty else found.iloc[0].to_dict()


def contact_form_event(
    engine: Engine,
    user: User | None,
    known: KnownValues,
    stored: object,
    button: str | dict,
    entered: dict,
    loaded: object,
    boundaries: Boundaries | None = None,
) -> FormReply:
    """Load a contact into the form ("Bearbeiten"), save the form, or empty it ("Abbrechen").

    Parameters
    ----------
    engine, user, known
        The register, the acting user and what the browser may name.
    stored : object
        The view store (its region is the one edited).
    button : str or dict
        The button clicked: ``ids.CONTACT_SAVE``, ``ids.CONTACT_CANCEL`` or a row's edit button id.
    entered : dict
        The form's fields by :data:`FIELDS` name.
    loaded : object
        The form's store: the contact being changed, with the version it was loaded at (``None``: new).
    """
    if button == ids.CONTACT_CANCEL:
        return _filled({}, loaded=None, mode=NEW_CONTACT, message=None)
    view = ViewState.from_store(stored, known)
    level, key = view.region_level, view.region
    if level is None:
        return FormReply(message=error(NO_REGION))
    try:
        if button == ids.CONTACT_SAVE:
            return _save(engine, user, level, key, entered, _contact_ref(loaded), boundaries)
        if isinstance(button, dict):
            return _load(engine, user, level, key, browser_input.whole_number(button.get("index"), "Kontakt"))
    except PermissionDenied as denied:
        return FormReply(message=error(str(denied)))
    raise PreventUpdate


def _load(engine: Engine, user: User | None, level: str, key: str, contact_id: int) -> FormReply:
    contacts = contacts_for(engine, user, level, key)
    contact = _find(contacts, contact_id)
    if contact is None:
        return FormReply(message=error(GONE), table=table(contacts))
    loaded = {"id": int(contact["id"]), "version": int(contact["version"])}
    return _filled(contact, loaded=loaded, mode=_editing(contact["name"]), message=None)


def _save(
    engine: Engine,
    user: User | None,
    level: str,
    key: str,
    entered: dict,
    loaded: dict,
    boundaries: Boundaries | None,
) -> FormReply:
    try:
        save_contact(
            engine,
            user,
            level,
            key,
            **{name: entered.get(name) or "" for name in FIELDS},
            contact_id=loaded.get("id"),
            expected_version=loaded.get("version"),
            boundaries=boundaries,
        )
    except StaleEdit as edit:
        # as in the status form, the input stays and the next save goes against the stored version;
        # a contact deleted meanwhile is added anew by the next save
        if edit.current_version:
            again, mode = {**loaded, "version": edit.current_version}, no_update
        else:
            again, mode = None, "Die Kontaktperson wurde inzwischen gelöscht; Speichern legt sie neu an."
        contacts = table(contacts_for(engine, user, level, key))  # checks the role again
        return FormReply(loaded=again, mode=mode, message=stale(edit), table=contacts)
    except InvalidInput as problem:
        return FormReply(message=error(str(problem)))
    saved = done(f"Kontaktperson »{(entered.get('name') or '').strip()}« gespeichert.")
    contacts = table(contacts_for(engine, user, level, key))
    return _filled({}, loaded=None, mode=NEW_CONTACT, message=saved, table=contacts)


def contact_delete_event(
    engine: Engine,
    user: User | None,
    known: KnownValues,
    stored: object,
    button: str | dict,
    pending: object,
    boundaries: Boundaries | None = None,
) -> DeleteReply:
    """A row's "Löschen" asks first; "Wirklich löschen" deletes with the version the row showed.

    ``button`` is ``ids.CONTACT_CONFIRM_YES``, ``ids.CONTACT_CONFIRM_NO`` or a row's delete button id
    (with the contact's id and the version shown); ``pending`` is the question's store.
    """
    if button == ids.CONTACT_CONFIRM_YES and not pending:
        raise PreventUpdate
    if button == ids.CONTACT_CONFIRM_NO:
        return _no_question(None)
    view = ViewState.from_store(stored, known)
    level, key = view.region_level, view.region
    if level is None:
        return _no_question(error(NO_REGION))
    try:
        if button == ids.CONTACT_CONFIRM_YES:
            ref = _contact_ref(pending)
            if "id" not in ref:
                raise BadInput("Kontakt: ungültige Angabe.")
            name = browser_input.mapping(pending, "Kontakt").get("name")
            return _delete(engine, user, level, key, ref, name, boundaries)
        if isinstance(button, dict):
            contact_id, version = (
                browser_input.whole_number(button.get(k), "Kontakt") for k in ("index", "version")
            )
            return _ask(engine, user, level, key, contact_id, version)
    except PermissionDenied as denied:
        return _no_question(error(str(denied)))
    raise PreventUpdate


def _ask(engine: Engine, user: User | None, level: str, key: str, contact_id: int, shown: int) -> DeleteReply:
    contacts = contacts_for(engine, user, level, key)
    contact = _find(contacts, contact_id)
    if contact is None:
        return _no_question(error(GONE), table(contacts))
    pending = {"id": int(contact["id"]), "version": shown, "name": contact["name"]}
    return DeleteReply(
        pending, False, f"Kontaktperson »{contact['name']}« wirklich löschen?", None, no_update
    )


def _delete(
    engine: Engine,
    user: User | None,
    level: str,
    key: str,
    ref: dict,
    name: object,
    boundaries: Boundaries | None,
) -> DeleteReply:
    try:
        delete_contact(
            engine, user, level, key, ref["id"], expected_version=ref["version"], boundaries=boundaries
        )
    except StaleEdit as edit:
        message = stale(edit)
    except InvalidInput as problem:
        message = error(str(problem))
    else:
        message = done(f"Kontaktperson »{name}« gelöscht.")
    return _no_question(message, table(contacts_for(engine, user, level, key)))


def register(app, services: Services) -> None:
    """Add the callbacks of the contact form and of deleting a contact."""

    @app.callback(
        *(Output(component, "value") for component in INPUTS),
        Output(ids.CONTACT_LOADED, "data"),
        Output(ids.CONTACT_MODE, "children"),
        Output(ids.CONTACT_MESSAGE, "children"),
        Output(ids.CONTACTS_LIST, "children"),
        Input({"type": ids.CONTACT_EDIT, "index": ALL}, "n_clicks"),
        Input(ids.CONTACT_SAVE, "n_clicks"),
        Input(ids.CONTACT_CANCEL, "n_clicks"),
        *(State(component, "value") for component in INPUTS),
        State(ids.CONTACT_LOADED, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def contact_form(_edits, _save, _cancel, *form):
        button = clicked()
        if button is None:
            raise PreventUpdate
        *entered, loaded, stored = form
        values = dict(zip(FIELDS, entered, strict=True))
        known = services.known_values()
        return tuple(
            contact_form_event(
                services.engine, current_user(), known, stored, button, values, loaded, services.boundaries
            )
        )

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
        button = clicked()
        if button is None:
            raise PreventUpdate
        known = services.known_values()
        return tuple(
            contact_delete_event(
                services.engine, current_user(), known, stored, button, pending, services.boundaries
            )
        )
