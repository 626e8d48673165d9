"""Admin area: user accounts (add, role, deactivate/reactivate, new password) and networks (add, rename).

The section is in an admin's layout only (:mod:`dashboard.app`), and the lists are filled by a callback
that answers admins only. Every callback writes at least one id of :data:`ADMIN_OUTPUTS`, so a Dash
update from anyone else is refused before it runs (:func:`dashboard.login.register`); the account and
network functions check the role once more and record the admin's own name in the audit trail.
Passwords are sent once, never shown, and the password fields are emptied after every attempt.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import MAX_NETWORK_NAME_LENGTH as MAX_NAME_LENGTH
from lpr_geo import (
    ROLES,
    RegisterError,
    User,
    activate_user,
    add_network,
    add_user,
    deactivate_user,
    get_user,
    has_role,
    list_users,
    network_overview,
    rename_network,
    set_password,
    set_role,
)
from lpr_geo.vocabulary import ROLE_LABELS

from .. import ids
from ..login import current_user
from ..services import Services
from ..text import german_date

#: Outputs only the admin callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = (
    ids.ACCOUNTS_LIST,
    ids.ACCOUNTS_MESSAGE,
    ids.PASSWORD_FOR,
    ids.PASSWORD_FORM,
    ids.PASSWORD_TITLE,
    ids.PASSWORD_NEW,
    ids.PASSWORD_REPEAT,
    ids.PASSWORD_MESSAGE,
    ids.NEW_ACCOUNT_NAME,
    ids.NEW_ACCOUNT_PASSWORD,
    ids.NEW_ACCOUNT_REPEAT,
    ids.NEW_ACCOUNT_MESSAGE,
    ids.NETWORKS_LIST,
    ids.NEW_NETWORK_NAME,
    ids.NEW_NETWORK_DESCRIPTION,
    ids.NEW_NETWORK_MESSAGE,
    ids.RENAME_FOR,
    ids.RENAME_FORM,
    ids.RENAME_TITLE,
    ids.RENAME_NAME,
    ids.RENAME_MESSAGE,
)
_LOCAL = ZoneInfo("Europe/Berlin")
_ROLE_OPTIONS = [{"label": ROLE_LABELS[role], "value": role} for role in ROLES]
DEACTIVATE, ACTIVATE = "deaktivieren", "aktivieren"
PASSWORDS_DIFFER = "Die beiden Passwörter stimmen nicht überein; bitte beide neu eingeben."


# --- layout ---------------------------------------------------------------------------------------------


def _field(label: str, component_id: str, control) -> html.P:
    return html.P([html.Label(label, htmlFor=component_id), html.Br(), control], className="form-field")


def _password(component_id: str) -> dcc.Input:
    return dcc.Input(id=component_id, type="password", value="", autoComplete="new-password")


def _buttons(*buttons) -> html.P:
    return html.P(list(buttons), className="form-buttons")


def _password_form() -> html.Div:
    return html.Div(
        [
            html.H5(id=ids.PASSWORD_TITLE),
            dcc.Store(id=ids.PASSWORD_FOR, data=None),
            html.P(
                "Ein vorläufiges Passwort setzen und der Person auf sicherem Weg mitteilen.", className="hint"
            ),
            _field("Neues Passwort", ids.PASSWORD_NEW, _password(ids.PASSWORD_NEW)),
            _field("Neues Passwort wiederholen", ids.PASSWORD_REPEAT, _password(ids.PASSWORD_REPEAT)),
            _buttons(
                html.Button("Passwort setzen", id=ids.PASSWORD_SAVE, type="button", className="button"),
                html.Button("Abbrechen", id=ids.PASSWORD_CANCEL, type="button", className="button secondary"),
            ),
        ],
        id=ids.PASSWORD_FORM,
        hidden=True,
        role="group",
        className="edit-form",
        **{"aria-labelledby": ids.PASSWORD_TITLE},
    )


def _new_account_form() -> html.Div:
    return html.Div(
        [
            html.H5("Konto anlegen", id="neues-konto-titel"),
            _field(
                "Benutzername",
                ids.NEW_ACCOUNT_NAME,
                dcc.Input(id=ids.NEW_ACCOUNT_NAME, type="text", value="", maxLength=100, autoComplete="off"),
            ),
            html.Fieldset(
                [
                    html.Legend("Rolle"),
                    dcc.RadioItems(
                        id=ids.NEW_ACCOUNT_ROLE, options=_ROLE_OPTIONS, value="viewer", labelClassName="radio"
                    ),
                ]
            ),
            _field("Passwort", ids.NEW_ACCOUNT_PASSWORD, _password(ids.NEW_ACCOUNT_PASSWORD)),
            _field("Passwort wiederholen", ids.NEW_ACCOUNT_REPEAT, _password(ids.NEW_ACCOUNT_REPEAT)),
            _buttons(
                html.Button("Konto anlegen", id=ids.NEW_ACCOUNT_SAVE, type="button", className="button")
            ),
            html.Div(id=ids.NEW_ACCOUNT_MESSAGE, role="status"),
        ],
        role="group",
        className="edit-form",
        **{"aria-labelledby": "neues-konto-titel"},
    )


def _rename_form() -> html.Div:
    return html.Div(
        [
            html.H5(id=ids.RENAME_TITLE),
            dcc.Store(id=ids.RENAME_FOR, data=None),
            _field(
                "Neuer Name",
                ids.RENAME_NAME,
                dcc.Input(id=ids.RENAME_NAME, type="text", value="", maxLength=MAX_NAME_LENGTH),
            ),
            _buttons(
                html.Button("Umbenennen", id=ids.RENAME_SAVE, type="button", className="button"),
                html.Button("Abbrechen", id=ids.RENAME_CANCEL, type="button", className="button secondary"),
            ),
        ],
        id=ids.RENAME_FORM,
        hidden=True,
        role="group",
        className="edit-form",
        **{"aria-labelledby": ids.RENAME_TITLE},
    )


def _new_network_form() -> html.Div:
    return html.Div(
        [
            html.H5("Netzwerk anlegen", id="neues-netzwerk-titel"),
            _field(
                "Name des Netzwerks",
                ids.NEW_NETWORK_NAME,
                dcc.Input(id=ids.NEW_NETWORK_NAME, type="text", value="", maxLength=MAX_NAME_LENGTH),
            ),
            _field(
                "Beschreibung (freiwillig)",
                ids.NEW_NETWORK_DESCRIPTION,
                dcc.Textarea(id=ids.NEW_NETWORK_DESCRIPTION, value="", rows=2),
            ),
            _buttons(
                html.Button("Netzwerk anlegen", id=ids.NEW_NETWORK_SAVE, type="button", className="button")
            ),
            html.Div(id=ids.NEW_NETWORK_MESSAGE, role="status"),
        ],
        role="group",
        className="edit-form",
        **{"aria-labelledby": "neues-netzwerk-titel"},
    )


def layout() -> html.Div:
    """The part's frame; the lists are filled by a callback for admins only."""
    return html.Div(
        [
            html.H3("Konten und Netzwerke", className="section-title"),
            dcc.Store(id=ids.ACCOUNTS_LOAD, data=0),
            html.H4("Benutzerkonten", id="konten-titel"),
            html.Div(id=ids.ACCOUNTS_LIST),
            html.Div(id=ids.ACCOUNTS_MESSAGE, role="status"),
            _password_form(),
            html.Div(id=ids.PASSWORD_MESSAGE, role="status"),
            _new_account_form(),
            html.H4("Netzwerke", id="netzwerke-titel"),
            html.Div(id=ids.NETWORKS_LIST),
            _rename_form(),
            html.Div(id=ids.RENAME_MESSAGE, role="status"),
            _new_network_form(),
        ],
        id=ids.ADMIN_ACCOUNTS,
        className="card admin-accounts",
    )


