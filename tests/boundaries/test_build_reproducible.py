"""The build script, run against the pinned npm tarballs, reproduces the committed artifacts."""

import json
import subprocess
import sys

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal

from lpr_geo.boundaries import bundled_dir
from lpr_geo.boundaries.schema import LEVELS


@pytest.mark.network
def test_build_reproduces_committed_artifacts(tmp_path):
    out = tmp_path / "rebuilt"
    subprocess.run(
        [sys.executable, "-m", "geodata.build_bundled", "--out", str(out)], check=True, timeout=540
    )
    committed = bundled_dir()
    assert json.loads((out / "dataset.json").read_text()) == json.loads(
        (committed / "dataset.json").read_text()
    )
    for level in LEVELS:
        rebuilt = gpd.read_parquet(out / f"{level}.parquet")
        original = gpd.read_parquet(committed / f"{level}.parquet")
        assert_geodataframe_equal(rebuilt, original, check_less_precise=False)
        for column in original.columns[original.dtypes == "geometry"]:
            assert rebuilt[column].geom_equals_exact(original[column], tolerance=0).all(), column


def test_integrity_check_rejects_a_tampered_tarball(tmp_path):
    from geodata.build_bundled import PACKAGES, fetch

    spec = "landkreise-deutschland@3.0.0"
    (tmp_path / "landkreise-deutschland-3.0.0.tgz").write_bytes(b"not the real tarball")
    with pytest.raises(SystemExit, match="integrity mismatch"):
        fetch(spec, tmp_path)
    assert spec in PACKAGES
    assert not (tmp_path / "landkreise-deutschland-3.0.0.tgz").exists()
