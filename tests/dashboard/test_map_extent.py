"""The map's extent follows the regions shown, not the route drawn over them."""

from __future__ import annotations

import pytest

from dashboard.geometry import MapGeometry
from dashboard.plotly_figures import map_figure
from lpr_geo.boundaries import Boundaries, load_layer

POTSDAM_LAT = 52.39  # the ministry, the default start of every route
GEOMETRY = MapGeometry(Boundaries.bundled())


@pytest.mark.parametrize("kreis", ["12062", "12073"])
def test_a_kreis_view_frames_the_kreis_even_when_the_route_starts_in_potsdam(kreis):
    geo = map_figure(GEOMETRY, "gemeinde", kreis, "unused.json").layout.geo
    west, south, east, north = load_layer("kreis", "kreis").set_index("key").loc[[kreis]].total_bounds
    assert geo.fitbounds is False  # plotly would fit the route's scatter points as well
    assert west - 0.05 < geo.lonaxis.range[0] < west < east < geo.lonaxis.range[1] < east + 0.05
    assert south - 0.05 < geo.lataxis.range[0] < south < north < geo.lataxis.range[1] < north + 0.05
    assert not geo.lataxis.range[0] < POTSDAM_LAT < geo.lataxis.range[1]


def test_the_state_view_frames_brandenburg():
    geo = map_figure(GEOMETRY, "kreis", None, "unused.json").layout.geo
    west, south, east, north = load_layer("land", "land").total_bounds
    assert geo.lonaxis.range[0] < west and east < geo.lonaxis.range[1]
    assert geo.lataxis.range[0] < south and north < geo.lataxis.range[1]
