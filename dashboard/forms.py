"""Form parts shared by the editor panel and the Verwaltung page: fields, buttons and messages.

One definition each, so that every form labels its fields, announces its messages and shows a stale
edit the same way (``form-error`` with ``role="alert"``, ``form-success``; see assets/style.css).
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import ctx, dcc, html

from lpr_geo import StaleEdit

from .inputs import commit_store, text_input

#: What a form that edits a region answers when the view has none.
NO_REGION = "Bitte zuerst eine Region wählen."


def field(label: str, component_id: str, control) -> html.P:
    """A control with its label above it."""
    return html.P([html.Label(label, htmlFor=component_id), html.Br(), control], className="form-field")


def text(
    component_id: str, placeholder: str = "", max_length: int | None = None, value: str = ""
) -> dcc.Input:
    """A one-line text input."""
    return dcc.Input(id=component_id, type="text", value=value, placeholder=placeholder, maxLength=max_length)


def password(component_id: str) -> dcc.Input:
    """A new password (the browser offers to generate one, never to fill in a stored one)."""
    return dcc.Input(id=component_id, type="password", value="", autoComplete="new-password")


def buttons(*parts) -> html.P:
    """A row of buttons."""
    return html.P(list(parts), className="form-buttons")


def committed_field(
    label: str, component_id: str, suggestions: tuple[str, Iterable[str]] | None = None, **props
) -> list:
    """A labelled text input that acts on Enter or when left (see :mod:`dashboard.inputs`).

    With ``suggestions`` (datalist id, values) it suggests values in a native <datalist>: that works
    with the keyboard and screen readers.
    """
    extra = []
    if suggestions is not None:
        list_id, values = suggestions
        props["list"] = list_id
        extra = [html.Datalist([html.Option(value=v) for v in values], id=list_id)]
    return [
        html.Label(label, htmlFor=component_id),
        text_input(component_id, autoComplete="off", **props),
        commit_store(component_id),
        *extra,
    ]


def error(message: str) -> html.P:
    """A message on what went wrong, announced at once."""
    return html.P(message, className="form-error", role="alert")


def done(message: str) -> html.P:
    """A message that a change was saved."""
    return html.P(message, className="form-success")


def lines(*parts) -> list:
    """The parts that are not empty, one per line."""
    kept = [part for part in parts if part is not None and part != ""]
    return [item for index, part in enumerate(kept) for item in ([html.Br(), part] if index else [part])]


def stale(edit: StaleEdit) -> html.Div:
    """A stale save: who changed the record meanwhile, and the stored values beside the ones entered."""
    rows = [
        html.Tr([html.Th(label, scope="row"), html.Td(edit.current.get(label, "")), html.Td(value)])
        for label, value in edit.submitted.items()
    ]
    return html.Div(
        [
            error(str(edit)),
            html.Table(
                [
                    html.Caption("Gespeicherter Stand und Ihre Eingabe"),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th("Feld", scope="col"),
                                html.Th(f"Gespeichert von {edit.changed_by}", scope="col"),
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


def clicked():
    """The id of the clicked button; ``None`` when Dash only reports newly rendered buttons (no clicks)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return ctx.triggered_id
