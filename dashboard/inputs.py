"""Text inputs that keep what the user types, and the value a user commits with Enter or by leaving.

Dash 4.4's ``dcc.Input`` with ``debounce`` (``True`` or a number of seconds) puts the caret back to a
stale position a moment after each keystroke, so fast typing scrambles the text: "Elsterwerda" typed
without pauses became "Etwerdarels" in headless Chromium, and a date field got "0.02.20241". Inputs here
therefore never debounce in the component, and fields that filter as you type send every keystroke.

Fields whose value changes the whole view (date, Kreis, network) must only act when the user is done:
on Enter or when the field is left. ``n_submit`` can reach the server before the ``value`` the component
syncs after it, so :func:`commit_store` keeps the field's text exactly as the browser shows it at that
moment, read from the DOM by a clientside callback.
"""

from __future__ import annotations

import json

from dash import Input, Output, dcc

#: Properties of ``dcc.Input`` whose change means "the user is done with this field".
COMMIT_EVENTS = ("n_submit", "n_blur")


def text_input(component_id: str, **props) -> dcc.Input:
    """A ``dcc.Input`` that reports every keystroke in order (``debounce`` off, see module docstring)."""
    return dcc.Input(id=component_id, debounce=False, **props)


def commit_id(component_id: str) -> str:
    """Id of the store that receives the committed text of ``component_id``."""
    return f"{component_id}-eingabe"


def commit_store(component_id: str) -> dcc.Store:
    """The store for :func:`commit_store`'s callback; put it next to the field in the layout."""
    return dcc.Store(id=commit_id(component_id))


def register_commit(app, component_id: str) -> Input:
    """Copy the field's text into its store on Enter and on leaving; return that store as an input.

    The store's data is ``{"text": ..., "at": milliseconds}``: the time stamp makes every commit a
    change, so Enter on the same text again is still seen (the view reducer ignores no-op commits).
    """
    field = json.dumps(component_id)
    app.clientside_callback(
        f"function () {{ return {{text: document.getElementById({field}).value, at: Date.now()}}; }}",
        Output(commit_id(component_id), "data"),
        *(Input(component_id, event) for event in COMMIT_EVENTS),
        prevent_initial_call=True,
    )
    return Input(commit_id(component_id), "data")
