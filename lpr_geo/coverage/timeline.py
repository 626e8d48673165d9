"""Coverage over time: a monthly time series since the network was founded.

The start is the caller's: the register knows each network's founding date
(:func:`lpr_geo.register.founding_dates`), the engine does not.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lpr_geo.status import Status

from .join import prepare_events, tables_on
from .key_figures import coverage_figures
from .layers import Layers
from .rules import CoverageOptions

#: Columns of the series returned by :func:`coverage_series`.
SERIES_COLUMNS: dict[str, str] = {
    "date": "the day (start, then the last day of every month, then the end day)",
    "members": "bodies that are members on that day, all levels, each body once",
    "committed": "bodies that committed (Mitarbeit zugesagt) on that day",
    "gemeinden_covered": "Gemeinden covered on that day",
    "gemeinden_covered_pct": "share of all Gemeinden covered, in %",
    "area_covered_pct": "share of the area covered, in %",
}


def series_dates(start: dt.date, end: dt.date | None = None) -> list[dt.date]:
    """List the start day, every month end after it up to ``end`` (default today), and ``end``."""
    end = end or dt.date.today()
    if end < start:
        raise ValueError(f"Enddatum {end.isoformat()} liegt vor dem Startdatum {start.isoformat()}")
    month_ends = pd.date_range(start, end, freq="ME").date.tolist()
    return sorted({start, *month_ends, end})


def coverage_series(
    layers: Layers,
    events: pd.DataFrame,
    start: dt.date,
    end: dt.date | None = None,
    *,
    network: str | None = None,
    options: CoverageOptions | None = None,
) -> pd.DataFrame:
    """Members and covered Gemeinden per month.

    Parameters
    ----------
    layers : Layers
        Boundary layers.
    events : pandas.DataFrame
        Status events (see :data:`lpr_geo.coverage.state.EVENT_COLUMNS`).
    start : datetime.date
        First day: the network's founding date.
    end : datetime.date, optional
        Last day (default: today).
    network : str, optional
        Network; may be omitted if the events hold only one.
    options : CoverageOptions, optional
        Rule settings.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SERIES_COLUMNS`, one row per day of :func:`series_dates`.
    """
    options = options or CoverageOptions()
    name, matched, _ = prepare_events(layers, events, network)
    rows = []
    for day in series_dates(start, end):
        total = coverage_figures(tables_on(layers, matched, day, options, name)).total
        rows.append(
            {
                "date": day,
                "members": total.members_by_status[Status.MEMBER.value],
                "committed": total.members_by_status[Status.COMMITTED.value],
                "gemeinden_covered": total.gemeinden_covered,
                "gemeinden_covered_pct": total.gemeinden_covered_pct,
                "area_covered_pct": total.area_covered_pct,
            }
        )
    return pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
