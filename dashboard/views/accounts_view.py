"""The Verwaltung page's user accounts: add one, change its role, deactivate/reactivate, new password.

The part is on the Verwaltung page only (:mod:`dashboard.pages`), and its list is filled by a callback
that answers admins only. Every callback writes at least one id of :data:`ADMIN_OUTPUTS`, so a Dash
update from anyone else is refused before it runs (:func:`dashboard.login.register`); the account
functions check the role once more and record the admin's own name in the audit trail.
Passwords are sent once, never shown, and the password fields are emptied after every attempt.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import (
    ROLES,
    RegisterError,
    User,
    activate_user,
    add_user,
    deactivate_user,
    get_user,
    has_role,
    list_users,
    set_password,
    set_role,
)
from lpr_geo import vocabulary as words
from lpr_geo.vocabulary import ROLE_LABELS

from .. import forms, ids
from ..login import current_user
from ..services import Services

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
)
_LOCAL = ZoneInfo("Europe/Berlin")
_ROLE_OPTIONS = [{"label": ROLE_LABELS[role], "value": role} for role in ROLES]
DEACTIVATE, ACTIVATE = "deaktivieren", "aktivieren"
PASSWORDS_DIFFER = "Die beiden Passwörter stimmen nicht überein; bitte beide neu eingeben."


# --- layout ---------------------------------------------------------------------------------------------


def _password_form() -> html.Div:
    return html.Div(
        [
            html.H4(id=ids.PASSWORD_TITLE),
            dcc.Store(id=ids.PASSWORD_FOR, data=None),
            html.P(
                "Ein vorläufiges Passwort setzen und der Person auf sicherem Weg mitteilen.", className="hint"
            ),
            forms.field("Neues Passwort", ids.PASSWORD_NEW, forms.password(ids.PASSWORD_NEW)),
            forms.field(
                "Neues Passwort wiederholen", ids.PASSWORD_REPEAT, forms.password(ids.PASSWORD_REPEAT)
            ),
            forms.buttons(
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
            html.H4("Konto anlegen", id=ids.NEW_ACCOUNT_TITLE),
            forms.field(
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
            forms.field("Passwort", ids.NEW_ACCOUNT_PASSWORD, forms.password(ids.NEW_ACCOUNT_PASSWORD)),
            forms.field(
                "Passwort wiederholen", ids.NEW_ACCOUNT_REPEAT, forms.password(ids.NEW_ACCOUNT_REPEAT)
            ),
            forms.buttons(
                html.Button("Konto anlegen", id=ids.NEW_ACCOUNT_SAVE, type="button", className="button")
            ),
            html.Div(id=ids.NEW_ACCOUNT_MESSAGE, role="status"),
        ],
        role="group",
        className="edit-form",
        **{"aria-labelledby": ids.NEW_ACCOUNT_TITLE},
    )


def layout(_services: Services) -> html.Div:
    """The part's frame; the list is filled by a callback for admins only."""
    return html.Div(
        [
            html.H3("Benutzerkonten", id=ids.ACCOUNTS_TITLE, className="section-title"),
            dcc.Store(id=ids.ACCOUNTS_LOAD, data=0),
            html.Div(id=ids.ACCOUNTS_LIST),
            html.Div(id=ids.ACCOUNTS_MESSAGE, role="status"),
            _password_form(),
            html.Div(id=ids.PASSWORD_MESSAGE, role="status"),
            _new_account_form(),
        ],
        id=ids.ADMIN_ACCOUNTS,
        className="card admin-accounts",
    )


# --- lists ----------------------------------------------------------------------------------------------


def _created(user: User) -> str:
    return words.date(user.created_at.astimezone(_LOCAL).date()) if user.created_at else ""


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
        **{"aria-labelledby": ids.ACCOUNTS_TITLE},
    )


# --- callbacks ------------------------------------------------------------------------------------------


def register(app, services: Services) -> None:
    """Add the callbacks of the accounts part of the Verwaltung page."""
    # The renderer checks every callback's ids against the layout; this part is on the admin page only.
    app.validation_layout = html.Div([app.validation_layout, layout(services)])
    engine = services.engine

    def accounts(actor: User | None):
        """The accounts table as the acting user may see it now (nothing once they are no admin)."""
        fresh = get_user(engine, actor.name) if actor is not None else None
        return _accounts_table(list_users(engine), fresh.name) if has_role(fresh, "admin") else None

    @app.callback(Output(ids.ACCOUNTS_LIST, "children"), Input(ids.ACCOUNTS_LOAD, "data"))
    def show(_load):
        return accounts(current_user())

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
        clicked = forms.clicked()
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
            return forms.error(str(error)), accounts(actor)
        if actor is not None and name == actor.name:
            message += " Das betrifft Ihr eigenes Konto."
        return forms.done(message), accounts(actor)

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
        clicked = forms.clicked()
        if clicked is None:
            raise PreventUpdate
        closed = (None, True, "", "", "")
        if clicked == ids.PASSWORD_CANCEL:
            return *closed, None
        if isinstance(clicked, dict):
            return clicked["name"], False, f"Neues Passwort für »{clicked['name']}«", "", "", None
        if not name:
            return *closed, forms.error("Bitte zuerst in der Tabelle »Neues Passwort« beim Konto wählen.")
        if (password or "") != (repeat or ""):
            return no_update, no_update, no_update, "", "", forms.error(PASSWORDS_DIFFER)
        try:
            set_password(engine, name, password or "", actor=current_user())
        except RegisterError as error:
            return no_update, no_update, no_update, "", "", forms.error(str(error))
        return *closed, forms.done(f"Neues Passwort für »{name}« gesetzt. Bitte auf sicherem Weg mitteilen.")

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
            return forms.error("Benutzername: bitte einen Namen eingeben."), no_update, "", "", no_update
        if (password or "") != (repeat or ""):
            return forms.error(PASSWORDS_DIFFER), no_update, "", "", no_update
        actor = current_user()
        try:
            user = add_user(engine, name, role or "", password or "", actor=actor)
        except RegisterError as error:
            return forms.error(str(error)), no_update, "", "", no_update
        done = forms.done(f"Konto »{user.name}« mit der Rolle »{ROLE_LABELS[user.role]}« angelegt.")
        return done, "", "", "", accounts(actor)
