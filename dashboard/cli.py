"""`python -m dashboard` / `oversight`: the command line.

Each command group lives in its own module with `register(subparsers)`; this module only
assembles them. Commands print to stdout, errors to stderr; exit code 1 on invalid input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

#: modules that add sub-commands (each defines `register(subparsers)`)
COMMAND_MODULES = [
    "dashboard.cli_core",
    "dashboard.cli_metrics",
    "dashboard.cli_data",
    "dashboard.cli_admin",
    "dashboard.cli_i18n",
    "dashboard.cli_seed",
    "dashboard.cli_remind",
    "dashboard.cli_disclosure",
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
        import os

        from dashboard.config import get_settings

        os.environ["OVERSIGHT_DATABASE_URL"] = args.database_url
        get_settings.cache_clear()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


def app_script() -> Path:
    """The Streamlit entry script (app.py at the project's top level)."""
    return Path(__file__).resolve().parents[1] / "app.py"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
