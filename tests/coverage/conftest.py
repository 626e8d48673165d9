import datetime as dt

import pandas as pd
import pytest

from lpr_geo.coverage import EVENT_COLUMNS, load_layers

NETWORK = "Kriminalprävention vor Ort"


@pytest.fixture(scope="session")
def layers():
    return load_layers()


def events(*rows, network=NETWORK):
    """Events frame from (level, key, status, 'YYYY-MM-DD') tuples."""
    return pd.DataFrame(
        [
            {
                "network": network,
                "level": level,
                "key": key,
                "name": key,
                "status": status,
                "effective_date": dt.date.fromisoformat(day),
            }
            for level, key, status, day in rows
        ],
        columns=list(EVENT_COLUMNS),
    )


# A register with every rule in play: an Amt member, amtsfreie members, a Kreis member, a committed
# Gemeinde, one that left, one re-labelled at Amt level (same body), a kreisfreie Stadt at Kreis level.
SAMPLE = (
    ("amt", "120625207", "member", "2020-02-20"),  # Amt Plessa (Elbe-Elster)
    ("gemeinde", "12062124", "committed", "2021-06-15"),  # Elsterwerda
    ("gemeinde", "12062124", "member", "2022-03-01"),
    ("amt", "120630148", "member", "2020-05-01"),  # Ketzin/Havel, recorded at Amt level
    ("kreis", "12054", "member", "2020-02-20"),  # Potsdam (kreisfrei)
    ("kreis", "12064", "member", "2021-01-01"),  # Märkisch-Oderland (Landkreis)
    ("gemeinde", "12072477", "member", "2020-09-01"),  # Zossen ...
    ("gemeinde", "12072477", "left", "2023-01-01"),  # ... left
    ("gemeinde", "12065136", "requested", "2021-02-01"),  # Hennigsdorf
    ("gemeinde", "12067144", "committed", "2022-05-01"),  # Fürstenwalde/Spree
    ("gemeinde", "99999999", "member", "2020-02-20"),  # not in the dataset
)


@pytest.fixture
def sample_events():
    return events(*SAMPLE)