# --- lists ----------------------------------------------------------------------------------------------


def _created(user: User) -> str:
    return german_date(user.created_at.astimezone(_LOCAL).date()) if user.created_at else ""


def _account_row(user: User, me: str) -> html.Tr:
    name = user.name
    toggle = (DEACTIVATE, "Deaktivieren") if user.active else (ACTIVATE, "Reaktivieren")
    return html.Tr(
        [
            html.Th([name, " (Sie)" if name == me else None], scope="row"),
            html.Td(
                html.Div(
                    [
                        dcc.Dropdown(
                            id={"type": ids.ACCOUNT_ROLE, "name": name},
                            options=_ROLE_OPTIONS,
                            value=user.role,
                            clearable=False,
                            searchable=False,
                            className="role-dropdown",
                        ),
                        html.Button(
                            "Rolle ändern",
                            id={"type": ids.ACCOUNT_ROLE_SAVE, "name": name},
                            type="button",
                            className="button secondary small",
                            **{"aria-label": f"Rolle ändern: {name}"},
                        ),
                    ],
                    role="group",
                    className="role-choice",
                    **{"aria-label": f"Rolle von {name}"},
                )
            ),
            html.Td("aktiv" if user.active else "deaktiviert"),
            html.Td(_created(user)),
            html.Td(
                [
                    html.Button(
                        toggle[1],
                        id={"type": ids.ACCOUNT_ACTIVE, "name": name, "action": toggle[0]},
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"{toggle[1]}: {name}"},
                    ),
                    html.Button(
                        "Neues Passwort",
                        id={"type": ids.ACCOUNT_PASSWORD, "name": name},
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"Neues Passwort: {name}"},
                    ),
                ],
                className="contact-actions",
            ),
        ],
        className=None if user.active else "inactive",
    )


