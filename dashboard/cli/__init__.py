"""`python -m dashboard` / `oversight`: the command line.

Each command group lives in its own module with `register(subparsers)`; this module only
assembles them. Commands print to stdout, errors to stderr; exit code 1 on invalid input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from dashboard.config import get_settings

#: modules that add sub-commands (each defines `register(subparsers)`)
COMMAND_MODULES = [
    "dashboard.cli.core",
    "dashboard.cli.metrics",
    "dashboard.cli.data",
    "dashboard.cli.admin",
    "dashboard.cli.i18n",
    "dashboard.cli.seed",
    "dashboard.cli.remind",
    "dashboard.cli.disclosure",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oversight",
        description="Oversight: indicators, docket and follow-up for the advisory committee.",
    )
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the database (default: OVERSIGHT_DATABASE_URL or data/oversight.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["OVERSIGHT_DATABASE_URL"] = args.database_url
        get_settings.cache_clear()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
