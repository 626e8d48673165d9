"""Admin area: Datenschutz. Access report and erasure for one person, and the retention review (DSGVO).

The admin searches a person by e-mail address or name (exact, see :mod:`lpr_geo.privacy`) and sees how
much is stored; "Auskunft herunterladen" sends the report (JSON and German HTML in one ZIP file) and the
audit trail notes that it was given; "Löschen…" shows what would be erased and erases only after
"Endgültig löschen". The retention review lists contact records whose retention period has passed, each
with "Nach Prüfung löschen…", which asks the same way: nothing is erased without that confirmation.

Every callback writes at least one id of :data:`ADMIN_OUTPUTS`, so a Dash update from anyone but an admin
is refused before it runs (:func:`dashboard.login.register`); each checks the role itself, and the
functions of :mod:`lpr_geo.privacy` check it once more.
"""

from __future__ import annotations

import datetime as dt

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from lpr_geo import ACCESS_SECTIONS as SECTIONS
from lpr_geo import (
    MAX_QUERY_CHARS,
    PersonQuery,
    RegisterError,
    User,
    disclose,
    due_contacts,
    erase_person,
    person_overview,
    plan_erasure,
    require_role,
    zip_bytes,
)
from lpr_geo.vocabulary import CONTACT_PERSON, ENTRY, REGION, YEAR, date

from .. import browser_input, forms, ids
from ..login import current_user
from ..services import Services

#: Outputs only the admin callbacks write; Dash updates naming them need the role admin.
ADMIN_OUTPUTS: tuple[str, ...] = (
    ids.PRIVACY_FOUND,
    ids.PRIVACY_RESULT,
    ids.PRIVACY_EXPORT,
    ids.PRIVACY_DOWNLOAD,
    ids.PRIVACY_ERASE,
    ids.PRIVACY_PENDING,
    ids.PRIVACY_CONFIRM,
    ids.PRIVACY_CONFIRM_TEXT,
    ids.PRIVACY_CONFIRM_PLAN,
    ids.PRIVACY_CONFIRM_YES,
    ids.PRIVACY_CONFIRM_NAMES,
    ids.PRIVACY_MESSAGE,
    ids.RETENTION_LOAD,
    ids.RETENTION_LIST,
)


def layout(_services: Services) -> html.Div:
    """The card's frame; results and the review list are filled by callbacks for admins only."""
    return html.Div(
        [
            html.H3("Datenschutz", id="datenschutz-titel", className="section-title"),
            html.P(
                "Auskunft (Art. 15 DSGVO) und Löschung (Art. 17 DSGVO) für eine Person, gesucht genau nach "
                "E-Mail-Adresse (mit @) oder vollständigem Namen; Groß- und Kleinschreibung egal, keine "
                "Ähnlichkeitssuche. Bei Namensgleichen die E-Mail-Adresse verwenden.",
                className="hint",
            ),
            html.Div(
                [
                    html.P(
                        [
                            html.Label("E-Mail-Adresse oder Name", htmlFor=ids.PRIVACY_TEXT),
                            html.Br(),
                            dcc.Input(
                                id=ids.PRIVACY_TEXT,
                                type="text",
                                value="",
                                maxLength=MAX_QUERY_CHARS,
                                autoComplete="off",
                                debounce=False,
                            ),
                        ],
                        className="form-field",
                    ),
                    html.Button("Suchen", id=ids.PRIVACY_SEARCH, type="button", className="button"),
                ],
                role="search",
                className="edit-form",
                **{"aria-label": "Person suchen"},
            ),
            dcc.Store(id=ids.PRIVACY_FOUND, data=None),
            html.Div(id=ids.PRIVACY_RESULT, role="status"),
            html.Div(
                [
                    html.Button(
                        "Auskunft herunterladen",
                        id=ids.PRIVACY_EXPORT,
                        type="button",
                        className="button",
                        disabled=True,
                    ),
                    html.Button(
                        "Löschen…",
                        id=ids.PRIVACY_ERASE,
                        type="button",
                        className="button danger",
                        disabled=True,
                    ),
                    dcc.Download(id=ids.PRIVACY_DOWNLOAD),
                ],
                className="toolbar",
            ),
            html.Div(
                [
                    html.P(id=ids.PRIVACY_CONFIRM_TEXT, role="alert"),
                    html.Div(id=ids.PRIVACY_CONFIRM_PLAN),
                    html.Button(
                        "Endgültig löschen",
                        id=ids.PRIVACY_CONFIRM_YES,
                        type="button",
                        className="button danger",
                    ),
                    html.Button(
                        "Endgültig löschen und Namen ersetzen",
                        id=ids.PRIVACY_CONFIRM_NAMES,
                        type="button",
                        className="button danger",
                        hidden=True,  # only when the plan lists name mentions for review
                    ),
                    html.Button(
                        "Abbrechen", id=ids.PRIVACY_CONFIRM_NO, type="button", className="button secondary"
                    ),
                ],
                id=ids.PRIVACY_CONFIRM,
                hidden=True,
                role="group",
                className="confirm-box",
                **{"aria-labelledby": ids.PRIVACY_CONFIRM_TEXT},
            ),
            dcc.Store(id=ids.PRIVACY_PENDING, data=None),
            html.Div(id=ids.PRIVACY_MESSAGE, role="status"),
            html.H4("Fällige Löschungen (Aufbewahrungsfrist)", id="datenschutz-fristen-titel"),
            dcc.Store(id=ids.RETENTION_LOAD, data=0),
            html.Div(id=ids.RETENTION_LIST),
        ],
        id=ids.ADMIN_PRIVACY,
        className="card admin-part",
        role="region",
        **{"aria-labelledby": "datenschutz-titel"},
    )


