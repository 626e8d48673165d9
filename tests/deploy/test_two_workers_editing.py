"""An editor's change reaches every viewer at once, whichever of two gunicorn workers answers them.

Each worker caches the computed map per register revision; this proves the revision check sees a write
made through the other worker (real processes, real HTTP, the embedded SQLite register).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from lpr_geo.register import current_status, make_engine
from tests.conftest import ARTIFACTS
from tests.editing.conftest import EDITOR, add_account, login_session
from tests.editing.test_protection import save_status_body
from tests.servers import HOST, PORT, app_env, start_server

REGION = "12062124"  # Elsterwerda: a member in the sample register, set to "Kein Interesse" here
MAP_OUTPUT = (
    "..karte.figure...karte-gezeichnet.data...legende.children...karten-zusammenfassung.children"
    "...ansicht-umfang.data.."
)
NETWORK = "AG 4 Vernetzungsgremium Kriminalprävention vor Ort"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("two-workers-data")
    env = app_env(
        data_dir, LPR_GEO_LOGIN_MODE="local", LPR_GEO_COOKIE_SECURE="false", LPR_GEO_SECRET_KEY="test-secret"
    )
    log, access = ARTIFACTS / "two-workers.log", ARTIFACTS / "two-workers-access.log"
    command = ["gunicorn", "--workers", "2", "--bind", f"{HOST}:{PORT}", "--access-logfile", str(access)]
    # the worker's process id and the path of every request, to see that both workers answered
    command += ["--access-logformat", "%(p)s %(U)s", "dashboard.wsgi:server"]
    with start_server(command, env=env, log=log, ready="/healthz") as server:
        _wait_for_both_workers(server.url, access)
        add_account(env, EDITOR, "editor")
        yield server.url, access, data_dir


def _legend(url: str) -> str:
    view = {
        "network": NETWORK,
        "on": dt.date.today().isoformat(),
        "level": "gemeinde",
        "kreis": None,
        "region": None,
        "selected": [],
        "stops": [],
    }
    body = {
        "output": MAP_OUTPUT,
        "outputs": [
            {"id": "karte", "property": "figure"},
            {"id": "karte-gezeichnet", "property": "data"},
            {"id": "legende", "property": "children"},
            {"id": "karten-zusammenfassung", "property": "children"},
            {"id": "ansicht-umfang", "property": "data"},
        ],
        "inputs": [{"id": "ansicht", "property": "data", "value": view}],
        "changedPropIds": ["ansicht.data"],
        "state": [
            {"id": "karte-gezeichnet", "property": "data", "value": None},
            {"id": "ansicht-umfang", "property": "data", "value": None},
        ],
    }
    # a new connection per request, as many browsers do: the kernel hands them to either worker
    response = requests.post(
        url + "/_dash-update-component", json=body, headers={"Connection": "close", "Origin": url}
    )
    assert response.status_code == 200, response.text[:500]
    return repr(response.json()["response"]["legende"]["children"])


def _declined(legend: str) -> int:
    return int(re.search(r"Kein Interesse \((\d+)\)", legend).group(1))


def _workers(access_log, since: int, path: str = "_dash-update-component") -> set[str]:
    lines = access_log.read_text().splitlines()[since:]
    return {line.split()[0] for line in lines if path in line}


def _wait_for_both_workers(url: str, access_log, timeout: float = 90) -> None:
    """Until both workers have answered: the second boots (loads the app) after the first may serve."""
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(4) as pool:
        while len(_workers(access_log, 0, "/healthz")) < 2:
            assert time.monotonic() < deadline, "the second gunicorn worker never answered"
            list(
                pool.map(lambda _: requests.get(url + "/healthz", headers={"Connection": "close"}), range(8))
            )
            time.sleep(0.2)


def test_an_editors_save_reaches_viewers_on_both_workers(two_workers):
    url, access, data_dir = two_workers
    with ThreadPoolExecutor(6) as pool:  # both workers compute and cache the map
        before = {_declined(legend) for legend in pool.map(lambda _: _legend(url), range(12))}
    assert len(before) == 1
    editor = login_session(url, EDITOR)
    body = save_status_body(NETWORK, "nach dem Besuch")
    engine = make_engine(f"sqlite:///{data_dir / 'register.sqlite'}")
    body["state"][3]["value"] = current_status(engine, "gemeinde", REGION, NETWORK).version
    saved = editor.post(url + "/_dash-update-component", json=body)
    assert saved.status_code == 200 and "Status gespeichert" in saved.text, saved.text[:500]

    mark = len(access.read_text().splitlines())
    with ThreadPoolExecutor(6) as pool:
        after = [_declined(legend) for legend in pool.map(lambda _: _legend(url), range(12))]
    assert after == [before.pop() + 1] * 12
    assert len(_workers(access, mark)) == 2, "both workers must have answered after the save"
