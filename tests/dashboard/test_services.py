"""The services the dashboard's callbacks call, in-process on a real SQLite register."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.services import Services
from lpr_geo.boundaries import Boundaries
from lpr_geo.register import DEFAULT_NETWORK, add_network, ensure_sample_register
from lpr_geo.settings import Settings


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    boundaries = Boundaries.bundled()
    engine = ensure_sample_register(Settings(data_dir=tmp_path_factory.mktemp("services")), boundaries)
    add_network(engine, "CTC Beispielstadt", founded=dt.date(2024, 3, 1))
    return Services(engine, boundaries, geometry_url=lambda level, kreis: "")


def test_the_time_series_and_the_dates_start_at_the_networks_founding(services):
    today = dt.date.today()
    assert services.series(DEFAULT_NETWORK, today)["date"].iat[0] == dt.date(2020, 2, 20)
    assert services.series("CTC Beispielstadt", today)["date"].iat[0] == dt.date(2024, 3, 1)
    known = services.known_values()
    assert known.networks == (DEFAULT_NETWORK, "CTC Beispielstadt")
    assert known.date_within("CTC Beispielstadt", dt.date(2022, 1, 1)) == dt.date(2024, 3, 1)
    assert known.date_within(DEFAULT_NETWORK, dt.date(2022, 1, 1)) == dt.date(2022, 1, 1)
