"""`python -m dashboard metrics`: per-case metrics and indicators as JSON (indicators.md).

    python -m dashboard metrics CASES.csv EVENTS.csv --as-of 2015-09-30
    python -m dashboard metrics --db [URL] --as-of 2015-09-30 --from 2015-01-01 --to 2015-06-30

Prints {"cases": {case_id: metrics}, "indicators": {name: value, "funnel": {...}}}: the shape of
shared/spec/examples/expected-2015-09-30.json, keys sorted, dates as ISO strings.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from dashboard.cli.arguments import iso_date
from dashboard.data.contract import EVER_END, EVER_START, region_codes
from dashboard.data.reading import ImportValidationError, read_files
from dashboard.engine.indicators import cli_cohort, write_metrics_cli


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "metrics",
        help="print per-case metrics and indicators as JSON (from files or the database)",
        description="Compute indicators.md for a cohort as of a date, from contract files "
        "(CASES.csv EVENTS.csv, or one XLSX) or from the database (--db).",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="FILE")
    p.add_argument(
        "--db",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="read the database instead of files (default URL: the configured database)",
    )
    p.add_argument("--as-of", type=iso_date, default=None, help="as-of date T (default: today)")
    p.add_argument("--from", dest="start", type=iso_date, default=EVER_START)
    p.add_argument("--to", dest="end", type=iso_date, default=EVER_END)
    p.add_argument("--region", help="restrict the cohort to one region code, e.g. KZ-39")
    p.set_defaults(func=cmd_metrics)


def cmd_metrics(args: argparse.Namespace) -> int:
    if (args.db is None) == (not args.paths):
        print("give either the files (CASES.csv EVENTS.csv) or --db, not both", file=sys.stderr)
        return 1
    if args.region is not None and args.region not in region_codes():
        print(f"unknown region code {args.region!r}", file=sys.stderr)
        return 1
    if args.start > args.end:
        print("--from is after --to", file=sys.stderr)
        return 1
    if args.db is not None:
        # imported here, not at the top: SQLAlchemy, SQLModel and the table models cost 0.33 s
        # of start-up that the files' branch does not need (issue 19; bench/README.md)
        from dashboard.data.database import get_engine
        from dashboard.data.store import load_frames

        cases, events = load_frames(get_engine(args.db or None))
    else:
        try:
            frames = read_files(args.paths)
        except ImportValidationError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"{len(exc.problems)} problem(s) in the files", file=sys.stderr)
            return 1
        cases, events = frames.cases, frames.events
    rows, figures = cli_cohort(
        cases, events, args.as_of or date.today(), args.start, args.end, region=args.region
    )
    sys.stdout.flush()
    write_metrics_cli(rows, figures, sys.stdout.buffer)
    sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()
    return 0
