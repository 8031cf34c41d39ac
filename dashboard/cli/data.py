"""Data commands: `import PATH...` and `export DIR [--format csv|xlsx]`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from dashboard.accounts import audit
from dashboard.data.database import get_engine
from dashboard.data.exporter import export_dir
from dashboard.data.importer import ImportValidationError, import_files
from dashboard.data.preview import preview_files
from dashboard.data.public import CLI_PUBLIC, public_publication, write_public_export

#: imports with more rows than this report progress on stderr
PROGRESS_FROM = 20_000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import cases/events (CSV pair or one XLSX); all or nothing",
        description="Validate and import files of the data contract. On any problem nothing "
        "is written, every problem is listed on stderr and the exit code is 1.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--actor", help="user name recorded in the audit log (default: cli:<OS user>)")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the files and print what the import would change (new, updated, unchanged "
        "per table and per case); write nothing",
    )
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", help="export all cases and events (contains personal data)")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv", dest="fmt")
    p.add_argument(
        "--public",
        action="store_true",
        help="only the public, suppressed figures per half-year and region (no case rows)",
    )
    p.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:

    try:
        if args.dry_run:
            preview = preview_files(get_engine(), args.paths, actor=args.actor or audit.cli_actor())
            print(f"dry run, nothing written; {', '.join(preview.files)} would change:")
            print(preview)
            return 0
        result = import_files(
            get_engine(), args.paths, actor=args.actor or audit.cli_actor(), progress=_progress
        )
    except ImportValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {', '.join(result.files)}: {result}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:

    if getattr(args, "public", False):
        # the observer's rights (the same rules as on screen), audited as the OS user
        who = dataclasses.replace(CLI_PUBLIC, username=audit.cli_actor())
        engine = get_engine()
        pub = public_publication(engine, who)
        for path in write_public_export(engine, who, args.directory, fmt=args.fmt, publication=pub):
            print(path)
        print(suppression_line(pub.summary()))
        return 0
    engine = get_engine()
    files = export_dir(engine, args.directory, fmt=args.fmt)
    # a full export holds personal data: who wrote it where is audited (the page's is too)
    audit.record_now(
        engine,
        actor=audit.cli_actor(),
        action="export",
        detail=f"full {args.fmt}: {args.directory}",
    )
    for path in files:
        print(path)
    return 0


def suppression_line(summary: dict[str, int]) -> str:
    """The share of figures `export --public` withheld, in one line."""
    share = summary["figures_withheld"] / summary["figures"] if summary["figures"] else 0.0
    return (
        f"withheld {summary['figures_withheld']:,} of {summary['figures']:,} figures "
        f"({share:.1%}): {summary['counts_primary']:,} of {summary['counts']:,} counts by the "
        f"small-count rules, {summary['counts_secondary']:,} more so that none can be recovered"
    )


def _progress(stage: str, done: int, total: int) -> None:
    """Progress lines on stderr while writing a long import (one per chunk)."""
    if stage in ("cases", "events") and total > PROGRESS_FROM:
        print(f"{stage}: {done:,}/{total:,} rows written", file=sys.stderr, flush=True)