def _accounts_table(users: list[User], me: str) -> html.Table | html.P:
    if not users:
        return html.P("Noch keine Konten.", className="hint")
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(label, scope="col")
                        for label in ("Name", "Rolle", "Status", "Angelegt am", "Aktionen")
                    ]
                )
            ),
            html.Tbody([_account_row(user, me) for user in users]),
        ],
        className="route-table accounts-table",
        **{"aria-labelledby": "konten-titel"},
    )


def _networks_list(networks) -> html.Ul:
    items = []
    for network in networks:
        notes = [
            "Standardnetzwerk, nicht umbenennbar" if network.is_default else None,
            f"gegründet {german_date(network.founded)}" if network.founded else None,
        ]
        items.append(
            html.Li(
                [
                    html.Strong(network.name),
                    f" ({', '.join(n for n in notes if n)})" if any(notes) else None,
                    html.Br() if network.description else None,
                    html.Span(network.description, className="hint") if network.description else None,
                    None
                    if network.is_default
                    else html.Button(
                        "Umbenennen",
                        # the row id: Dash matches pattern ids with non-ASCII text wrongly (names have umlauts)
                        id={"type": ids.NETWORK_RENAME, "network": network.id},
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"Umbenennen: {network.name}"},
                    ),
                ]
            )
        )
    return html.Ul(items, className="network-list", **{"aria-labelledby": "netzwerke-titel"})


# --- callbacks ------------------------------------------------------------------------------------------


def _error(message: str) -> html.P:
    return html.P(message, className="form-error", role="alert")


def _done(message: str) -> html.P:
    return html.P(message, className="form-success")


