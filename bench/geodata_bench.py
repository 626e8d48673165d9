"""Boundary artifacts: file sizes, load time per layer, GeoJSON bytes per layer and level of detail.

    python -m bench.geodata_bench

Target (issue "Foundation"): whole-state Gemeinde layer as GeoJSON under 400 KB raw / 150 KB gzip.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time

import brotli

from lpr_geo.boundaries import LEVELS, LODS, Boundaries, bundled_dir, load_layer
from lpr_geo.boundaries.dataset import read_layer


def artifact_sizes() -> None:
    print("artifact sizes")
    for path in sorted(bundled_dir().iterdir()):
        print(f"  {path.name:<18} {path.stat().st_size / 1024:9.1f} KB")


def load_times(repeat: int = 5) -> None:
    print("load time per layer (cold read of the parquet file, median of", repeat, "runs)")
    directory = bundled_dir()
    for level in LEVELS:
        for lod in LODS:
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                read_layer(directory, level, lod)
                runs.append(time.perf_counter() - start)
            print(f"  {level:<9} {lod:<5} {statistics.median(runs) * 1000:7.1f} ms")
    boundaries = Boundaries(directory)
    boundaries.layer("gemeinde", "land")
    start = time.perf_counter()
    boundaries.layer("gemeinde", "land")
    print(f"  gemeinde land, cached (a copy): {(time.perf_counter() - start) * 1000:.2f} ms")


def geojson_bytes() -> None:
    print("GeoJSON bytes (property 'key' only, compact separators)")
    print(f"  {'level':<9} {'lod':<5} {'raw KB':>9} {'gzip KB':>9} {'brotli KB':>9}")
    for level in LEVELS:
        for lod in LODS:
            frame = load_layer(level, lod)[["key", "geometry"]]
            text = json.dumps(frame.__geo_interface__, separators=(",", ":")).encode()
            raw, gz, br = len(text), len(gzip.compress(text, 6)), len(brotli.compress(text, quality=5))
            print(f"  {level:<9} {lod:<5} {raw / 1024:9.1f} {gz / 1024:9.1f} {br / 1024:9.1f}")


if __name__ == "__main__":
    artifact_sizes()
    load_times()
    geojson_bytes()
