"""Fixtures of the export tests."""

from __future__ import annotations

import os
import subprocess

import pytest


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """``lpr-geo`` as a user runs it, on an embedded register of the test module's own.

    ``cli.db_url`` names that register, ``cli.env`` the environment the commands run in.
    """
    data_dir = tmp_path_factory.mktemp("cli-data")
    env = dict(os.environ, LPR_GEO_DATA_DIR=str(data_dir))
    for name in ("LPR_GEO_DB", "LPR_GEO_CONFIG"):
        env.pop(name, None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["lpr-geo", *args], env=env, capture_output=True, text=True, timeout=180)

    run.db_url = f"sqlite:///{data_dir / 'register.sqlite'}"
    run.env = env
    return run
