"""The editor panel under the region detail: who gets it, for which region, and what it may write.

The panel is built by a callback and only for users with the role editor (or admin): a viewer's
response holds neither the forms nor any contact data. Its parts are the status form
(:mod:`dashboard.views.status_editor`), the activity form (:mod:`dashboard.views.activity_editor`) and the
contact persons (:mod:`dashboard.views.contacts_editor`).
Their callbacks are refused for everyone else before they run (:func:`dashboard.login.register`, by the
output ids in :data:`EDITING_OUTPUTS`), and the editing functions of :mod:`lpr_geo.register` check the
role once more.
"""

from __future__ import annotations

from dash import Input, Output, html
from sqlalchemy import Engine

from lpr_geo import EVENT_STATUSES, User, contacts_for, current_status, has_role, register_holds_sample

from .. import ids
from ..browser_input import KnownValues
from ..login import current_user
from ..services import Services
from ..url_state import ViewState
from . import activity_editor, contacts_editor, followups_view, status_editor

#: Outputs only the editing callbacks write; Dash updates naming them need the role editor.
EDITING_OUTPUTS: tuple[str, ...] = (
    *status_editor.OUTPUTS,
    *activity_editor.OUTPUTS,
    *contacts_editor.OUTPUTS,
    *followups_view.OUTPUTS,
)


#: Said above the forms while the register holds the sample: edits there are not real data.
SAMPLE_NOTICE = (
    "Das Register enthält noch das Beispielregister: »Status speichern« schreibt zum Ausprobieren in die "
    "fiktiven Einträge. Der erste echte Eintrag entfernt es im selben Schritt: »Beispielregister entfernen, "
    "dann speichern« (oder der erste Import, Verwaltung bzw. lpr-geo members import "
    "--beispiel-entfernen)."
)


def _panel(status: str | None, version: int, contacts_table, sample: bool = False) -> list:
    return [
        html.H3("Bearbeiten", className="section-title"),
        *([html.P(SAMPLE_NOTICE, className="hint sample-notice", role="note")] if sample else []),
        *status_editor.forms(status, version, sample),
        activity_editor.form(),
        *contacts_editor.section(contacts_table),
    ]


def editor_panel(engine: Engine, user: User | None, known: KnownValues, stored: object) -> list | None:
    """The panel for the region of the view ``stored``, loaded with its status, version and contacts.

    ``None`` for anyone but an editor, and when no region is chosen.
    """
    view = ViewState.from_store(stored, known)
    if not has_role(user, "editor") or view.region_level is None:
        return None
    current = current_status(engine, view.region_level, view.region, view.network)
    contacts = contacts_for(engine, user, view.region_level, view.region)
    status = current.status.value if current.status in EVENT_STATUSES else None
    sample = register_holds_sample(engine)
    return _panel(status, current.version, contacts_editor.table(contacts), sample)


def register(app, services: Services) -> None:
    """Add the callbacks of the editor panel: the panel itself, its status, activity and contact forms."""
    # The renderer checks every callback's ids against the layout; the panel only exists for editors,
    # so the check gets the empty forms (no register data, no contacts) to know the ids.
    app.validation_layout = html.Div(
        [app.validation_layout, html.Div(_panel(None, 0, html.Div(id=ids.CONTACTS), sample=True))]
    )

    @app.callback(Output(ids.EDITOR, "children"), Input(ids.VIEW, "data"))
    def show_editor(stored):
        return editor_panel(services.engine, current_user(), services.known_values(), stored)

    status_editor.register(app, services)
    activity_editor.register(app, services)
    contacts_editor.register(app, services)
