"""`python -m dashboard metrics` end to end against a plain-Python reference, side by side.

    .venv/bin/python bench/metrics_bench.py                    # 100,000 cases, 940,000 events
    .venv/bin/python bench/metrics_bench.py --cases 10000 --events 94000

Generates contract CSVs (bench/_gen.py, fixed seed) under bench/out/metrics/, then runs, each
in its own process, one after the other, from the start of the interpreter to the last byte:

  reference   bench/metrics_reference.py: the standard library only (csv, loops, json.dumps)
  before      the command as it was: the same computation, then json.dump of the dicts
  command     python -m dashboard metrics (every contract rule checked, JSON written by polars)

and prints each one's wall clock and peak RSS, the ratios, and whether the three outputs are
the same bytes. Target (issue 19): command at least 10x faster than the reference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._proc import python, run  # noqa: E402

OUT = ROOT / "bench" / "out" / "metrics"
AS_OF = "2024-06-30"


def generate(n_cases: int, n_events: int) -> tuple[Path, Path]:
    from bench._gen import generate as frames

    OUT.mkdir(parents=True, exist_ok=True)
    cases_path = OUT / f"cases_{n_cases}.csv"
    events_path = OUT / f"events_{n_events}.csv"
    if not (cases_path.exists() and events_path.exists()):
        cases, events = frames(n_cases, n_events)
        cases.write_csv(cases_path)
        events.write_csv(events_path)
    return cases_path, events_path


def before(cases_path: str, events_path: str) -> None:
    """The command before issue 19: json.dump(indent=1) of per-case dicts."""
    from dashboard.data.importer import read_files
    from dashboard.engine.indicators import cli_cohort, metrics_for_cli

    frames = read_files([cases_path, events_path])
    result = cli_cohort(frames.cases, frames.events, date.fromisoformat(AS_OF))
    json.dump(metrics_for_cli(*result), sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=940_000)
    ap.add_argument("--before", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.before:
        before(*args.before)
        return 0
    cases_path, events_path = map(str, generate(args.cases, args.events))
    files = [cases_path, events_path, "--as-of", AS_OF]
    steps = {
        "reference": python(str(ROOT / "bench" / "metrics_reference.py"), *files),
        "before": python(__file__, "--before", cases_path, events_path),
        "command": python("-m", "dashboard", "metrics", *files),
    }
    runs = {name: run(argv) for name, argv in steps.items()}
    print(f"{args.cases:,} cases, {args.events:,} events, as of {AS_OF}; one run each, in turn")
    for name, r in runs.items():
        digest = hashlib.sha256(r.stdout).hexdigest()[:12]
        print(
            f"{name:>10}: {r.seconds:6.2f} s (cpu {r.cpu:6.2f} s)  peak {r.peak_mib:6,.0f} MiB  "
            f"{len(r.stdout) / 2**20:5.1f} MiB of JSON, sha256 {digest}"
        )
    same = len({r.stdout for r in runs.values()}) == 1
    ref, cmd = runs["reference"], runs["command"]
    print(
        f"reference / command: {ref.seconds / cmd.seconds:.1f}x wall clock, "
        f"{ref.cpu / cmd.cpu:.1f}x cpu (target >= 10x); "
        f"reference / before: {ref.seconds / runs['before'].seconds:.1f}x wall clock; "
        f"outputs {'identical' if same else 'DIFFER'}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
