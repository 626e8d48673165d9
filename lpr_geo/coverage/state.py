"""Status events and the state of every participant on a date.

The register hands the engine a DataFrame of status events (see :data:`EVENT_COLUMNS`); the status of a
participant on a date is the one of its latest event with ``effective_date`` on or before that date. A
participant that left ("Ausgetreten") before a date is not a member on that date, so it covers nothing
from then on, until a later event (e.g. rejoining) says otherwise. Events with the same date keep the
order of the frame: the later row wins.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lpr_geo.status import EVENT_STATUSES

from .layers import PARTICIPANT_LEVELS

#: Columns of the status events frame (as returned by ``lpr_geo.register.queries.status_events``).
EVENT_COLUMNS: tuple[str, ...] = ("network", "level", "key", "name", "status", "effective_date")
#: Columns of the last-contacts frame (as returned by ``lpr_geo.register.queries.last_contacts``).
CONTACT_COLUMNS: tuple[str, ...] = ("key", "level", "last_contact", "last_kind")
#: Columns of the state frame returned by :func:`status_on`.
STATE_COLUMNS: tuple[str, ...] = ("level", "key", "name", "status", "since")


def _missing(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: Spalten fehlen: {', '.join(missing)}")


def _as_dates(values: pd.Series, what: str) -> pd.Series:
    """Dates as ``datetime64[s]``; a clear error naming the first bad row."""
    converted = pd.to_datetime(values, errors="coerce")
    bad = converted.isna()
    if bad.any():
        row = values.index[np.argmax(bad.to_numpy())]
        raise ValueError(f"{what}, Zeile {row}: ungültiges Datum {values[row]!r}")
    return converted.astype("datetime64[s]")


def check_events(events: pd.DataFrame) -> pd.DataFrame:
    """Validate a status events frame and normalise its types.

    Parameters
    ----------
    events : pandas.DataFrame
        Columns :data:`EVENT_COLUMNS`; ``effective_date`` as dates.

    Returns
    -------
    pandas.DataFrame
        A copy with exactly those columns, string keys and ``effective_date`` as ``datetime64[s]``.

    Raises
    ------
    ValueError
        On a missing column, an unknown level or status, or a bad date (German message naming the row).
    """
    _missing(events, EVENT_COLUMNS, "Statusereignisse")
    frame = events.loc[:, list(EVENT_COLUMNS)].copy()
    for column, allowed in (
        ("level", PARTICIPANT_LEVELS),
        ("status", tuple(s.value for s in EVENT_STATUSES)),
    ):
        bad = ~frame[column].isin(allowed)
        if bad.any():
            row = frame.index[np.argmax(bad.to_numpy())]
            raise ValueError(
                f"Statusereignisse, Zeile {row}: unbekannter Wert {frame.at[row, column]!r} in Spalte "
                f"{column!r}; erlaubt: {', '.join(allowed)}"
            )
    frame["key"] = frame["key"].astype(str)
    frame["effective_date"] = _as_dates(frame["effective_date"], "Statusereignisse")
    return frame


def check_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Validate a last-contacts frame (columns :data:`CONTACT_COLUMNS`); dates as ``datetime64[s]``."""
    _missing(contacts, CONTACT_COLUMNS, "Kontakte")
    frame = contacts.loc[:, list(CONTACT_COLUMNS)].copy()
    frame["key"] = frame["key"].astype(str)
    frame["last_contact"] = _as_dates(frame["last_contact"], "Kontakte")
    return frame


def select_network(events: pd.DataFrame, network: str | None) -> tuple[str | None, pd.DataFrame]:
    """Select the events of one network.

    Parameters
    ----------
    events : pandas.DataFrame
        Checked events (see :func:`check_events`).
    network : str, optional
        Name of the network; may be omitted when the events hold at most one network.

    Returns
    -------
    name : str or None
        The network selected (``None`` if none is named and there are no events at all).
    events : pandas.DataFrame
        Its events (none for a network without events: nothing is covered).

    Raises
    ------
    ValueError
        If ``network`` is omitted but several networks occur.
    """
    names = sorted(events["network"].dropna().unique())
    if network is None:
        if len(names) > 1:
            raise ValueError(f"mehrere Netzwerke im Register ({', '.join(names)}); bitte eines auswählen")
        return (names[0] if names else None), events
    return network, events[events["network"] == network]


def status_on(events: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Status of every participant that has an event on or before a date.

    Parameters
    ----------
    events : pandas.DataFrame
        Checked events of one network (see :func:`check_events`, :func:`select_network`).
    on : datetime.date
        The day; events effective on that day count.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATE_COLUMNS`, one row per ``(level, key)``: its latest status and the date
        it took effect (``since``). Participants without an event by then are absent ("nicht
        kontaktiert").
    """
    dates = events["effective_date"].to_numpy(dtype="datetime64[s]")
    ids = (events["level"] + ":" + events["key"]).to_numpy(dtype=object)
    candidates = np.flatnonzero(dates <= np.datetime64(on, "s"))
    newest_first = candidates[np.argsort(dates[candidates], kind="stable")][::-1]
    _, first = np.unique(ids[newest_first], return_index=True)
    latest = events.iloc[np.sort(newest_first[first])]
    return (
        latest.rename(columns={"effective_date": "since"}).loc[:, list(STATE_COLUMNS)].reset_index(drop=True)
    )
