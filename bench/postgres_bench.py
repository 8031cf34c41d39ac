"""Import and engine timings on PostgreSQL and SQLite, side by side.

    .venv/bin/python bench/postgres_bench.py                       # 100,000 cases, 1,000,000 events
    .venv/bin/python bench/postgres_bench.py --cases 5000          # a quick run
    .venv/bin/python bench/postgres_bench.py --postgres URL        # default: OVERSIGHT_TEST_POSTGRES_URL

One generated data set (bench/import_bench.py's generator: valid CSVs, 10 events per case) goes
through the same steps on a fresh SQLite file and on a fresh PostgreSQL database (created on the
server named by --postgres, dropped afterwards; start one with `source scripts/postgres.sh;
postgres_start`). Each step is timed once, wall clock:

  floor           polars reads the CSVs; plain COPY (PostgreSQL) or sqlite3 executemany (SQLite)
                  into two tables keyed like ours, no checks
  import          dashboard.data.importer.import_files (validation, upsert, audit, one transaction)
  re-import       the same files again (every row an update: ON CONFLICT DO UPDATE)
  load frames     dashboard.data.store.load_frames (what every app process does after a write)
  case metrics    dashboard.engine.metrics.case_metrics as of the last day of the data
  indicators      dashboard.engine.indicators.compute_indicators, every case in the cohort
  breakdown       dashboard.engine.indicators.breakdown by region
  docket          dashboard.engine.docket.docket_suggestions (when that module exists)

The engine steps run on the frames each database returned; they are the same work on both
(the frames are identical), timed on both so the table shows the whole path per backend.

Figures (before and after issue 19): bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_bench import generate  # noqa: E402
from dashboard.data import bulk, store  # noqa: E402
from dashboard.data.contract import imputed_date  # noqa: E402
from dashboard.data.database import migrate  # noqa: E402
from dashboard.data.importer import import_files  # noqa: E402
from db.engine import make_engine  # noqa: E402


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def floor(engine: Engine, paths: list[Path]) -> None:
    """The floor of an import: polars reads the CSVs; plain COPY (PostgreSQL) or the stdlib
    sqlite3 executemany (SQLite) puts every row into two tables keyed like ours, one
    transaction, no checks."""
    frames = [pl.read_csv(p, infer_schema=False) for p in paths]
    keys = ("case_id", "case_id, seq")
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for frame, table, key in zip(frames, ("floor_case", "floor_event"), keys, strict=True):
            columns = ", ".join(f'"{n}"' for n in frame.columns)
            typed = ", ".join(f'"{n}" text' for n in frame.columns)
            cur.execute(f"CREATE TABLE {table} ({typed}, PRIMARY KEY ({key}))")
            if engine.dialect.name == "postgresql":
                with cur.copy(  # type: ignore[attr-defined]
                    f"COPY {table} ({columns}) FROM STDIN {bulk.COPY_OPTIONS}"
                ) as copy:
                    for chunk in frame.iter_slices(bulk.CHUNK):
                        copy.write(bulk.copy_csv(chunk))
            else:
                marks = ", ".join("?" * frame.width)
                cur.executemany(f"INSERT INTO {table} VALUES ({marks})", frame.iter_rows())
        raw.commit()
    finally:
        raw.close()


def run_backend(url: str, paths: list[Path]) -> dict[str, str]:
    """Every step on one database; step -> formatted seconds."""
    out: dict[str, str] = {}
    engine = make_engine(url)
    migrate(engine)
    try:
        secs_floor, _ = timed(lambda: floor(engine, paths))
        out["floor (COPY / sqlite3, no checks)"] = f"{secs_floor:.1f} s"
        secs, result = timed(lambda: import_files(engine, paths, actor="bench"))
        out["import"] = f"{secs:.1f} s ({secs / secs_floor:.1f}x floor)"
        out["(rows)"] = f"{result.cases_inserted:,} / {result.events_inserted:,}"
        secs, _ = timed(lambda: import_files(engine, paths, actor="bench"))
        out["re-import (all updates)"] = f"{secs:.1f} s ({secs / secs_floor:.1f}x floor)"
        secs, (cases, events) = timed(lambda: store.load_frames(engine))
        out["load frames"] = f"{secs:.2f} s"
        engine_steps(cases, events, out)
    finally:
        engine.dispose()
    return out


def engine_steps(cases: Any, events: Any, out: dict[str, str]) -> None:
    from dashboard.engine.metrics import case_metrics

    as_of: date = events.select(imputed_date("event_date").max()).item()
    secs, metrics = timed(lambda: case_metrics(cases, events, as_of))
    out["case metrics"] = f"{secs:.2f} s"
    # the whole span of the data as the cohort: every case counts in the indicators
    start, end = metrics["complaint_on"].min(), as_of
    try:
        from dashboard.engine.indicators import breakdown, compute_indicators

        secs, _ = timed(lambda: compute_indicators(metrics, start=start, end=end))
        out["indicators (all cases)"] = f"{secs:.2f} s"
        secs, _ = timed(lambda: breakdown(metrics, start=start, end=end, by="region"))
        out["breakdown by region"] = f"{secs:.2f} s"
    except ImportError:
        out["indicators (all cases)"] = "n/a"
    try:
        from dashboard.engine.docket import docket_suggestions

        secs, _ = timed(lambda: docket_suggestions(metrics, as_of=as_of))
        out["docket suggestions"] = f"{secs:.2f} s"
    except ImportError:
        out["docket suggestions"] = "n/a (no dashboard.engine.docket)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="cases (10 events each)")
    ap.add_argument("--postgres", default=os.environ.get("OVERSIGHT_TEST_POSTGRES_URL"))
    args = ap.parse_args(argv)
    if not args.postgres:
        ap.error("no PostgreSQL server: pass --postgres URL or set OVERSIGHT_TEST_POSTGRES_URL")

    from tests.pg import fresh_postgres_database

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        t0 = time.perf_counter()
        paths = list(generate(args.cases, Path(tmp)))
        print(
            f"generated {args.cases:,} cases / {10 * args.cases:,} events "
            f"in {time.perf_counter() - t0:.1f}s",
            flush=True,
        )
        pg_url = stack.enter_context(fresh_postgres_database(args.postgres, migrated=False))
        results: dict[str, dict[str, str]] = {}
        for backend, url in (
            ("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}"),
            ("PostgreSQL", pg_url),
        ):
            t0 = time.perf_counter()
            results[backend] = run_backend(url, paths)
            print(f"{backend}: done in {time.perf_counter() - t0:.0f}s", flush=True)

    steps = list(results["SQLite"])
    width = max(len(s) for s in steps)
    print()
    print(f"{args.cases:,} cases / {10 * args.cases:,} events, wall clock")
    print(f"{'step':<{width}}  {'SQLite':>24}  {'PostgreSQL':>24}")
    for step in steps:
        print(
            f"{step:<{width}}  {results['SQLite'][step]:>24}  "
            f"{results['PostgreSQL'].get(step, ''):>24}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS of the whole run (both backends, generation included): {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
