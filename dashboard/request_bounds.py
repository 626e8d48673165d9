"""What one request may ask of the app: checked before Dash parses or runs anything, in one place.

Anyone can POST to ``/_dash-update-component``, and Dash hands whatever arrives to the callbacks: a
forged route through 10,000 stops kept a worker busy for 30 s and took 3 GB, and a body that is a list,
``null`` or names an unknown output crashed Dash itself (500 and a traceback in the log). So every
callback request passes two checks here before Dash sees it:

1. **Size and nesting**, on the raw bytes and then on the parsed body: at most :data:`MAX_VALUES` JSON
   values (counted as commas and opening brackets *before* parsing, so parsing itself stays cheap), no
   list or object of more than :data:`MAX_ITEMS` entries, no string of more than :data:`MAX_CHARS`
   characters (except the inputs declared large, such as the register upload, which only the request
   size limits), nesting at most :data:`MAX_DEPTH` deep.
2. **Form**: the output is a server-side callback of this app, its inputs and state are exactly those
   the callback declares (pattern-matching ones as lists of ids that fit the pattern), and every changed
   property is one of them.

The limits lie far above what the pages send: the largest real request is the gap list's selection,
one row of about 17 values per selected region (417 Gemeinden at most in Brandenburg: ~7,000 values),
and the deepest is a map click (8 levels). What passes is still the browser's word; the parsers in
:mod:`dashboard.browser_input` make domain data of it and raise :class:`~dashboard.browser_input.BadInput`
for what no page sends. Everything refused here or there is answered with 400 and a short German
message; a path under ``/_dash-component-suites/`` that names no file gets 404. Neither writes a
traceback: the request log's one line is all the log gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import dash
from dash.exceptions import DependencyException, InvalidCallbackReturnValue
from flask import Response, request
from werkzeug.exceptions import HTTPException

from .browser_input import BadInput
from .login import DASH_UPDATE_PATH

#: Most JSON values in one callback request (its commas, ``[`` and ``{``, counted before parsing).
MAX_VALUES = 50_000
#: Most entries of one list or object.
MAX_ITEMS = 1_000
#: Longest string (a URL, a search text, a note), except in the inputs declared large.
MAX_CHARS = 10_000
#: Deepest nesting of lists and objects.
MAX_DEPTH = 20
_SUITES_ENDPOINT = "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"
_WILDCARDS = (["ALL"], ["ALLSMALLER"], ["MATCH"])


def refusal(message: str, status: int = 400) -> Response:
    """The answer to a request the app will not serve: a short German text."""
    return Response(message, status=status, content_type="text/plain; charset=utf-8")


def register(app: dash.Dash, large_inputs: Iterable[tuple[str, str]] = ()) -> None:
    """Check every Dash callback request before Dash does anything with it.

    The size check runs before every other check of the request (the role check reads the body too);
    the form check runs after those registered before this call, so register after the login: a
    visitor without the right role learns nothing about which requests would be well-formed.

    Parameters
    ----------
    app : dash.Dash
        The app; its callbacks must all be registered before the first request.
    large_inputs : iterable of (component id, property)
        Inputs whose value may be a string longer than :data:`MAX_CHARS` (bounded by the request size).
    """
    server = app.server
    large = frozenset(large_inputs)

    def check_size():
        if request.method != "POST" or request.path != DASH_UPDATE_PATH:
            return None
        problem = _size_problem(request.get_data(cache=True))
        if problem:
            return refusal(problem)
        try:
            body = request.get_json(cache=True)  # Dash and the role check read this parsed copy
        except (HTTPException, RecursionError):
            return refusal("Anfrage abgelehnt: kein gültiges JSON.")
        problem = _shape_problem(body, large)
        return refusal(problem) if problem else None

    server.before_request_funcs.setdefault(None, []).insert(0, check_size)

    @server.before_request
    def check_form():
        if request.method != "POST" or request.path != DASH_UPDATE_PATH:
            return None
        problem = _form_problem(request.get_json(cache=True), app.callback_map)
        return refusal(problem) if problem else None

    @server.errorhandler(BadInput)
    def refuse_bad_input(error: BadInput):
        return refusal(f"Anfrage abgelehnt: {error}")

    @server.errorhandler(InvalidCallbackReturnValue)
    def refuse_missing_outputs(error: InvalidCallbackReturnValue):
        # a request may list fewer (or more) components of an ALL-pattern output than the page has (the
        # level buttons: always three); Dash then cannot place the callback's values. Only then is it the
        # request's fault; any other mismatch is a bug of ours and stays a 500.
        outputs = (request.get_json(silent=True, cache=True) or {}).get("outputs")
        if isinstance(outputs, list) and any(isinstance(output, list) for output in outputs):
            return refusal("Anfrage abgelehnt: Ausgaben passen nicht zur Seite.")
        raise error

    serve_suite = server.view_functions[_SUITES_ENDPOINT]

    def suite_or_404(**kwargs):
        try:
            return serve_suite(**kwargs)
        except (DependencyException, FileNotFoundError):  # a package or file Dash does not serve
            return refusal("Datei nicht gefunden.", status=404)

    server.view_functions[_SUITES_ENDPOINT] = suite_or_404


def _size_problem(raw: bytes) -> str | None:
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if values > MAX_VALUES:
        return f"Anfrage abgelehnt: mehr als {MAX_VALUES:,} Werte.".replace(",", ".")
    return None


def _shape_problem(body: object, large: frozenset[tuple[str, str]]) -> str | None:
    """Lists, objects, strings and nesting within the limits; the values of large inputs exempt."""
    exempt = [
        entry["value"]
        for entry in _entries(body)
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), str)
        and (entry["id"], entry.get("property")) in large
    ]
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_CHARS and not any(value is e for e in exempt):
                return f"Anfrage abgelehnt: Text länger als {MAX_CHARS:,} Zeichen.".replace(",", ".")
            continue
        if not isinstance(value, list | dict):
            continue
        if depth > MAX_DEPTH:
            return f"Anfrage abgelehnt: mehr als {MAX_DEPTH} Ebenen verschachtelt."
        if len(value) > MAX_ITEMS:
            return f"Anfrage abgelehnt: Liste mit mehr als {MAX_ITEMS:,} Einträgen.".replace(",", ".")
        items = value.values() if isinstance(value, dict) else value
        stack.extend((item, depth + 1) for item in items)
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
    return None


def _entries(body: object) -> list:
    """The input and state entries of a body (pattern-matching ones flattened), whatever it holds."""
    if not isinstance(body, dict):
        return []
    entries = []
    for name in ("inputs", "state"):
        listed = body.get(name)
        for entry in listed if isinstance(listed, list) else []:
            entries.extend(entry if isinstance(entry, list) else [entry])
    return entries


def _form_problem(body: object, callbacks: dict) -> str | None:
    """Whether the body is a call of one of the app's server callbacks with its declared inputs."""
    if not isinstance(body, dict):
        return "Anfrage abgelehnt: erwartet ein JSON-Objekt."
    output = body.get("output")
    spec = callbacks.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:  # clientside callbacks have no server part
        return "Anfrage abgelehnt: unbekannte Ausgabe."
    declared_outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    outputs = body.get("outputs")
    outputs = outputs if isinstance(spec["output"], list) else [outputs]
    if not isinstance(outputs, list) or len(outputs) != len(declared_outputs):
        return "Anfrage abgelehnt: Ausgaben passen nicht zum Callback."
    for given, declared in zip(outputs, declared_outputs, strict=True):
        if not _fits(given, declared.component_id_str(), declared.component_property):
            return "Anfrage abgelehnt: Ausgaben passen nicht zum Callback."
    for name in ("inputs", "state"):
        given = body.get(name, [])
        declared = spec[name]
        if not isinstance(given, list) or len(given) != len(declared):
            return "Anfrage abgelehnt: Eingaben passen nicht zum Callback."
        for entry, dependency in zip(given, declared, strict=True):
            if not _fits(entry, dependency["id"], dependency["property"]):
                return "Anfrage abgelehnt: Eingaben passen nicht zum Callback."
    changed = body.get("changedPropIds", [])
    inputs = [e for e in _entries({"inputs": body["inputs"]}) if isinstance(e, dict)]
    if not isinstance(changed, list) or not all(_is_one_of(prop_id, inputs) for prop_id in changed):
        return "Anfrage abgelehnt: geänderte Eigenschaft ist keine Eingabe des Callbacks."
    return None


