"""Benchmark of the indicator engine: per-case metrics + all indicators (with drill-down ids)
+ the three breakdowns, on generated data (fixed seed).

    .venv/bin/python bench/indicators_bench.py [--repeat 3] [--cases 100000 --events 1000000]

Targets: <= 1 s and < 1 GiB peak for 100,000 cases / 1,000,000 events on 2 cores; ~100 ms
for 10,000 cases (the dashboard's interactive budget). Prints the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._gen import generate  # noqa: E402
from dashboard.engine.indicators import BREAKDOWNS, breakdown, compute_indicators  # noqa: E402
from dashboard.engine.metrics import case_metrics  # noqa: E402

AS_OF = date(2023, 12, 31)
PERIOD = (date(2023, 1, 1), date(2023, 6, 30))


def run_once(cases, events) -> dict[str, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    m = case_metrics(cases, events, AS_OF)
    t1 = time.perf_counter()
    compute_indicators(m, start=date(1900, 1, 1), end=AS_OF)  # the whole cohort, with ids
    compute_indicators(m, start=PERIOD[0], end=PERIOD[1])
    t2 = time.perf_counter()
    for by in BREAKDOWNS:
        breakdown(m, start=date(1900, 1, 1), end=AS_OF, by=by)
    t3 = time.perf_counter()
    return {"metrics": t1 - t0, "indicators": t2 - t1, "breakdowns": t3 - t2, "total": t3 - t0}


def bench(n_cases: int, n_events: int, repeat: int) -> dict[str, float]:
    cases, events = generate(n_cases, n_events)
    runs = [run_once(cases, events) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in best.items() if k != "total")
    print(
        f"{n_cases:>9,} cases / {n_events:>9,} events: {best['total'] * 1000:7.0f} ms "
        f"(best of {repeat}; {parts})"
    )
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args()
    small = bench(10_000, 100_000, args.repeat)
    big = bench(args.cases, args.events, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
    print(f"peak memory (whole process, data generation included): {peak:.0f} MiB")
    ok = big["total"] <= 1.0 and peak < 1024
    print(
        f"targets: 100k <= 1 s and < 1 GiB: {'met' if ok else 'NOT met'}; "
        f"10k interactive ~100 ms: {small['total'] * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
