"""`disclosure-check DIR`: attack a public export as an outsider would (docs/disclosure.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from dashboard.config import get_settings
from dashboard.engine.disclosure import (
    FILES,
    DisclosureError,
    Rules,
    audit,
    finding_text,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "disclosure-check",
        help="attack a public export (export --public) as an outsider; exit 1 if any withheld "
        "figure can be recovered",
        description="Reads public_by_half_year.csv, public_by_region.csv and "
        "public_by_half_year_region.csv from DIR, multiplies rates by their denominators and "
        "solves the margins of all three tables. Prints every withheld count it can pin to an "
        "exact value or to fewer possible values than the rule keeps, and exits 1 if there is "
        "any; else prints a one-line summary and exits 0.",
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.set_defaults(func=cmd_disclosure_check)


def read_export(directory: Path) -> dict[str, pl.DataFrame]:
    """The three CSVs of a public export, every column as text."""
    frames = {}
    for table, name in FILES.items():
        path = directory / name
        if not path.is_file():
            raise DisclosureError(
                f"{path}: file not found (expected the output of export --public)"
            )
        frames[table] = pl.read_csv(path, infer_schema=False)
    return frames


def cmd_disclosure_check(args: argparse.Namespace) -> int:
    rules = Rules.from_settings(get_settings())
    try:
        result = audit(read_export(args.directory), rules)
    except (DisclosureError, pl.exceptions.PolarsError) as exc:
        print(f"disclosure-check: {exc}", file=sys.stderr)
        return 2
    for row in result.findings.iter_rows(named=True):
        print(finding_text(row, rules))
    n = result.findings.height
    if n:
        print(
            f"{n:,} of {result.checked:,} withheld counts can be narrowed below "
            f"{rules.protection} possible values",
            file=sys.stderr,
        )
        return 1
    print(
        f"no withheld figure can be recovered: {result.checked:,} withheld counts attacked, "
        f"each keeps at least {rules.protection} possible values (k = {rules.k}, rates over "
        f"at least {rules.rate_min} cases)"
    )
    return 0
