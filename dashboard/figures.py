"""Plotly figures of the dashboard, built from lpr_geo data (no business rules here)."""

from __future__ import annotations

import plotly.graph_objects as go

from lpr_geo.boundaries import load_layer

from .geometry import border_lines, feature_collection

FILL = "#d9e4ec"
REGION_LINE = "#ffffff"
KREIS_LINE = "#35485a"
BACKGROUND = "#ffffff"
#: Map labels that would cover their neighbours at state scale.
SHORT_NAMES = {"Brandenburg an der Havel": "Brandenburg a. d. H."}


def overview_map(level: str = "gemeinde") -> go.Figure:
    """Map of Brandenburg at one level with Kreis borders and Kreis names over it."""
    regions = load_layer(level, "land")
    kreise = load_layer("kreis", "land").set_index("key")
    kreis_names = regions["kreis_key"].map(kreise["name"]).fillna("")
    choropleth = go.Choropleth(
        geojson=feature_collection(level),
        featureidkey="properties.key",
        locations=regions["key"],
        z=[0] * len(regions),
        zmin=0,
        zmax=1,
        colorscale=[[0, FILL], [1, FILL]],
        showscale=False,
        marker={"line": {"color": REGION_LINE, "width": 0.6}},
        customdata=list(zip(regions["name"], regions["bez"], kreis_names, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>Kreis: %{customdata[2]}<extra></extra>",
        name="Regionen",
    )
    lons, lats = border_lines("kreis")
    borders = go.Scattergeo(
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": KREIS_LINE, "width": 1.3},
        hoverinfo="skip",
        name="Kreisgrenzen",
    )
    kreisfrei = (kreise["bez"] == "Kreisfreie Stadt").to_numpy()
    labels = go.Scattergeo(
        lon=kreise["label_lon"],
        lat=kreise["label_lat"],
        mode="text",
        text=[SHORT_NAMES.get(name, name) for name in kreise["name"]],
        textfont={"size": [10 if k else 12 for k in kreisfrei], "color": "#1d2b36"},
        hoverinfo="skip",
        name="Kreisnamen",
    )
    fig = go.Figure([choropleth, borders, labels])
    fig.update_geos(
        fitbounds="locations",
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
        hoverlabel={"bgcolor": "white", "font_size": 13},
    )
    return fig
