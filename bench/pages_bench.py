"""Server-side time of each dashboard page at 10,000 cases, measured with AppTest.

    .venv/bin/python bench/pages_bench.py [--cases 10000] [--reruns 5]

Prints, per page: the first run (cold caches: loading frames, metrics, indicators), the median
of warm reruns (what a user waits for after a click; target ≤ 300 ms), and a rerun after a
control changed (a new region filter: engine results recomputed from the cached metrics;
median of three regions).
Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["overview", "spu", "stagnation", "cases", "case", "methodology"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--period", default="2025-H2")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pages_bench_"))
    os.environ["OVERSIGHT_DATABASE_URL"] = f"sqlite:///{folder / 'oversight.db'}"
    os.chdir(folder)

    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    from dashboard.db import get_engine
    from dashboard.importer import ContractFrames, import_frames
    from dashboard.roles import Principal
    from tests.pages.demo_data import demo_frames

    t0 = time.perf_counter()
    cases, events = demo_frames(args.cases, step_days=1)
    import_frames(get_engine(), ContractFrames(cases=cases, events=events), actor="bench")
    print(
        f"loaded {cases.height} cases, {events.height} events in {time.perf_counter() - t0:.1f} s"
    )
    print(
        f"{'page':<12} {'cold ms':>9} {'warm median ms':>15} {'warm max ms':>12} {'new region ms (median of 3)':>28}"
    )

    for name in PAGES:
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=600)
        at.session_state["principal"] = Principal("bench", "secretariat")
        at.session_state["ctl_period"] = args.period
        at.session_state["case_id"] = "SYN-00002"
        t = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - t) * 1000
        if at.exception:
            print(f"{name:<12} EXCEPTION: {at.exception[0].value}")
            continue
        warm = []
        for _ in range(args.reruns):
            t = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - t) * 1000)
        changes = []
        for region in ("KZ-39", "KZ-75", "KZ-71"):  # each a cache miss for the engine results
            at.session_state["ctl_regions"] = [region]
            t = time.perf_counter()
            at.run()
            changes.append((time.perf_counter() - t) * 1000)
        changed = statistics.median(changes)
        print(
            f"{name:<12} {cold:>9.0f} {statistics.median(warm):>15.0f} {max(warm):>12.0f} {changed:>28.0f}"
        )


if __name__ == "__main__":
    main()