# --- parts ----------------------------------------------------------------------------------------------


def _query(stored: object) -> PersonQuery:
    """The request a store holds (the browser's word: checked like anything it sends)."""
    found = browser_input.mapping(stored, "Suche")
    by = found.get("by")
    if by == "contact":
        return PersonQuery.of(contact_id=browser_input.whole_number(found.get("value"), "Ansprechpartner"))
    if by not in ("email", "name"):
        raise browser_input.BadInput("Suche: ungültige Angabe.")
    return PersonQuery.of(**{by: browser_input.text(found.get("value"), "Suche", MAX_QUERY_CHARS)})


def _typed(text: object) -> PersonQuery:
    """What the search field holds: an e-mail address if it has an "@", else a name."""
    typed = browser_input.text(text, "Suche", MAX_QUERY_CHARS)
    return _query({"by": "email" if "@" in typed else "name", "value": typed})


def _stored(query: PersonQuery) -> dict:
    if query.contact_id is not None:
        return {"by": "contact", "value": query.contact_id}
    return {"by": "email", "value": query.email} if query.email else {"by": "name", "value": query.name}


def _searched(query: PersonQuery) -> str:
    if query.contact_id is not None:
        return f"Ansprechpartner Nr. {query.contact_id}"
    return f"E-Mail-Adresse »{query.email}«" if query.email else f"Name »{query.name}«"


def _namesakes(report) -> html.P | None:
    """A name search that found several contact records: they may be different people."""
    regions = {contact["region"] for contact in report.sections["ansprechpartner"]}
    if report.query.name is None or len(regions) < 2:
        return None
    return html.P(
        f"Den Namen tragen Ansprechpartner in {REGION.count(len(regions))}. Sind es verschiedene Personen, "
        "bitte nach der E-Mail-Adresse suchen.",
        className="form-error",
    )


def _counts(report) -> html.Div:
    if not report.items:
        return html.P(
            f"Zu {_searched(report.query)} ist nichts gespeichert. Die Auskunft darüber lässt sich trotzdem "
            "herunterladen."
        )
    return html.Div(
        [
            html.P(f"Gespeichert zu {_searched(report.query)}: {ENTRY.count(report.items)}."),
            html.Table(
                [
                    html.Caption("Gespeichert, nach Bereichen"),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Th(title, scope="row"),
                                    html.Td(str(report.counts[key]), className="num"),
                                ]
                            )
                            for key, title in SECTIONS.items()
                            if report.counts[key]
                        ]
                    ),
                ],
                className="route-table privacy-counts",
            ),
            _namesakes(report),
        ]
    )


def _sections(sections: list[tuple[str, list[str]]]) -> list:
    parts: list = []
    for heading, items in sections:
        parts.append(html.P(heading))
        if items:
            parts.append(html.Ul([html.Li(item) for item in items]))
    return parts


