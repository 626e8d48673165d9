"""Plotly figures of the dashboard (the map, the time line, the Kreis bars), built from lpr_geo results.

The map is one choropleth trace (status as a stepped colorscale), the Kreis borders, the names (of the
Kreise, or on a Kreis map of its regions as far as they fit) and the route. Geometry goes to the browser when the level or Kreis changes; everything else
(colours, hover texts, highlights, route) is sent as a :class:`dash.Patch` of the arrays.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from lpr_geo import Route
from lpr_geo import vocabulary as words

from . import map_labels, palette
from .geometry import MapGeometry

REGION_LINE = "#ffffff"
SELECTED_LINE = "#000000"
KREIS_LINE = "#1d2b36"
ROUTE_COLOUR = "#a5002a"
BACKGROUND = "#ffffff"
#: Map labels that would cover their neighbours at state scale.
SHORT_NAMES = {"Brandenburg an der Havel": "Brandenburg a. d. H."}
#: Columns of a coverage table that the date-independent part of the hover text reads.
HOVER_COLUMNS = ("name", "bez", "kreis_key", "population", "population_date")
#: Trace order in the map figure (Patch addresses traces by position).
REGIONS, BORDERS, LABELS, ROUTE = range(4)
#: Longest line of a hover text in visible characters: about 280 px, so a 320 px phone shows it whole.
HOVER_LINE_CHARS = 38
_TAG = re.compile(r"<[^>]*>")


def map_figure(geometry: MapGeometry, level: str, kreis: str | None, geojson_url: str) -> go.Figure:
    """Geometry (by URL), borders and labels of one view; status arrays come from :func:`status_patch`."""
    frame = geometry.regions(level, kreis)
    n_categories = len(palette.CATEGORIES)
    choropleth = go.Choropleth(
        geojson=geojson_url,
        featureidkey="properties.key",
        locations=frame["key"],
        z=[n_categories - 1] * len(frame),
        zmin=-0.5,
        zmax=n_categories - 0.5,
        colorscale=palette.stepped_colorscale(),
        showscale=False,
        marker={"line": {"color": REGION_LINE, "width": 0.5}},
        hovertemplate="%{customdata}<extra></extra>",
        name="Regionen",
    )
    lons, lats = geometry.border_lines(kreis)
    borders = go.Scattergeo(
        lon=lons, lat=lats, mode="lines", line={"color": KREIS_LINE, "width": 1.4}, hoverinfo="skip"
    )
    extent = _frame(frame)
    labels = _labels(geometry, frame, kreis, (extent["lonaxis_range"], extent["lataxis_range"]))
    route = go.Scattergeo(
        lon=[],
        lat=[],
        mode="lines+markers+text",
        line={"color": ROUTE_COLOUR, "width": 2.5},
        marker={"size": 16, "color": ROUTE_COLOUR, "line": {"color": "white", "width": 1.5}},
        text=[],
        textfont={"color": "white", "size": 10},
        hoverinfo="text",
        hovertext=[],
    )
    fig = go.Figure([choropleth, borders, labels, route])
    fig.update_geos(**extent)
    fig.update_geos(
        visible=False,
        projection_type="mercator",
        scope="world",
        resolution=50,
        bgcolor=BACKGROUND,
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        paper_bgcolor=BACKGROUND,
        dragmode="pan",
        hoverlabel={"bgcolor": "white", "font_size": 13, "align": "left"},
        uirevision=f"{level}-{kreis}",
    )
    return fig


def _labels(geometry: MapGeometry, frame, kreis: str | None, extent) -> go.Scattergeo:
    """Kreis names on the Land map; on a Kreis map the names of its regions that fit (see map_labels)."""
    if kreis is None:
        kreise = geometry.regions("kreis")
        lon, lat = kreise["label_lon"], kreise["label_lat"]
        text = [SHORT_NAMES.get(name, name) for name in kreise["name"]]
        sizes = [10 if b == "Kreisfreie Stadt" else 12 for b in kreise["bez"]]
    else:
        placed = map_labels.place(frame, extent, SHORT_NAMES)
        lon, lat, text, sizes = placed.lon, placed.lat, placed.text, map_labels.FONT_SIZE
    return go.Scattergeo(
        lon=lon,
        lat=lat,
        mode="text",
        text=text,
        textfont={
            "size": sizes,
            "color": KREIS_LINE,
            # a white halo keeps the names readable over dark fills (members) and Kreis borders
            "shadow": "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff",
        },
        hoverinfo="skip",
    )


def _frame(frame) -> dict:
    """The map's extent: the regions shown with a small margin, whatever else (a route) is drawn.

    plotly's ``fitbounds`` also fits scatter traces, so a Kreis view with a route from Potsdam would
    zoom out to take the start in; fixed axis ranges keep the Kreis filling the map.
    """
    west, south, east, north = frame.total_bounds
    pad_lon, pad_lat = (east - west) * 0.03, (north - south) * 0.03
    return {
        "fitbounds": False,
        "lonaxis_range": [west - pad_lon, east + pad_lon],
        "lataxis_range": [south - pad_lat, north + pad_lat],
    }


def _population_text(row, kreis_population: dict[str, tuple[int, str]], kreisfrei: bool) -> str:
    population = row.get("population")
    if population is not None and pd.notna(population):
        date = row.get("population_date")
        return f"Einwohner: {words.number(population)} (Stand {words.date(date) if date else 'unbekannt'})"
    kreis_pop = kreis_population.get(row["kreis_key"])
    if kreis_pop and kreisfrei:  # the Kreis's figure is the town's own
        return f"Einwohner: {words.number(kreis_pop[0])} (Destatis, {words.date(kreis_pop[1])})"
    if kreis_pop:
        return (
            f"Einwohner: keine Gemeindezahl importiert; im ganzen Kreis {words.number(kreis_pop[0])} "
            f"(Destatis, {words.date(kreis_pop[1])})"
        )
    return "Einwohner: keine Angabe"


@lru_cache(maxsize=8)
def _kreis_titles(geometry: MapGeometry) -> dict[str, tuple[str, bool]]:
    """Kreis key -> (designation and name, "Landkreis Havelland"; whether it is a kreisfreie Stadt)."""
    kreise = geometry.boundaries.layer("kreis", "land")
    return {
        key: (f"{bez} {name}", bez == "Kreisfreie Stadt")
        for key, name, bez in zip(kreise["key"], kreise["name"], kreise["bez"], strict=True)
    }


def hover_texts(
    geometry: MapGeometry, table: pd.DataFrame, level: str, *, kreis_covers_gemeinden: bool = False
) -> list[str]:
    """One HTML hover text per region; every value is escaped (hover text renders HTML).

    A Gemeinde or Amt in a Landkreis that is a member says so ("Landkreis Havelland ist Mitglied seit
    15.04.2021") unless that membership is already the way it is covered.
    """
    heads, tails = _hover_frame_parts(
        geometry, level, *(tuple(table[c].tolist()) if c in table.columns else () for c in HOVER_COLUMNS)
    )
    codes = palette.categories(table)
    labels = palette.labels(kreis_covers_gemeinden)
    titles = _kreis_titles(geometry)
    kreis_since = table["kreis_member_since"].tolist() if "kreis_member_since" in table.columns else None
    texts = []
    rows = zip(
        heads,
        tails,
        codes,
        table["since"].tolist(),
        table["how"].tolist(),
        table["via"].tolist(),
        table["kreis_key"].tolist(),
        kreis_since or [None] * len(codes),
        strict=True,
    )
    for head, tail, code, since, how, via, kreis_key, member_since in rows:
        since = since if code != "not_contacted" else None
        kreis_line = ""
        if via != "kreis" and words.date(member_since):
            kreis_line = words.kreis_membership(titles.get(kreis_key, ("Kreis", False))[0], member_since)
        lines = [
            head,
            f"Status: {escape(labels[code])}" + (f" seit {words.date(since)}" if since else ""),
            escape(how) if how and how != "selbst" else "",
            escape(kreis_line),
            tail,
        ]
        texts.append("<br>".join(line for line in lines if line))
    return texts


@lru_cache(maxsize=64)
def _hover_frame_parts(geometry: MapGeometry, level: str, *columns: tuple) -> tuple[list[str], list[str]]:
    """The parts of the hover texts that do not change with the date: name, Kreis and population.

    Cached per dataset and view (the arguments are the table's :data:`HOVER_COLUMNS` as tuples): a date
    change then only formats the status lines. A kreisfreie Stadt is its own Kreis: no Kreis line.
    """
    names, kreis_population = geometry.kreis_names, geometry.kreis_population
    titles = _kreis_titles(geometry)
    present = [c for c, values in zip(HOVER_COLUMNS, columns, strict=True) if values]
    heads, tails = [], []
    for values in zip(*(v for v in columns if v), strict=True):
        row = dict(zip(present, values, strict=True))
        kreisfrei = level == "kreis" or titles.get(row["kreis_key"], ("", False))[1]
        name_line = f"<b>{escape(str(row['name']))}</b> ({escape(str(row['bez']))})"
        kreis_line = "" if kreisfrei else f"Kreis: {escape(names.get(row['kreis_key'], ''))}"
        heads.append("<br>".join(line for line in (name_line, kreis_line) if line))
        tails.append(escape(_population_text(row, kreis_population, kreisfrei)))
    return heads, tails


def wrapped(text: str, chars: int = HOVER_LINE_CHARS) -> str:
    """A hover text whose lines are broken at spaces to at most ``chars`` visible characters."""
    lines = []
    for line in text.split("<br>"):
        current = ""
        for word in line.split(" "):
            longer = f"{current} {word}" if current else word
            if current and len(_TAG.sub("", longer)) > chars:
                lines.append(current)
                current = word
            else:
                current = longer
        lines.append(current)
    return "<br>".join(lines)


def status_arrays(
    geometry: MapGeometry, table: pd.DataFrame, level: str, *, kreis_covers_gemeinden: bool = False
) -> dict[str, list]:
    """Per-region arrays of the map for one coverage table: category index, hover text, border colour.

    ``kreis_covers_gemeinden`` is the coverage rule in force (legend and hover words follow it).
    """
    codes = palette.categories(table)
    return {
        "keys": table["key"].tolist(),
        "z": palette.category_index(codes),
        "customdata": [
            wrapped(text)
            for text in hover_texts(geometry, table, level, kreis_covers_gemeinden=kreis_covers_gemeinden)
        ],
        "borders": [palette.CATEGORIES[palette.INDEX[c]].border for c in codes],
    }


def status_patch(
    arrays: dict, selected: set[str], figure: go.Figure | Patch | dict
) -> go.Figure | Patch | dict:
    """Colours, hover texts and borders (thick for selected regions), applied to a figure or a Patch.

    ``arrays`` are a coverage table's :func:`status_arrays`.
    """
    trace = figure["data"][REGIONS]
    trace["z"] = arrays["z"]
    trace["customdata"] = arrays["customdata"]
    trace["marker"]["line"]["width"] = [3.5 if k in selected else 0.6 for k in arrays["keys"]]
    trace["marker"]["line"]["color"] = [
        SELECTED_LINE if k in selected and b == palette.DARK_BORDER else b
        for k, b in zip(arrays["keys"], arrays["borders"], strict=True)
    ]
    return figure


@lru_cache(maxsize=64)
def _figure_template(geometry: MapGeometry, level: str, kreis: str | None, geojson_url: str) -> dict:
    # cached per dataset (the geometry object) and view
    template = map_figure(geometry, level, kreis, geojson_url).to_plotly_json()
    # The template is serialised on every geometry change. Dash's JSON encoder (plotly's) walks plain
    # lists element by element but hands numeric numpy arrays to orjson in one piece: the ~7,700 border
    # points as arrays serialise ~3x faster, to the same JSON (None -> NaN -> null, the line breaks).
    borders = template["data"][BORDERS]
    for axis in ("lon", "lat"):
        values = np.array(borders[axis], dtype=float)
        values.flags.writeable = False  # shared by every copy of the template
        borders[axis] = values
    return template


def map_figure_dict(geometry: MapGeometry, level: str, kreis: str | None, geojson_url: str) -> dict:
    """:func:`map_figure` as a plain dict, built once per view and copied only where callbacks write.

    Building and validating the graph objects costs ~200 ms (tens of thousands of border coordinates);
    the dashboard's callbacks need it per request, so they take this copy instead.
    """
    template = _figure_template(geometry, level, kreis, geojson_url)
    data = [dict(trace) for trace in template["data"]]
    regions_trace = data[REGIONS]
    regions_trace["marker"] = {**regions_trace["marker"], "line": dict(regions_trace["marker"]["line"])}
    return {"data": data, "layout": template["layout"]}


def route_patch(route: Route | None, figure: go.Figure | Patch | dict) -> go.Figure | Patch | dict:
    """Draw a route (start, numbered stops, back to the start) or clear it."""
    trace = figure["data"][ROUTE]
    if route is None or not route.stops:
        trace["lon"], trace["lat"], trace["text"], trace["hovertext"] = [], [], [], []
        return figure
    places = [route.start, *route.stops, route.start]
    trace["lon"] = [p.lon for p in places]
    trace["lat"] = [p.lat for p in places]
    trace["text"] = ["▶", *[str(i) for i in range(1, len(route.stops) + 1)], "▶"]
    trace["hovertext"] = [escape(p.name) for p in places]
    return figure


# The two charts below are plain figure dicts, not go.Figure: plotly's validation of graph objects
# (update_layout above all) took 30-60 ms per chart on every date change, for figures this small.


def timeline_figure(series: pd.DataFrame) -> dict:
    """Members and covered Gemeinden per month (mark the chosen date with :func:`with_date_marker`)."""
    dates = [d.isoformat() for d in series["date"]]
    return {
        "data": [
            {
                "type": "scatter",
                "x": dates,
                "y": series["members"].tolist(),
                "name": "Mitglieder",
                "mode": "lines",
                "line": {"color": "#004488", "width": 2.5, "shape": "hv"},
            },
            {
                "type": "scatter",
                "x": dates,
                "y": series["gemeinden_covered"].tolist(),
                "name": "Gemeinden im Netzwerk",
                "mode": "lines",
                "line": {"color": "#6699cc", "width": 2, "dash": "dot", "shape": "hv"},
            },
        ],
        "layout": {
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "height": 300,
            "legend": {"orientation": "h", "y": -0.2},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "yaxis": {"title": {"text": "Anzahl"}, "gridcolor": "#e6eaee", "rangemode": "tozero"},
            "xaxis": {"gridcolor": "#e6eaee"},
            "hovermode": "x unified",
            "separators": ",.",
        },
    }


def with_date_marker(figure: dict, on: dt.date) -> dict:
    """The timeline with a dashed vertical line on ``on`` (the figure itself is left unchanged)."""
    marker = {
        "type": "line",
        "x0": on.isoformat(),
        "x1": on.isoformat(),
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"color": "#a5002a", "dash": "dash"},
    }
    return {"data": figure["data"], "layout": {**figure["layout"], "shapes": [marker]}}


def kreis_bar_figure(kreise: pd.DataFrame) -> dict:
    """Share of Gemeinden in the network per Kreis, sorted."""
    data = kreise.sort_values("pct")
    return {
        "data": [
            {
                "type": "bar",
                "x": data["pct"].tolist(),
                "y": data["name"].tolist(),
                "orientation": "h",
                "marker": {"color": "#004488"},
                "text": [f"{p:.0f} %".replace(".", ",") for p in data["pct"]],
                "textposition": "outside",
                "hovertemplate": "%{y}: %{x:.1f} % der Gemeinden<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": 10, "r": 30, "t": 10, "b": 40},
            "height": 28 * len(data) + 60,
            "xaxis": {
                "title": {"text": "Anteil Gemeinden im Netzwerk (%)"},
                "range": [0, 110],
                "gridcolor": "#e6eaee",
            },
            "yaxis": {"automargin": True},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "separators": ",.",
        },
    }