def _fits(entry: object, declared_id: str, declared_property: str) -> bool:
    """Whether a body entry names the declared id and property (a list of fitting ids for ALL patterns)."""
    # an output declared with allow_duplicate carries "@<hash>" after its property in the callback's key
    declared_property = declared_property.split("@", 1)[0]
    if not declared_id.startswith("{"):
        return _entry_fits(entry, lambda i: i == declared_id, declared_property)
    pattern = json.loads(declared_id)

    def id_fits(given: object) -> bool:
        return (
            isinstance(given, dict)
            and given.keys() == pattern.keys()
            and all(
                isinstance(given[k], str | int) and not isinstance(given[k], bool)
                if v in _WILDCARDS
                else given[k] == v
                for k, v in pattern.items()
            )
        )

    if any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
        return isinstance(entry, list) and all(_entry_fits(e, id_fits, declared_property) for e in entry)
    return _entry_fits(entry, id_fits, declared_property)


def _entry_fits(entry: object, id_fits, declared_property: str) -> bool:
    return (
        isinstance(entry, dict)
        and id_fits(entry.get("id"))
        and isinstance(entry.get("property"), str)
        and entry["property"].split("@", 1)[0] == declared_property
    )


def _is_one_of(prop_id: object, inputs: list[dict]) -> bool:
    """Whether ``"id.property"`` (a pattern id as JSON) names one of the given input entries."""
    if not isinstance(prop_id, str) or "." not in prop_id:
        return False
    component, prop = prop_id.rsplit(".", 1)
    if component.startswith("{"):
        try:
            component = json.loads(component)
        except ValueError:
            return False
    return any(entry["id"] == component and entry["property"] == prop for entry in inputs)
