"""Disclosure control of the public figures (docs/disclosure.md): which counts may be shown, and
an outsider's attack on what is shown.

The public tables (by half-year, by region, by half-year and region) are margins of each other,
and every figure in them is made of a few counts ("statistics": cases, procedural complaints,
SPU cases, ...). Suppression is decided per statistic and cell, never per figure, so a count is
withheld everywhere it appears (as a count, a numerator or a denominator) and a rate is shown
only where its numerator and denominator are.

1. Primary rules, in this order (k = `Rules.k`, rate threshold m = `Rules.rate_min`):
   - "group": the count is part of a group (its denominator) of 1..m-1 cases: withheld, as the
     rate over that group would be;
   - "small": a count of 1..k-1 is shown as "<5";
   - "complement": the rest of its group (group - count) is 0..k-1: withheld, since it would
     tell something about every case, or all but a few, of the group.
2. Secondary rule: `attack` plays an outsider who knows the rules, multiplies rates by
   denominators and solves the margins of all three tables (an integer feasibility problem
   solved with HiGHS through scipy.optimize.milp, then one maximum flow per withheld count through
   scipy.sparse.csgraph: the margins of a two-way table form a network, so each count's range is
   a flow problem). Every withheld count must keep at least k-1 possible values (as many as
   "<5" leaves). Where one does not, the cheapest count that shares a margin with it is withheld
   too, and the attack runs again, until it finds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import polars as pl

from dashboard.engine.disclosure.outsider import attack, knowledge
from dashboard.engine.disclosure.public_frames import as_text, render
from dashboard.engine.disclosure.suppression import protect
from dashboard.engine.disclosure.tables import (
    DISPLAY,
    FILES,
    KEY,
    PARTS,
    TABLES,
    DisclosureError,
    DisclosureFailure,
    Publication,
    Rules,
    breakdowns,
)
from dashboard.engine.indicators import PublicFigure
from dashboard.engine.registry import INDICATORS

__all__ = [
    "FILES",
    "TABLES",
    "Audit",
    "DisclosureError",
    "DisclosureFailure",
    "Publication",
    "Rules",
    "as_text",
    "audit",
    "finding_text",
    "public_cell",
    "publish",
    "render",
    "used_by",
]


def publish(metrics: pl.DataFrame, *, as_of: date, rules: Rules) -> Publication:
    """The protected public tables of the cases in `metrics` (case_metrics as of `as_of`)."""
    return replace(protect(breakdowns(metrics, as_of=as_of), rules), as_of=as_of)


def public_cell(rows: pl.DataFrame) -> dict[str, PublicFigure]:
    """Indicator -> PublicFigure of one cell of a public frame (its rows, one per indicator).
    No rows (a half-year without complaints, absent from the half-year table, which says so
    itself): the figures of no cases."""
    if rows.is_empty():
        return {
            n: PublicFigure(n, i.kind, 0, "0", "shown", "0", None)
            if i.kind in ("count", "funnel")
            else PublicFigure(n, i.kind, None, DISPLAY["no_cases"], "no_cases", None, "0")
            for n, i in INDICATORS.items()
        }
    out = {}
    for r in rows.iter_rows(named=True):
        kind = INDICATORS[r["indicator"]].kind
        value = r["value"]
        if value is not None and kind in ("count", "funnel"):
            value = int(value)
        out[r["indicator"]] = PublicFigure(
            r["indicator"], kind, value, r["display"], r["status"], r["numerator"], r["denominator"]
        )
    return out


@dataclass(frozen=True)
class Audit:
    """What `audit` found: how many withheld counts it attacked, and every one it could narrow
    to fewer possible values than the rule keeps (table, half_year, region, stat, lo, hi,
    values; hi null: no upper bound)."""

    checked: int
    findings: pl.DataFrame


def audit(frames: Mapping[str, pl.DataFrame], rules: Rules) -> Audit:
    """Attack published tables as an outsider would (see `knowledge` and `attack`)."""
    missing = [t for t in TABLES if t not in frames]
    if missing:
        raise DisclosureError(f"missing table(s): {', '.join(FILES[t] for t in missing)}")
    found = attack(knowledge(frames, rules), rules)
    failing = found.filter(pl.col("values") < rules.protection).sort(KEY)
    return Audit(checked=found.height, findings=failing)


def used_by(stat: str) -> list[str]:
    """The figures a statistic appears in, as "indicator" or "indicator (denominator)".

    >>> used_by("spu_reactive")
    ['spu_reactive_share']
    """
    out = []
    for name, (num, den) in PARTS.items():
        if num == stat:
            out.append(name)
        if den == stat:
            out.append(f"{name} (denominator)")
    return out


def finding_text(row: Mapping[str, Any], rules: Rules) -> str:
    """One line per finding, e.g. `public_by_region.csv KZ-10: reclassified (...) is exactly 4`."""
    where = " ".join(str(v) for v in (row["half_year"], row["region"]) if v)
    figures = ", ".join(used_by(row["stat"])[:3])
    lo, hi = row["lo"], row["hi"]
    if hi is not None and lo == hi:
        what = f"is exactly {lo}"
    else:
        upper = "no upper bound" if hi is None else str(hi)
        what = (
            f"lies in {lo}..{upper}: {int(row['values'])} possible value(s), "
            f"the rule keeps at least {rules.protection}"
        )
    return f"{FILES[row['table']]} {where}: {row['stat']} [{figures}] {what}"