def _due_table(due, years: int) -> list:
    intro = html.P(
        f"Aufbewahrungsfrist {YEAR.count(years)} nach der letzten Aktivität oder nach »Kein Interesse« "
        "bzw. Austritt. Gelöscht wird nur nach Prüfung und Bestätigung.",
        className="hint",
    )
    if not due:
        return [intro, html.P("Keine Kontaktdaten zur Löschung fällig.")]
    rows = [
        html.Tr(
            [
                html.Td(str(d.contact_id), className="num"),
                html.Td(d.region.label() if d.region else "–"),
                html.Th(d.name, scope="row"),
                html.Td(d.reason),
                html.Td(date(d.due_since) or "sofort"),
                html.Td(
                    html.Button(
                        "Nach Prüfung löschen…",
                        id={"type": ids.RETENTION_ERASE, "index": d.contact_id},
                        type="button",
                        className="button secondary small",
                        **{"aria-label": f"Nach Prüfung löschen: {d.name}"},
                    )
                ),
            ]
        )
        for d in due
    ]
    header = ("Nr.", "Region", "Ansprechpartner", "Grund", "fällig seit", "Aktion")
    return [
        intro,
        html.P(f"{CONTACT_PERSON.count(len(due))} zur Löschung fällig."),
        html.Table(
            [
                html.Thead(html.Tr([html.Th(label, scope="col") for label in header])),
                html.Tbody(rows),
            ],
            className="route-table retention-table",
            **{"aria-labelledby": "datenschutz-fristen-titel"},
        ),
    ]


#: Outputs of the erasure callback, in order: (component, property, also written by another callback).
_ERASURE_OUTPUTS = (
    (ids.PRIVACY_PENDING, "data", False),
    (ids.PRIVACY_CONFIRM, "hidden", False),
    (ids.PRIVACY_CONFIRM_TEXT, "children", False),
    (ids.PRIVACY_CONFIRM_PLAN, "children", False),
    (ids.PRIVACY_CONFIRM_YES, "hidden", False),
    (ids.PRIVACY_CONFIRM_NAMES, "hidden", False),
    (ids.PRIVACY_MESSAGE, "children", False),
    (ids.RETENTION_LOAD, "data", False),
    (ids.PRIVACY_FOUND, "data", True),
    (ids.PRIVACY_RESULT, "children", True),
    (ids.PRIVACY_EXPORT, "disabled", True),
    (ids.PRIVACY_ERASE, "disabled", True),
)


def _erasure_reply(
    pending=None, question: str = "", plan=None, yes_hidden=False, names_hidden=True, **changes
) -> tuple:
    """The erasure callback's outputs: the confirmation box (closed unless ``question``), and ``changes``.

    ``changes`` names further outputs by their id's last word (``message``, ``load``, ``found``,
    ``result``, ``export``, ``erase``); the rest stay as they are.
    """
    box = (pending, not question, question, plan, yes_hidden, names_hidden)
    rest = ("message", "load", "found", "result", "export", "erase")
    return *box, *(changes.get(name, no_update) for name in rest)


def _question(plan) -> tuple:
    """Show what an erasure would do and ask; with name mentions also offer to replace them."""
    if plan.empty and not plan.mentions:
        return _erasure_reply(message=html.P("Dazu ist nichts (mehr) gespeichert; nichts zu löschen."))
    question = f"{_searched(plan.query)}: wirklich endgültig löschen? Das lässt sich nicht rückgängig machen."
    return _erasure_reply(
        _stored(plan.query),
        question,
        _sections(plan.sections()),
        yes_hidden=plan.empty,  # only the names are left: the plain erasure would do nothing
        names_hidden=not plan.mentions,
        message=None,
    )


def _erased(done, loaded) -> tuple:
    """Report a finished erasure, refresh the review list and clear the search result."""
    summary = html.P(
        f"Gelöscht: {CONTACT_PERSON.count(len(done.plan.contacts))}; im Änderungsprotokoll ohne die Daten "
        "vermerkt.",
        className="form-success",
    )
    warning = (
        [
            forms.error(
                f"{', '.join(done.remnants)} kann die Werte noch enthalten (Datenbank belegt); bitte erneut löschen."
            )
        ]
        if done.remnants
        else []
    )
    return _erasure_reply(
        message=html.Div([summary, *_sections(done.plan.review_sections()), *warning]),
        load=loaded + 1 if isinstance(loaded, int) else 1,
        found=None,
        result=None,
        export=True,
        erase=True,
    )


