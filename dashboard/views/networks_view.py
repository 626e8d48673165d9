"""The Verwaltung page's networks: the list, adding a network and renaming one.

The part is on the Verwaltung page only (:mod:`dashboard.pages`), and its list is filled by a callback
that answers admins only. Every callback writes at least one id of :data:`ADMIN_OUTPUTS`, so a Dash
update from anyone else is refused before it runs (:func:`dashboard.login.register`); the network
functions check the role once more and record the admin's own name in the audit trail.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import MAX_NETWORK_NAME_LENGTH as MAX_NAME_LENGTH
from lpr_geo import RegisterError, add_network, has_role, network_overview, rename_network
from lpr_geo import vocabulary as words

from .. import forms, ids
from ..login import current_user
from ..services import Services

#: Outputs only the network callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = (
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


# --- layout ---------------------------------------------------------------------------------------------


def _rename_form() -> html.Div:
    return html.Div(
        [
            html.H4(id=ids.RENAME_TITLE),
            dcc.Store(id=ids.RENAME_FOR, data=None),
            forms.field(
                "Neuer Name",
                ids.RENAME_NAME,
                dcc.Input(id=ids.RENAME_NAME, type="text", value="", maxLength=MAX_NAME_LENGTH),
            ),
            forms.buttons(
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
            html.H4("Netzwerk anlegen", id=ids.NEW_NETWORK_TITLE),
            forms.field(
                "Name des Netzwerks",
                ids.NEW_NETWORK_NAME,
                dcc.Input(id=ids.NEW_NETWORK_NAME, type="text", value="", maxLength=MAX_NAME_LENGTH),
            ),
            forms.field(
                "Beschreibung (freiwillig)",
                ids.NEW_NETWORK_DESCRIPTION,
                dcc.Textarea(id=ids.NEW_NETWORK_DESCRIPTION, value="", rows=2),
            ),
            forms.buttons(
                html.Button("Netzwerk anlegen", id=ids.NEW_NETWORK_SAVE, type="button", className="button")
            ),
            html.Div(id=ids.NEW_NETWORK_MESSAGE, role="status"),
        ],
        role="group",
        className="edit-form",
        **{"aria-labelledby": ids.NEW_NETWORK_TITLE},
    )


def layout(_services: Services) -> html.Div:
    """The part's frame; the list is filled by a callback for admins only."""
    return html.Div(
        [
            html.H3("Netzwerke", id=ids.NETWORKS_TITLE, className="section-title"),
            dcc.Store(id=ids.NETWORKS_LOAD, data=0),
            html.Div(id=ids.NETWORKS_LIST),
            _rename_form(),
            html.Div(id=ids.RENAME_MESSAGE, role="status"),
            _new_network_form(),
        ],
        id=ids.ADMIN_NETWORKS,
        className="card admin-accounts",
    )


def _networks_list(networks) -> html.Ul:
    items = []
    for network in networks:
        notes = [
            "Standardnetzwerk, nicht umbenennbar" if network.is_default else None,
            f"gegründet {words.date(network.founded)}" if network.founded else None,
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
    return html.Ul(items, className="network-list", **{"aria-labelledby": ids.NETWORKS_TITLE})


# --- callbacks ------------------------------------------------------------------------------------------


def register(app, services: Services) -> None:
    """Add the callbacks of the networks part of the Verwaltung page."""
    # The renderer checks every callback's ids against the layout; this part is on the admin page only.
    app.validation_layout = html.Div([app.validation_layout, layout(services)])
    engine = services.engine

    @app.callback(Output(ids.NETWORKS_LIST, "children"), Input(ids.NETWORKS_LOAD, "data"))
    def show(_load):
        return _networks_list(network_overview(engine)) if has_role(current_user(), "admin") else None

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
            return forms.error(str(error)), no_update, no_update, no_update
        done = forms.done(
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
        clicked = forms.clicked()
        if clicked is None:
            raise PreventUpdate
        closed = (None, True, "", "")
        if clicked == ids.RENAME_CANCEL:
            return *closed, None, no_update
        if isinstance(clicked, dict):
            found = [n.name for n in network_overview(engine) if n.id == clicked["network"]]
            if not found:
                return *closed, forms.error("Dieses Netzwerk gibt es nicht mehr."), no_update
            chosen = found[0]
            return chosen, False, f"Netzwerk »{chosen}« umbenennen", chosen, None, no_update
        if not name:
            return (
                *closed,
                forms.error("Bitte zuerst in der Liste »Umbenennen« beim Netzwerk wählen."),
                no_update,
            )
        try:
            stored = rename_network(engine, name, new_name or "", actor=current_user())
        except RegisterError as error:
            return no_update, no_update, no_update, no_update, forms.error(str(error)), no_update
        done = forms.done(f"Netzwerk »{name}« heißt jetzt »{stored}«; seine Mitglieder und Verläufe bleiben.")
        return *closed, done, _networks_list(network_overview(engine))
