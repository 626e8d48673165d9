"""Each app shows the boundary dataset it was started with, also with another app in the same process."""

from __future__ import annotations

from dashboard.app import create_app
from lpr_geo.settings import Settings
from tests.boundaries.test_boundaries import RENAMED, renamed_settings  # noqa: F401 (fixture)


def test_two_apps_in_one_process_keep_their_own_boundaries(renamed_settings, tmp_path):  # noqa: F811
    renamed = create_app(renamed_settings).server.test_client()
    bundled = create_app(Settings(data_dir=tmp_path)).server.test_client()  # started second
    assert renamed.get("/healthz").json["dataset"] == "Testdaten mit umbenanntem Kreis"
    assert bundled.get("/healthz").json["dataset"] != "Testdaten mit umbenanntem Kreis"
    assert RENAMED in renamed.get("/embed?ebene=kreis").get_data(as_text=True)
    assert RENAMED not in bundled.get("/embed?ebene=kreis").get_data(as_text=True)