def _clicked():
    """The id of the clicked button; ``None`` when Dash only reports newly rendered buttons (no clicks)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id


# --- callbacks ------------------------------------------------------------------------------------------


def register(app, services: Services) -> None:
    """Add the callbacks of the Datenschutz card (admins only)."""
    # The card exists only in an admin's layout; the renderer learns its ids from the empty layout.
    app.validation_layout = html.Div([app.validation_layout, layout(services)])
    engine = services.engine

    def admin() -> User:
        return require_role(current_user(), "admin")

    @app.callback(
        Output(ids.PRIVACY_FOUND, "data"),
        Output(ids.PRIVACY_RESULT, "children"),
        Output(ids.PRIVACY_EXPORT, "disabled"),
        Output(ids.PRIVACY_ERASE, "disabled"),
        Input(ids.PRIVACY_SEARCH, "n_clicks"),
        Input(ids.PRIVACY_TEXT, "n_submit"),
        State(ids.PRIVACY_TEXT, "value"),
        prevent_initial_call=True,
    )
    def search(_clicks, _submit, text):
        """Look the person up and show how much is stored; enable the download and, if any, the erasure."""
        try:
            user = admin()
            query = _typed(text)
            report = person_overview(engine, query, actor=user)
            plan = plan_erasure(engine, query, actor=user)
        except RegisterError as error:
            return None, forms.error(str(error)), True, True
        return _stored(query), _counts(report), False, plan.empty and not plan.mentions

    @app.callback(
        Output(ids.PRIVACY_DOWNLOAD, "data"),
        Output(ids.PRIVACY_MESSAGE, "children", allow_duplicate=True),
        Input(ids.PRIVACY_EXPORT, "n_clicks"),
        State(ids.PRIVACY_FOUND, "data"),
        prevent_initial_call=True,
    )
    def download(clicks, found):
        """The access report as one ZIP file (JSON and HTML); the audit trail notes it, without data."""
        if not clicks or found is None:
            raise PreventUpdate
        try:
            report = disclose(engine, _query(found), actor=admin())
        except RegisterError as error:
            return no_update, forms.error(str(error))
        name = f"auskunft-{dt.date.today().isoformat()}.zip"
        note = html.P(
            f"Auskunft erstellt ({ENTRY.count(report.items)}); im Änderungsprotokoll vermerkt.",
            className="form-success",
        )
        return dcc.send_bytes(zip_bytes(report), name), note

    @app.callback(
        *(Output(component, prop, allow_duplicate=shared) for component, prop, shared in _ERASURE_OUTPUTS),
        Input(ids.PRIVACY_ERASE, "n_clicks"),
        Input({"type": ids.RETENTION_ERASE, "index": ALL}, "n_clicks"),
        Input(ids.PRIVACY_CONFIRM_YES, "n_clicks"),
        Input(ids.PRIVACY_CONFIRM_NAMES, "n_clicks"),
        Input(ids.PRIVACY_CONFIRM_NO, "n_clicks"),
        State(ids.PRIVACY_FOUND, "data"),
        State(ids.PRIVACY_PENDING, "data"),
        State(ids.RETENTION_LOAD, "data"),
        prevent_initial_call=True,
    )
    def erasure(_erase, _due, _yes, _names, _no, found, pending, loaded):
        """A "Löschen…" or a due row's button asks first; only a confirming button erases."""
        clicked = _clicked()
        confirmed = clicked in (ids.PRIVACY_CONFIRM_YES, ids.PRIVACY_CONFIRM_NAMES)
        if clicked is None or (confirmed and not pending):
            raise PreventUpdate
        if clicked == ids.PRIVACY_CONFIRM_NO:
            return _erasure_reply(message=html.P("Nichts gelöscht."))
        try:
            user = admin()
            if confirmed:
                names = clicked == ids.PRIVACY_CONFIRM_NAMES
                return _erased(erase_person(engine, _query(pending), replace_names=names, actor=user), loaded)
            query = (
                _query(found)
                if clicked == ids.PRIVACY_ERASE
                else PersonQuery.of(
                    contact_id=browser_input.whole_number(clicked["index"], "Ansprechpartner")
                )
            )
            return _question(plan_erasure(engine, query, actor=user))
        except RegisterError as error:
            return _erasure_reply(message=forms.error(str(error)))

    @app.callback(Output(ids.RETENTION_LIST, "children"), Input(ids.RETENTION_LOAD, "data"))
    def retention(_load):
        """The contact records due for erasure (filled when the card appears and after every erasure)."""
        try:
            years = services.settings.retention_years
            return _due_table(due_contacts(engine, years, actor=admin()), years)
        except RegisterError as error:
            return forms.error(str(error))
