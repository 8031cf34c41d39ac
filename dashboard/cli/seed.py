"""Seed commands: `seed` (reload the documented and synthetic sets) and `remove-synthetic`."""

from __future__ import annotations

import argparse
import sys

from dashboard.accounts import audit
from dashboard.data.database import get_engine
from dashboard.data.importer import ImportValidationError
from dashboard.data.seeding import remove_synthetic, seed_database


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "seed",
        help="load the report's documented cases and a synthetic demonstration set",
        description=(
            "(Re)load the documented cases of 'Dead End Justice' and, unless --no-synthetic, "
            "replace the synthetic set (and its demo sessions) with a fresh one."
        ),
    )
    p.add_argument(
        "--synthetic", type=int, default=2000, metavar="N", help="synthetic cases (default 2000)"
    )
    p.add_argument("--no-synthetic", action="store_true", help="load the documented cases only")
    p.add_argument("--seed", type=int, default=2016, metavar="S", help="random seed (default 2016)")
    p.set_defaults(func=cmd_seed)
    p = sub.add_parser(
        "remove-synthetic",
        help="delete the synthetic cases and the demo sessions; real data is untouched",
    )
    p.set_defaults(func=cmd_remove_synthetic)


def cmd_seed(args: argparse.Namespace) -> int:

    if args.synthetic < 0:
        print("--synthetic must be 0 or more", file=sys.stderr)
        return 1
    try:
        report = seed_database(
            get_engine(), synthetic=None if args.no_synthetic else args.synthetic, seed=args.seed
        )
    except ImportValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    audit.record_now(get_engine(), actor=audit.cli_actor(), action="seed", detail=str(report)[:200])
    print(report)
    if report.removed_synthetic:
        print(f"(replaced {report.removed_synthetic} earlier synthetic cases)")
    return 0


def cmd_remove_synthetic(args: argparse.Namespace) -> int:

    n = remove_synthetic(get_engine())
    audit.record_now(
        get_engine(),
        actor=audit.cli_actor(),
        action="delete",
        entity="case",
        detail=f"synthetic={n}",
    )
    print(f"removed {n} synthetic cases (and the demonstration sessions)")
    return 0