def _clicked():
    """The id of the clicked button; ``None`` when Dash only reports newly rendered buttons (no clicks)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id


def register(app, services: Services) -> None:
    """Add the callbacks of the accounts and networks part of the admin area."""
    # The renderer checks every callback's ids against the layout; this part is in admins' layouts only.
    app.validation_layout = html.Div([app.validation_layout, layout()])
    engine = services.engine

    def accounts(actor: User | None):
        """The accounts table as the acting user may see it now (nothing once they are no admin)."""
        fresh = get_user(engine, actor.name) if actor is not None else None
        return _accounts_table(list_users(engine), fresh.name) if has_role(fresh, "admin") else None

    @app.callback(
        Output(ids.ACCOUNTS_LIST, "children"),
        Output(ids.NETWORKS_LIST, "children"),
        Input(ids.ACCOUNTS_LOAD, "data"),
    )
    def show(_load):
        user = current_user()
        if not has_role(user, "admin"):
            return None, None
        return accounts(user), _networks_list(network_overview(engine))

    @app.callback(
        Output(ids.ACCOUNTS_MESSAGE, "children"),
        Output(ids.ACCOUNTS_LIST, "children", allow_duplicate=True),
        Input({"type": ids.ACCOUNT_ROLE_SAVE, "name": ALL}, "n_clicks"),
        Input({"type": ids.ACCOUNT_ACTIVE, "name": ALL, "action": ALL}, "n_clicks"),
        State({"type": ids.ACCOUNT_ROLE, "name": ALL}, "value"),
        prevent_initial_call=True,
    )
    def account_action(_role_clicks, _active_clicks, _roles):
        """A row's "Rolle ändern", "Deaktivieren" or "Reaktivieren"."""
        clicked = _clicked()
        if clicked is None:
            raise PreventUpdate
        actor, name = current_user(), clicked["name"]
        try:
            if clicked["type"] == ids.ACCOUNT_ROLE_SAVE:
                chosen = {state["id"]["name"]: state["value"] for state in ctx.states_list[0]}
                user = set_role(engine, name, chosen.get(name) or "", actor=actor)
                message = f"»{name}« hat jetzt die Rolle »{ROLE_LABELS[user.role]}«."
            elif clicked["action"] == DEACTIVATE:
                deactivate_user(engine, name, actor=actor)
                message = (
                    f"»{name}« ist deaktiviert: keine Anmeldung mehr, laufende Anmeldungen des Kontos sind "
                    "beendet."
                )
            else:
                activate_user(engine, name, actor=actor)
                message = f"»{name}« ist wieder aktiv."
        except RegisterError as error:
            return _error(str(error)), accounts(actor)
        if actor is not None and name == actor.name:
            message += " Das betrifft Ihr eigenes Konto."
        return _done(message), accounts(actor)

    @app.callback(
        Output(ids.PASSWORD_FOR, "data"),
        Output(ids.PASSWORD_FORM, "hidden"),
        Output(ids.PASSWORD_TITLE, "children"),
        Output(ids.PASSWORD_NEW, "value"),
        Output(ids.PASSWORD_REPEAT, "value"),
        Output(ids.PASSWORD_MESSAGE, "children"),
        Input({"type": ids.ACCOUNT_PASSWORD, "name": ALL}, "n_clicks"),
        Input(ids.PASSWORD_SAVE, "n_clicks"),
        Input(ids.PASSWORD_CANCEL, "n_clicks"),
        State(ids.PASSWORD_FOR, "data"),
        State(ids.PASSWORD_NEW, "value"),
        State(ids.PASSWORD_REPEAT, "value"),
        prevent_initial_call=True,
    )
    def password_form(_rows, _save, _cancel, name, password, repeat):
        """A row's "Neues Passwort" opens the form for that account; save sets it, cancel closes."""
        clicked = _clicked()
        if clicked is None:
            raise PreventUpdate
        closed = (None, True, "", "", "")
        if clicked == ids.PASSWORD_CANCEL:
            return *closed, None
        if isinstance(clicked, dict):
            return clicked["name"], False, f"Neues Passwort für »{clicked['name']}«", "", "", None
        if not name:
            return *closed, _error("Bitte zuerst in der Tabelle »Neues Passwort« beim Konto wählen.")
        if (password or "") != (repeat or ""):
            return no_update, no_update, no_update, "", "", _error(PASSWORDS_DIFFER)
        try:
            set_password(engine, name, password or "", actor=current_user())
        except RegisterError as error:
            return no_update, no_update, no_update, "", "", _error(str(error))
        return *closed, _done(f"Neues Passwort für »{name}« gesetzt. Bitte auf sicherem Weg mitteilen.")

    @app.callback(
        Output(ids.NEW_ACCOUNT_MESSAGE, "children"),
        Output(ids.NEW_ACCOUNT_NAME, "value"),
        Output(ids.NEW_ACCOUNT_PASSWORD, "value"),
        Output(ids.NEW_ACCOUNT_REPEAT, "value"),
        Output(ids.ACCOUNTS_LIST, "children", allow_duplicate=True),
        Input(ids.NEW_ACCOUNT_SAVE, "n_clicks"),
        State(ids.NEW_ACCOUNT_NAME, "value"),
        State(ids.NEW_ACCOUNT_ROLE, "value"),
        State(ids.NEW_ACCOUNT_PASSWORD, "value"),
        State(ids.NEW_ACCOUNT_REPEAT, "value"),
        prevent_initial_call=True,
    )
    def new_account(clicks, name, role, password, repeat):
        if not clicks:
            raise PreventUpdate
        name = (name or "").strip()
        if not name:
            return _error("Benutzername: bitte einen Namen eingeben."), no_update, "", "", no_update
        if (password or "") != (repeat or ""):
            return _error(PASSWORDS_DIFFER), no_update, "", "", no_update
        actor = current_user()
        try:
            user = add_user(engine, name, role or "", password or "", actor=actor)
        except RegisterError as error:
            return _error(str(error)), no_update, "", "", no_update
        done = _done(f"Konto »{user.name}« mit der Rolle »{ROLE_LABELS[user.role]}« angelegt.")
        return done, "", "", "", accounts(actor)

    @app.callback(
        Output(ids.NEW_NETWORK_MESSAGE, "children"),
        Output(ids.NEW_NETWORK_NAME, "value"),
        Output(ids.NEW_NETWORK_DESCRIPTION, "value"),
        Output(ids.NETWORKS_LIST, "children", allow_duplicate=True),
        Input(ids.NEW_NETWORK_SAVE, "n_clicks"),
        State(ids.NEW_NETWORK_NAME, "value"),
        State(ids.NEW_NETWORK_DESCRIPTION, "value"),
        prevent_initial_call=True,
    )
    def new_network(clicks, name, description):
        if not clicks:
            raise PreventUpdate
        try:
            stored = add_network(engine, name or "", description=description or "", actor=current_user())
        except RegisterError as error:
            return _error(str(error)), no_update, no_update, no_update
        done = _done(
            f"Netzwerk »{stored}« angelegt. Nach dem Neuladen der Seite steht es oben in der Auswahl "
            "»Netzwerk«."
        )
        return done, "", "", _networks_list(network_overview(engine))

    @app.callback(
        Output(ids.RENAME_FOR, "data"),
        Output(ids.RENAME_FORM, "hidden"),
        Output(ids.RENAME_TITLE, "children"),
        Output(ids.RENAME_NAME, "value"),
        Output(ids.RENAME_MESSAGE, "children"),
        Output(ids.NETWORKS_LIST, "children", allow_duplicate=True),
        Input({"type": ids.NETWORK_RENAME, "network": ALL}, "n_clicks"),
        Input(ids.RENAME_SAVE, "n_clicks"),
        Input(ids.RENAME_CANCEL, "n_clicks"),
        State(ids.RENAME_FOR, "data"),
        State(ids.RENAME_NAME, "value"),
        prevent_initial_call=True,
    )
    def rename(_rows, _save, _cancel, name, new_name):
        """A network's "Umbenennen" opens the form with its name; save renames, cancel closes."""
        clicked = _clicked()
        if clicked is None:
            raise PreventUpdate
        closed = (None, True, "", "")
        if clicked == ids.RENAME_CANCEL:
            return *closed, None, no_update
        if isinstance(clicked, dict):
            found = [n.name for n in network_overview(engine) if n.id == clicked["network"]]
            if not found:
                return *closed, _error("Dieses Netzwerk gibt es nicht mehr."), no_update
            chosen = found[0]
            return chosen, False, f"Netzwerk »{chosen}« umbenennen", chosen, None, no_update
        if not name:
            return *closed, _error("Bitte zuerst in der Liste »Umbenennen« beim Netzwerk wählen."), no_update
        try:
            stored = rename_network(engine, name, new_name or "", actor=current_user())
        except RegisterError as error:
            return no_update, no_update, no_update, no_update, _error(str(error)), no_update
        done = _done(f"Netzwerk »{name}« heißt jetzt »{stored}«; seine Mitglieder und Verläufe bleiben.")
        return *closed, done, _networks_list(network_overview(engine))
