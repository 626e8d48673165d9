"""Map first: the parts of the map page below the first screen load when they come near it.

The map is what every visitor came for. Rendered with the page, the gap list and the Kreis table (AG
Grid: a 230 KB script of its own, then thousands of cells), the charts and the route fetched their
scripts and ran their callbacks while the map was still waiting for its geometry: on a cold start the map
was drawn about a second later than it could be. So each of these parts starts as a placeholder that
holds only its heading (the header's links still find it) and is replaced by its real layout, with its
callbacks running as for any new component, when

* it comes within :data:`MARGIN_PX` of the screen after the map has drawn (or after
  :data:`MAP_WAIT_MS`, should the map never draw), or
* the ``<details>`` that holds it is opened (the map's text alternative).

A part's components exist only once it is loaded, so no callback of the always-present page may take
them as a plain input (Dash refuses to run a callback one of whose inputs is missing). Their events
reach the view's callback through a *relay*: a store that is always there and into which a clientside
callback copies the event (:func:`relay`), as :func:`dashboard.inputs.register_commit` does for fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from string import Template

from dash import Input, Output, dcc, html
from dash.development.base_component import Component

from . import ids

#: How far below the screen a part starts loading, so that it is there when scrolled to.
MARGIN_PX = 100
#: Longest wait for the map before the parts on screen load anyway.
MAP_WAIT_MS = 5000
PART_CLASS = "deferred"  # the placeholders' class
#: After the map has drawn (its regions are in the page), watch every part not yet watched: load it when it
#: comes near the screen, or when the <details> around it opens.
_WATCHER = Template(
    """function (drawn) {
        if (!drawn) { return window.dash_clientside.no_update; }
        const mapId = $map, started = performance.now();
        const load = (element) => {
            if (element.dataset.requested) { return; }
            element.dataset.requested = "1";
            window.dash_clientside.set_props(element.dataset.seen, {data: Date.now()});
        };
        const watch = () => {
            const observer = new IntersectionObserver((entries) => {
                for (const entry of entries) {
                    if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target); }
                }
            }, {rootMargin: "0px 0px ${margin}px 0px"});
            for (const element of document.querySelectorAll(".$cls[data-seen]:not([data-watched])")) {
                element.dataset.watched = "1";
                const details = element.closest("details");
                if (!details) { observer.observe(element); continue; }
                if (details.open) { load(element); continue; }
                details.addEventListener("toggle", () => details.open && load(element));
            }
        };
        const drawnYet = () => document.querySelector("#" + mapId + " .choroplethlocation")
            || performance.now() - started > $wait;
        const wait = () => (drawnYet() ? watch() : window.requestAnimationFrame(wait));
        wait();
        return window.dash_clientside.no_update;
    }"""
)


def box_id(part: str) -> str:
    """Id of the element whose children are the part (placeholder first, then its layout)."""
    return f"teil-{part}"


def seen_id(part: str) -> str:
    """Id of the store the browser sets when the part is to be loaded."""
    return f"teil-{part}-sichtbar"


def relay_id(component_id: str) -> str:
    """Id of the always-present store that relays the events of a part's component."""
    return f"{component_id}-meldung"


def part(name: str, layout: Callable[[], Component], titled: bool = True) -> html.Div:
    """The part ``name`` as the page first holds it: a placeholder, with the heading of ``layout``'s
    section when ``titled`` (a section's first child is its H2, the target of the header's links)."""
    marks = {"data-seen": seen_id(name), "aria-busy": "true"}
    loading = html.P("Wird geladen …", className="hint")
    if titled:
        section = layout()
        shown = html.Section(
            [section.children[0], loading], className=f"{section.className} {PART_CLASS}", **marks
        )
    else:
        shown = html.Div(loading, className=PART_CLASS, **marks)
    return html.Div([dcc.Store(id=seen_id(name)), html.Div(shown, id=box_id(name))])


def relay_store(component_id: str) -> dcc.Store:
    """The store of :func:`relay`; put it where the page always has it."""
    return dcc.Store(id=relay_id(component_id))


def relay(app, component_id: str, prop: str) -> Input:
    """Copy each change of ``component_id.prop`` into its relay store; return that store as an input.

    The copy is made in the browser, without a request; the store's data is ``{"value": ..., "at":
    milliseconds}`` so that the same value twice (a second click on an emptied selection) is still a
    change.
    """
    app.clientside_callback(
        "function (value) { return {value: value, at: Date.now()}; }",
        Output(relay_id(component_id), "data"),
        Input(component_id, prop),
        prevent_initial_call=True,
    )
    return Input(relay_id(component_id), "data")


def relayed(data: object) -> object:
    """The event's value out of a relay store's data (``None`` for anything else)."""
    return data.get("value") if isinstance(data, dict) else None


def watch_store() -> dcc.Store:
    """The (unused) output of the watcher of :func:`register`; put it on the page beside the parts."""
    return dcc.Store(id=ids.DEFERRED_WATCH)


def register(app, parts: Mapping[str, Callable[[], Component]]) -> None:
    """Load each part when the browser asks for it, and watch the page for parts to ask for."""
    for name, layout in parts.items():
        app.callback(
            Output(box_id(name), "children"), Input(seen_id(name), "data"), prevent_initial_call=True
        )(lambda _seen, layout=layout: layout())
    app.clientside_callback(
        _WATCHER.substitute(map=json.dumps(ids.MAP), margin=MARGIN_PX, cls=PART_CLASS, wait=MAP_WAIT_MS),
        Output(ids.DEFERRED_WATCH, "data"),
        Input(ids.DRAWN, "data"),
    )
