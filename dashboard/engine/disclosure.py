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

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import maximum_flow

from dashboard.data.contract import half_year_bounds
from dashboard.engine.indicators import INDICATORS, PublicFigure, breakdown, format_figure

#: the three public tables, in this order, and the file each is published as
TABLES: tuple[str, ...] = ("half_year", "region", "half_year_region")
FILES: dict[str, str] = {t: f"public_by_{t}.csv" for t in TABLES}
CELL = ("table", "half_year", "region")

#: display texts of the public mode (msgids; the CSV keeps them in English)
WITHHELD = "withheld"
DISPLAY = {"too_few_cases": "too few cases", "no_cases": "no cases", "withheld": WITHHELD}


@dataclass(frozen=True)
class Rules:
    """The parameters of the rule (settings OVERSIGHT_DISCLOSURE_K, OVERSIGHT_DISCLOSURE_RATE_MIN)."""

    k: int = 5
    rate_min: int = 10
    #: possible values an attacker must be left with for every withheld count
    protection: int = 3

    @property
    def small(self) -> str:
        """How a count from 1 to k-1 is shown ("<5")."""
        return f"<{self.k}"

    @classmethod
    def from_settings(cls, settings: Any) -> Rules:
        return cls(
            k=settings.disclosure_k,
            rate_min=settings.disclosure_rate_min,
            protection=settings.disclosure_protection,
        )


@dataclass(frozen=True)
class Statistic:
    """A count behind the figures. `group`: the population it is a part of (rules "group" and
    "complement"); `within`: a count it can never exceed (what an outsider knows)."""

    name: str
    group: str | None = None
    within: str | None = None


def _s(name: str, group: str | None = None, within: str | None = None) -> tuple[str, Statistic]:
    return name, Statistic(name, group, within or group)


#: every statistic, parents before children
STATISTICS: dict[str, Statistic] = dict(
    [
        _s("cases"),
        _s("procedural", "cases"),
        _s("reclassified", "procedural"),
        _s("reclassified_promptly", "procedural", "reclassified"),
        _s("criminal_case", "cases"),
        _s("torture", "criminal_case"),
        _s("spu", "cases"),
        _s("spu_investigating", "cases", "spu"),
        _s("spu_reactive", "spu"),
        _s("open", "cases"),
        _s("stagnant_90", "open"),
        _s("stagnant_180", "open", "stagnant_90"),
        _s("stagnant_365", "open", "stagnant_180"),
        _s("reversals"),
        _s("pingpong", "cases"),
        _s("same_family", "cases"),
        _s("reached_criminal_case", "cases"),
        _s("reached_court", "cases", "reached_criminal_case"),
        _s("reached_conviction", "cases", "reached_court"),
        _s("custodial", "cases", "reached_conviction"),
        _s("in_court", "cases", "reached_court"),
        _s("decisions"),
        _s("informed_in_time", "decisions"),
        _s("medical_evidence", "cases"),
        _s("evidence_dismissed", "medical_evidence"),
    ]
)

#: indicator -> (numerator statistic, denominator statistic); a count's value is its numerator
PARTS: dict[str, tuple[str | None, str | None]] = {
    "complaints": ("cases", None),
    "reclassification_rate": ("reclassified", "procedural"),
    "prompt_reclassification_rate": ("reclassified_promptly", "procedural"),
    "median_days_to_criminal_case": (None, "criminal_case"),
    "torture_qualification_rate": ("torture", "criminal_case"),
    "spu_involvement_rate": ("spu", "cases"),
    "spu_lead_rate": ("spu_investigating", "cases"),
    "spu_reactive_share": ("spu_reactive", "spu"),
    "median_days_to_spu": (None, "spu"),
    "open_cases": ("open", None),
    "stagnant_share": ("stagnant_90", "open"),
    "stagnant_180": ("stagnant_180", None),
    "stagnant_365": ("stagnant_365", None),
    "median_stagnation_days": (None, "open"),
    "mean_reversals": ("reversals", "cases"),
    "pingpong_share": ("pingpong", "cases"),
    "same_family_share": ("same_family", "cases"),
    "funnel.complaints": ("cases", None),
    "funnel.criminal_case": ("reached_criminal_case", None),
    "funnel.in_court": ("reached_court", None),
    "funnel.convicted": ("reached_conviction", None),
    "funnel.custodial": ("custodial", None),
    "prosecution_rate": ("in_court", "cases"),
    "timely_information_rate": ("informed_in_time", "decisions"),
    "evidence_dismissed_share": ("evidence_dismissed", "medical_evidence"),
}
assert set(PARTS) == set(INDICATORS), "every indicator needs its statistics in PARTS"

_C = pl.col
_KEY = [*CELL, "stat"]
_PARTS_FRAME = pl.DataFrame(
    {
        "indicator": list(PARTS),
        "num_stat": [p[0] for p in PARTS.values()],
        "den_stat": [p[1] for p in PARTS.values()],
        "kind": [INDICATORS[n].kind for n in PARTS],
    }
)
#: statistic -> the statistics that bound it: its group, what it lies within, what lies in it
_RELATED: dict[str, tuple[str, ...]] = {
    name: tuple(
        sorted(
            {r for r in (s.group, s.within) if r is not None}
            | {o.name for o in STATISTICS.values() if name in (o.group, o.within)}
        )
    )
    for name, s in STATISTICS.items()
}

_STATS_FRAME = pl.DataFrame(
    {
        "stat": list(STATISTICS),
        "group": [s.group for s in STATISTICS.values()],
        "within": [s.within for s in STATISTICS.values()],
    },
    schema={"stat": pl.String, "group": pl.String, "within": pl.String},
)


# --- the tables and their statistics ---------------------------------------------------------


def breakdowns(metrics: pl.DataFrame, *, as_of: date) -> dict[str, pl.DataFrame]:
    """The three unsuppressed tables of the public export (`indicators.breakdown` frames; the
    half-year x region one with half_year and region instead of group)."""
    first = date(1900, 1, 1)
    frames = {
        "half_year": breakdown(metrics, start=first, end=as_of, by="half_year"),
        "region": breakdown(metrics, start=first, end=as_of, by="region"),
    }
    parts = []
    for label in frames["half_year"]["group"].unique().sort().to_list():
        start, end = half_year_bounds(label)
        part = breakdown(metrics, start=start, end=min(end, as_of), by="region")
        parts.append(part.select(pl.lit(label).alias("half_year"), pl.all()))
    cross = (
        pl.concat(parts).rename({"group": "region"})
        if parts
        else breakdown(metrics.clear(), by="region")
        .rename({"group": "region"})
        .select(pl.lit(None, pl.String).alias("half_year"), pl.all())
    )
    frames["half_year_region"] = _full_grid(cross, frames)
    return frames


def _full_grid(cross: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every half-year x region, with the figures of no cases where there are none: which
    regions had complaints in a half-year would otherwise be public, and with the national
    total it can pin every regional count."""
    grid = (
        frames["half_year"]
        .select(_C("group").unique().alias("half_year"))
        .join(frames["region"].select(_C("group").unique().alias("region")), how="cross")
        .join(_EMPTY_FIGURES, how="cross")
    )
    missing = grid.join(cross, on=["half_year", "region", "indicator"], how="anti")
    return (
        pl.concat([cross, missing.select(cross.columns)], how="vertical_relaxed")
        .with_columns(_C("indicator").replace_strict(_ORDER, return_dtype=pl.Int64).alias("_o"))
        .sort("half_year", "region", "_o")
        .drop("_o")
    )


_ORDER = {n: i for i, n in enumerate(INDICATORS)}
#: the figures of a group without cases (as `breakdown` would give them)
_EMPTY_FIGURES = pl.DataFrame(
    {
        "indicator": list(INDICATORS),
        "value": [0.0 if i.kind in ("count", "funnel") else None for i in INDICATORS.values()],
        "numerator": [
            None if i.kind == "median" or i.numerator_expr() is None else 0
            for i in INDICATORS.values()
        ],
        "denominator": [None if i.denominator_expr() is None else 0 for i in INDICATORS.values()],
    },
    schema={
        "indicator": pl.String,
        "value": pl.Float64,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
    },
)


def _cells(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """All tables in one long frame keyed by (table, half_year, region, indicator)."""
    out = []
    for table in TABLES:
        f = tables[table]
        if table == "half_year":
            f = f.rename({"group": "half_year"}).with_columns(
                pl.lit(None, pl.String).alias("region")
            )
        elif table == "region":
            f = f.rename({"group": "region"}).with_columns(
                pl.lit(None, pl.String).alias("half_year")
            )
        out.append(
            f.with_columns(pl.lit(table).alias("table")).select(
                "table",
                _C("half_year").cast(pl.String),
                _C("region").cast(pl.String),
                pl.exclude("table", "half_year", "region"),
            )
        )
    return pl.concat(out, how="diagonal_relaxed")


def statistics(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """(table, half_year, region, stat, value): every count behind the tables' figures."""
    cells = _cells(tables).join(_PARTS_FRAME, on="indicator")
    num = cells.select(*CELL, _C("num_stat").alias("stat"), _C("numerator").alias("value"))
    den = cells.select(*CELL, _C("den_stat").alias("stat"), _C("denominator").alias("value"))
    stats = (
        pl.concat([num, den])
        .drop_nulls("stat")
        .with_columns(_C("value").cast(pl.Int64))
        .unique(_KEY, keep="first", maintain_order=True)
    )
    return stats


# --- primary and secondary suppression --------------------------------------------------------


def _with_group(stats: pl.DataFrame) -> pl.DataFrame:
    groups = stats.select(*CELL, _C("stat").alias("group"), _C("value").alias("group_value"))
    return stats.join(_STATS_FRAME, on="stat", how="left").join(
        groups, on=[*CELL, "group"], how="left", nulls_equal=True
    )


def primary(stats: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """`stats` with `rule`: "group", "small", "complement" (primary) or null (may be shown)."""
    v, g = _C("value"), _C("group_value")
    rule = (
        pl.when(g.is_not_null() & (g > 0) & (g < rules.rate_min))
        .then(pl.lit("group"))
        .when((v > 0) & (v < rules.k))
        .then(pl.lit("small"))
        .when(g.is_not_null() & (g > 0) & (g - v < rules.k))
        .then(pl.lit("complement"))
    )
    marks = _with_group(stats).with_columns(rule.alias("rule"))
    return _spread_group(marks.select(*_KEY, "value", "rule"))


def _spread_group(marks: pl.DataFrame) -> pl.DataFrame:
    """A count whose group is withheld by the group rule, or withheld while 0, is withheld by
    the group rule too: else a 0 beside it would tell that the group is small, or 0."""
    for _ in range(len(STATISTICS)):
        groups = marks.select(
            *CELL, _C("stat").alias("group"), _C("rule").alias("g_rule"), _C("value").alias("g_v")
        )
        spread = marks.join(_STATS_FRAME.select("stat", "group"), on="stat", how="left").join(
            groups, on=[*CELL, "group"], how="left", nulls_equal=True
        )
        hidden = (_C("g_rule") == "group") | (_C("g_rule").is_not_null() & (_C("g_v") == 0))
        new = hidden & _C("rule").ne_missing("group")
        if not spread.select(new.any()).item():
            break
        marks = spread.with_columns(
            pl.when(new).then(pl.lit("group")).otherwise(_C("rule")).alias("rule")
        ).select(*_KEY, "value", "rule")
    return marks


#: what a rule shows instead of the count
_MARK = {"group": "group", "small": "small", "complement": "withheld", "secondary": "withheld"}


@dataclass(frozen=True)
class Publication:
    """The public tables and how they were protected."""

    frames: dict[str, pl.DataFrame]  # table -> public frame (the CSV's columns)
    marks: pl.DataFrame  # table, half_year, region, stat, value, rule
    rounds: int
    as_of: date | None = None  # the date the figures are as of (set by `publish`)

    def summary(self) -> dict[str, int]:
        """Counts of figures (rows) and statistics shown and withheld."""
        rows = pl.concat([f.select("status") for f in self.frames.values()])
        rule = self.marks["rule"]
        return {
            "figures": rows.height,
            "figures_withheld": int((rows["status"] != "shown").sum()),
            "counts": self.marks.height,
            "counts_primary": int(rule.is_in(["group", "small", "complement"]).sum()),
            "counts_secondary": int((rule == "secondary").sum()),
        }


#: how much a complementary suppression costs per case, by table: the national figures per
#: half-year are the most used, so they are withheld only where nothing else protects a cell
_TABLE_COST = {"half_year_region": 1.0, "region": 10.0, "half_year": 1000.0}
MAX_ROUNDS = 40


def protect(tables: Mapping[str, pl.DataFrame], rules: Rules) -> Publication:
    """Primary suppression, then complementary suppression until `attack` finds nothing."""
    marks = primary(statistics(tables), rules)
    level: dict[str, int] = {}
    for rounds in range(1, MAX_ROUNDS + 1):
        frames = render(tables, marks, rules)
        found = attack(knowledge(frames, rules), rules)
        failing = found.filter(_C("values") < rules.protection)
        if failing.is_empty():
            return Publication(frames, marks, rounds)
        if rounds <= GREEDY_ROUNDS:
            partners = _complement(marks, failing, rules.rate_min)
            if partners is not None:
                marks = partners
                continue
        # the greedy choice has not settled, or no shown count is left to pair with a failing
        # one: withhold the failing statistics table by table, the cross table first, and at
        # last the national one (this always ends: at worst a statistic is withheld everywhere)
        for stat in failing["stat"].unique().to_list():
            if level.get(stat, 0) <= len(_ESCALATION):
                level[stat] = level.get(stat, 0) + 1
                continue
            # withheld everywhere and still pinned: by the counts that bound it (its group,
            # what it lies within, what lies within it), which are withheld in turn
            for near in _RELATED[stat]:
                level[near] = min(level.get(near, 0) + 1, len(_ESCALATION) + 1)
        marks = _withhold_tables(marks, level, rules.rate_min)
    raise DisclosureFailure(f"disclosure control did not converge in {MAX_ROUNDS} rounds")


#: rounds of cheapest-partner suppression before whole tables of a statistic are withheld
GREEDY_ROUNDS = 8
_ESCALATION = ("half_year_region", "region", "half_year")


def _withhold_tables(marks: pl.DataFrame, level: Mapping[str, int], rate_min: int) -> pl.DataFrame:
    """Withhold every shown count of each statistic in the first `level[stat]` tables of
    `_ESCALATION`. The national number of complaints per half-year (of rate_min or more) is
    kept until a statistic is past the last table: then nothing else can protect it, and it
    is withheld everywhere."""
    lv = pl.DataFrame(
        {"stat": list(level), "_level": list(level.values())},
        schema={"stat": pl.String, "_level": pl.Int64},
    )
    depth = _C("table").replace_strict(
        {t: i + 1 for i, t in enumerate(_ESCALATION)}, return_dtype=pl.Int64
    )
    national = _national_complaints(rate_min) & (_C("_level").fill_null(0) <= len(_ESCALATION))
    hit = (
        (depth <= _C("_level").fill_null(0))
        & (_C("rule").is_null() | (_C("rule") == "small"))
        & ~national
    )
    out = marks.join(lv, on="stat", how="left").with_columns(
        pl.when(hit).then(pl.lit("secondary")).otherwise(_C("rule")).alias("rule")
    )
    return _spread_group(out.drop("_level"))


def _national_complaints(rate_min: int) -> pl.Expr:
    """The national number of complaints per half-year, where it is at least rate_min: kept
    while anything else can protect a count (the national figures per half-year stay useful)."""
    return (_C("table") == "half_year") & (_C("stat") == "cases") & (_C("value") >= rate_min)


_TOTAL = "\x00T"  # the total row / column node of the margins network


def _node_exprs() -> tuple[pl.Expr, pl.Expr]:
    """The (row, column) node of a cell in the margins network (see `_stat_intervals`)."""
    row = pl.when(_C("table") == "region").then(pl.lit(_TOTAL)).otherwise(_C("half_year"))
    col = pl.when(_C("table") == "half_year").then(pl.lit(_TOTAL)).otherwise(_C("region"))
    return row.alias("row_node"), col.alias("col_node")


def _complement(marks: pl.DataFrame, failing: pl.DataFrame, rate_min: int) -> pl.DataFrame | None:
    """Withhold, for each failing count, the cheapest shown count of the same statistic that
    shares a margin with it (preferring one whose other margin already has a withheld count,
    so that the two can move together). None where no shown count is left to withhold."""
    row, col = _node_exprs()
    m = marks.with_columns(row, col)
    national = _national_complaints(rate_min)
    shown = m.filter((_C("rule").is_null() | (_C("rule") == "small")) & ~national)
    withheld = m.filter(_C("rule").is_not_null())
    w_rows = withheld.group_by("stat", "row_node").len("w_row")
    w_cols = withheld.group_by("stat", "col_node").len("w_col")
    cand = (
        shown.join(w_rows, on=["stat", "row_node"], how="left")
        .join(w_cols, on=["stat", "col_node"], how="left")
        .with_columns(
            (
                pl.when(_C("rule") == "small").then(1.0).otherwise(_C("value").cast(pl.Float64) + 2)
                * _C("table").replace_strict(_TABLE_COST, return_dtype=pl.Float64)
            ).alias("cost"),
            _C("w_row").fill_null(0),
            _C("w_col").fill_null(0),
        )
    )
    fail = failing.with_columns(row, col).sort(_KEY)
    chosen: set[tuple[Any, ...]] = set()
    done: set[tuple[str, str, str]] = set()  # (stat, side, node) already given a partner
    by_stat = {s: f for (s,), f in cand.partition_by("stat", as_dict=True).items()}
    for r in fail.iter_rows(named=True):
        stat, a, b = r["stat"], r["row_node"], r["col_node"]
        c = by_stat.get(stat)
        if c is None:
            continue
        # one partner on the same row and one in the same column; a partner should be able to
        # move with a withheld count on its other margin
        picks = []
        # the grand total is never shown, so the two total margins (T and T') act as one
        if (stat, "row", a) not in done:
            on_row = (_C("row_node") == a) | ((a == _TOTAL) & (_C("col_node") == _TOTAL))
            picks.append(c.filter(on_row).with_columns(alone=_C("w_col") == 0))
            done.add((stat, "row", a))
        if (stat, "col", b) not in done:
            on_col = (_C("col_node") == b) | ((b == _TOTAL) & (_C("row_node") == _TOTAL))
            picks.append(c.filter(on_col).with_columns(alone=_C("w_row") == 0))
            done.add((stat, "col", b))
        if picks and all(p.is_empty() for p in picks):
            picks = [c.with_columns(alone=pl.lit(True))]
        for options in picks:
            if options.is_empty():
                continue
            best = options.sort("alone", "cost", *CELL).row(0, named=True)
            chosen.add((best["table"], best["half_year"], best["region"], stat))
    if not chosen:
        return None
    pick = pl.DataFrame(
        list(chosen),
        schema={"table": pl.String, "half_year": pl.String, "region": pl.String, "stat": pl.String},
        orient="row",
    ).with_columns(pl.lit(True).alias("pick"))
    return _spread_group(
        marks.join(pick, on=_KEY, how="left", nulls_equal=True)
        .with_columns(
            pl.when(_C("pick").fill_null(False))
            .then(pl.lit("secondary"))
            .otherwise(_C("rule"))
            .alias("rule")
        )
        .drop("pick")
    )


# --- what the public sees ---------------------------------------------------------------------


def _mark_text(mark: pl.Expr, value: pl.Expr, small: str) -> pl.Expr:
    return (
        pl.when(mark == "exact")
        .then(value.cast(pl.String))
        .when(mark == "small")
        .then(pl.lit(small))
        .when(mark == "withheld")
        .then(pl.lit(WITHHELD))
    )


def render(
    tables: Mapping[str, pl.DataFrame], marks: pl.DataFrame, rules: Rules
) -> dict[str, pl.DataFrame]:
    """The public frames (group/half_year/region, indicator, value, display, status,
    numerator, denominator) for the given marks."""
    mk = marks.select(
        *_KEY,
        _C("value").alias("v"),
        _C("rule").replace_strict(_MARK, default="exact", return_dtype=pl.String).alias("mark"),
    )
    num = mk.rename({"stat": "num_stat", "v": "num_v", "mark": "num_mark"})
    den = mk.rename({"stat": "den_stat", "v": "den_v", "mark": "den_mark"})
    cells = (
        _cells(tables)
        .with_row_index("_order")
        .join(_PARTS_FRAME, on="indicator", how="left")
        .join(num, on=[*CELL, "num_stat"], how="left", nulls_equal=True)
        .join(den, on=[*CELL, "den_stat"], how="left", nulls_equal=True)
        .sort("_order")
    )
    counts = _C("kind").is_in(["count", "funnel"])
    dm, dv, nm = _C("den_mark"), _C("den_v"), _C("num_mark")
    status = (
        pl.when(counts)
        .then(
            pl.when(nm == "exact")
            .then(pl.lit("shown"))
            .when(nm == "small")
            .then(pl.lit("fewer_than_5"))
            .when(nm == "group")
            .then(pl.lit("too_few_cases"))
            .otherwise(pl.lit("withheld"))
        )
        .when((dm == "exact") & (dv == 0))
        .then(pl.lit("no_cases"))
        .when(dm.is_in(["small", "group"]) | ((dm == "exact") & (dv < rules.rate_min)))
        .then(pl.lit("too_few_cases"))
        .when(dm == "withheld")
        .then(pl.lit("withheld"))
        .when((_C("kind") == "median") | (nm == "exact"))
        .then(pl.lit("shown"))
        .otherwise(pl.lit("withheld"))
    )
    cells = cells.with_columns(status.alias("status"))
    shown = _C("status") == "shown"
    display = (
        pl.when(shown)
        .then(
            pl.struct("kind", "value").map_elements(
                lambda r: None if r["value"] is None else format_figure(r["kind"], r["value"]),
                return_dtype=pl.String,
            )
        )
        .otherwise(
            _C("status").replace_strict(
                {**DISPLAY, "fewer_than_5": rules.small}, default=None, return_dtype=pl.String
            )
        )
    )
    cells = cells.with_columns(
        pl.when(shown).then(_C("value")).alias("value"),
        display.alias("display"),
        _mark_text(nm, _C("num_v"), rules.small).alias("numerator"),
        _mark_text(dm, dv, rules.small).alias("denominator"),
    )
    cols = ["indicator", "value", "display", "status", "numerator", "denominator"]
    out = {}
    for table in TABLES:
        part = cells.filter(_C("table") == table)
        if table == "half_year":
            out[table] = part.select(_C("half_year").alias("group"), *cols)
        elif table == "region":
            out[table] = part.select(_C("region").alias("group"), *cols)
        else:
            out[table] = part.select("half_year", "region", *cols)
    return out


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """A public frame with every column as text (as the CSV has it)."""
    return frame.with_columns(
        pl.col(c).cast(pl.String) for c, dt in frame.schema.items() if dt != pl.String
    )


# --- the outsider's attack --------------------------------------------------------------------


def knowledge(frames: Mapping[str, pl.DataFrame], rules: Rules) -> pl.DataFrame:
    """What an outsider who knows the rules learns about every count from the public frames:
    (table, half_year, region, stat, lo, hi, excl, shown): the count is in [lo, hi] (hi null: no
    upper bound) and, where excl > 0, not in [1, excl]; `shown`: printed as a number somewhere
    (or 0 inside a total shown as 0)."""
    cells = _cells({t: as_text(f) for t, f in frames.items()}).join(_PARTS_FRAME, on="indicator")
    small_hi = rules.k - 1
    value = _C("value").cast(pl.Float64, strict=False)
    counts = _C("kind").is_in(["count", "funnel"])

    def text_fact(text: pl.Expr) -> list[pl.Expr]:
        n = text.cast(pl.Int64, strict=False)
        lo = pl.when(n.is_not_null()).then(n).when(text == rules.small).then(pl.lit(1))
        hi = pl.when(n.is_not_null()).then(n).when(text == rules.small).then(pl.lit(small_hi))
        return [lo.alias("lo"), hi.alias("hi"), pl.lit(None, pl.Int64).alias("excl")]

    status = _C("status")
    facts = [
        # counts: the status says it all
        cells.filter(counts).select(
            *CELL,
            _C("num_stat").alias("stat"),
            pl.when(status == "shown")
            .then(value.round().cast(pl.Int64))
            .when(status == "fewer_than_5")
            .then(pl.lit(1))
            .alias("lo"),
            pl.when(status == "shown")
            .then(value.round().cast(pl.Int64))
            .when(status == "fewer_than_5")
            .then(pl.lit(small_hi))
            .alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.when(status == "too_few_cases")
            .then(pl.lit("group"))
            .when(status.is_in(["shown", "fewer_than_5", "withheld"]))
            .then(pl.lit("other"))
            .alias("seen"),
            (status == "shown").alias("direct"),
        ),
        cells.select(
            *CELL,
            _C("num_stat").alias("stat"),
            *text_fact(_C("numerator")),
            pl.when(_C("numerator").is_not_null()).then(pl.lit("other")).alias("seen"),
            _C("numerator").cast(pl.Int64, strict=False).is_not_null().alias("direct"),
        ),
        cells.select(
            *CELL,
            _C("den_stat").alias("stat"),
            *text_fact(_C("denominator")),
            pl.when(_C("denominator").is_not_null()).then(pl.lit("other")).alias("seen"),
            _C("denominator").cast(pl.Int64, strict=False).is_not_null().alias("direct"),
        ),
        # no cases: the denominator is 0; too few cases: under rate_min (0 where its own group is too small)
        cells.filter(~counts & (status == "no_cases")).select(
            *CELL,
            _C("den_stat").alias("stat"),
            pl.lit(0).alias("lo"),
            pl.lit(0).alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.lit(None, pl.String).alias("seen"),
        ),
        cells.filter(~counts & (status == "too_few_cases")).select(
            *CELL,
            _C("den_stat").alias("stat"),
            pl.lit(0).alias("lo"),
            pl.lit(rules.rate_min - 1).alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.lit(None, pl.String).alias("seen"),
        ),
        cells.filter(~counts & (status == "too_few_cases") & _C("numerator").is_null()).select(
            *CELL,
            _C("num_stat").alias("stat"),
            pl.lit(None, pl.Int64).alias("lo"),
            pl.lit(None, pl.Int64).alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.lit("group").alias("seen"),
        ),
    ]
    # a rate or mean times its denominator is its numerator (and the other way round)
    rated = cells.filter(_C("kind").is_in(["rate", "mean"]) & value.is_not_null())
    den_n = _C("denominator").cast(pl.Int64, strict=False)
    num_n = _C("numerator").cast(pl.Int64, strict=False)
    facts.append(
        rated.filter(den_n.is_not_null()).select(
            *CELL,
            _C("num_stat").alias("stat"),
            (value * den_n).round().cast(pl.Int64).alias("lo"),
            (value * den_n).round().cast(pl.Int64).alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.lit(None, pl.String).alias("seen"),
        )
    )
    facts.append(
        rated.filter(num_n.is_not_null() & (value > 0)).select(
            *CELL,
            _C("den_stat").alias("stat"),
            (num_n / value).round().cast(pl.Int64).alias("lo"),
            (num_n / value).round().cast(pl.Int64).alias("hi"),
            pl.lit(None, pl.Int64).alias("excl"),
            pl.lit(None, pl.String).alias("seen"),
        )
    )
    cast = [_C(c).cast(pl.Int64) for c in ("lo", "hi", "excl")]
    allf = (
        pl.concat([f.with_columns(cast) for f in facts], how="diagonal")
        .drop_nulls("stat")
        .with_columns(_C("direct").fill_null(False))
    )
    know = allf.group_by(_KEY).agg(
        _C("lo").max().fill_null(0),
        _C("hi").min(),
        _C("excl").max().fill_null(0),
        (_C("seen") == "group").any().alias("own_group"),
        (_C("seen") == "other").any().alias("own_other"),
        _C("direct").any().alias("shown"),
    )
    # every row of the two margins is a group with at least one case (half_year_region has a
    # row for every half-year and region, so its rows say nothing)
    know = know.with_columns(
        pl.when((_C("stat") == "cases") & (_C("table") != "half_year_region"))
        .then(pl.max_horizontal(_C("lo"), pl.lit(1)))
        .otherwise(_C("lo"))
        .alias("lo")
    )
    # the rules are public: a count marked "too few cases" has a group under rate_min (unless
    # that group is itself "too few cases"); any other mark says its group is 0 or at least
    # rate_min (unless that contradicts what is shown)
    child = _with_group(know.rename({"lo": "value"})).rename({"value": "lo"})
    flags = (
        child.filter(_C("group").is_not_null())
        .group_by([*CELL, "group"])
        .agg(
            _C("own_group").any().alias("some_group"),
            _C("own_other").any().alias("some_other"),
        )
    )
    know = know.join(
        flags.rename({"group": "stat"}), on=_KEY, how="left", nulls_equal=True
    ).with_columns(
        pl.when(_C("some_group").fill_null(False) & _C("own_other") & ~_C("own_group"))
        .then(pl.min_horizontal(_C("hi").fill_null(rules.rate_min - 1), pl.lit(rules.rate_min - 1)))
        .otherwise("hi")
        .alias("hi"),
        pl.when(
            _C("some_other").fill_null(False)
            & ~_C("some_group").fill_null(False)
            & (_C("hi").is_null() | (_C("hi") >= rules.rate_min))
        )
        .then(pl.max_horizontal("excl", pl.lit(rules.rate_min - 1)))
        .otherwise("excl")
        .alias("excl"),
    )
    # ... and a group that is not shown is then not 0 either (its children would be withheld)
    know = know.with_columns(
        pl.when(
            _C("some_other").fill_null(False)
            & ~_C("some_group").fill_null(False)
            & ~_C("shown")
            & (_C("hi").is_null() | (_C("hi") >= rules.rate_min))
        )
        .then(pl.max_horizontal("lo", pl.lit(rules.rate_min)))
        .otherwise("lo")
        .alias("lo")
    )
    know = know.select(*_KEY, "lo", "hi", "excl", "shown")
    for _ in range(len(STATISTICS)):  # a zero implies zeros, which imply more
        before = know["shown"].sum()
        know = _implied_zeros(know)
        if know["shown"].sum() == before:
            break
    return know.sort(_KEY)


def _implied_zeros(know: pl.DataFrame) -> pl.DataFrame:
    """A count inside a total that is shown as 0 (its half-year's or region's, or the count it
    is part of) is 0 too; that says nothing beyond the shown total, so it counts as shown."""
    zero = (_C("lo") == 0) & (_C("hi") == 0)
    margins = know.filter(zero & (_C("table") != "half_year_region"))
    by_half = margins.filter(_C("table") == "half_year").select(
        "half_year", "stat", z1=pl.lit(True)
    )
    by_region = margins.filter(_C("table") == "region").select("region", "stat", z2=pl.lit(True))
    parents = know.filter(zero).select(*CELL, _C("stat").alias("within"), z3=pl.lit(True))
    k = (
        know.join(_STATS_FRAME.select("stat", "within"), on="stat", how="left")
        .join(by_half, on=["half_year", "stat"], how="left")
        .join(by_region, on=["region", "stat"], how="left")
        .join(parents, on=[*CELL, "within"], how="left", nulls_equal=True)
    )
    cross = _C("table") == "half_year_region"
    implied = (cross & (_C("z1").fill_null(False) | _C("z2").fill_null(False))) | _C(
        "z3"
    ).fill_null(False)
    return k.with_columns(
        pl.when(implied).then(0).otherwise("lo").alias("lo"),
        pl.when(implied).then(0).otherwise("hi").alias("hi"),
        (_C("shown") | implied).alias("shown"),
    ).select(*_KEY, "lo", "hi", "excl", "shown")


#: a capacity that stands for "no upper bound" in the flow networks
_BIG = 1 << 20


def attack(know: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """The outsider's attack: for every count not shown exactly, the range [lo, hi] it can be
    narrowed to from all published margins and bounds, and the number of possible values left.

    Statistics are solved parents first: a count's upper bound is its parent's (`within`)
    attacked upper bound in the same cell, and a parent is at least each known child.
    """
    know = _tighten(know)
    by_stat = {s: f for (s,), f in know.partition_by("stat", as_dict=True).items()}
    # a parent is at least each of its children (children after parents: go backwards)
    for name in reversed(list(STATISTICS)):
        parent = STATISTICS[name].within
        if parent is None or name not in by_stat or parent not in by_stat:
            continue
        lo_child = by_stat[name].select(*CELL, _C("lo").alias("lo_child"))
        by_stat[parent] = _tighten(
            by_stat[parent]
            .join(lo_child, on=CELL, how="left", nulls_equal=True)
            .with_columns(pl.max_horizontal("lo", _C("lo_child").fill_null(0)).alias("lo"))
            .drop("lo_child")
        )
    results = []
    solved: dict[str, pl.DataFrame] = {}
    for name, stat in STATISTICS.items():
        if name not in by_stat:
            continue
        f = by_stat[name]
        if stat.within in solved:
            hi_parent = solved[stat.within].select(*CELL, _C("hi_bound").alias("hi_parent"))
            f = _tighten(
                f.join(hi_parent, on=CELL, how="left", nulls_equal=True)
                .with_columns(
                    pl.when(_C("hi_parent").is_not_null())
                    .then(pl.min_horizontal(_C("hi").fill_null(_C("hi_parent")), "hi_parent"))
                    .otherwise("hi")
                    .alias("hi")
                )
                .drop("hi_parent")
            )
        lo_star, hi_star, exact = _stat_intervals(f, rules.protection)
        f = f.with_columns(
            pl.Series("lo_star", lo_star), pl.Series("hi_star", hi_star, dtype=pl.Int64)
        ).with_columns(
            # a bound for the children: the exact maximum where it was computed, else the prior
            pl.when(pl.Series(exact)).then(_C("hi_star")).otherwise(_C("hi")).alias("hi_bound")
        )
        solved[name] = f
        results.append(f.filter(~_C("shown")))
    if not results:
        return _empty_findings()
    out = pl.concat(results).with_columns(
        _values(_C("lo_star"), _C("hi_star"), _C("excl")).alias("values")
    )
    return out.select(*_KEY, _C("lo_star").alias("lo"), _C("hi_star").alias("hi"), "excl", "values")


def _empty_findings() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "table": pl.String,
            "half_year": pl.String,
            "region": pl.String,
            "stat": pl.String,
            "lo": pl.Int64,
            "hi": pl.Int64,
            "excl": pl.Int64,
            "values": pl.Float64,
        }
    )


def _values(lo: pl.Expr, hi: pl.Expr, excl: pl.Expr) -> pl.Expr:
    """How many whole numbers in [lo, hi] are not in [1, excl] (inf without an upper bound)."""
    overlap = (pl.min_horizontal(hi, excl) - pl.max_horizontal(lo, pl.lit(1)) + 1).clip(0)
    n = (hi - lo + 1 - overlap).cast(pl.Float64)
    return pl.when(hi.is_null()).then(pl.lit(math.inf)).otherwise(n)


def _tighten(f: pl.DataFrame) -> pl.DataFrame:
    """Apply the excluded range [1, excl] to the bounds [lo, hi]."""
    lo, hi, excl = _C("lo"), _C("hi"), _C("excl")
    return f.with_columns(
        pl.when((lo >= 1) & (lo <= excl)).then(excl + 1).otherwise(lo).alias("lo"),
    ).with_columns(
        pl.when((lo == 0) & hi.is_not_null() & (hi >= 1) & (hi <= excl))
        .then(pl.lit(0))
        .otherwise(hi)
        .alias("hi"),
    )


def _stat_intervals(f: pl.DataFrame, need: int) -> tuple[np.ndarray, list[int | None], np.ndarray]:
    """The range of every cell of one statistic over all (integer) solutions of the margins.

    The three tables are one two-way table with its margins: rows = half-years and a total
    row T, columns = regions and a total column T'; cell (h, r) is half_year_region, (h, T')
    half_year, (T, r) region, and (T, T') the unpublished grand total. Each row and column adds
    up to its margin. Changing the cells by d keeps every sum iff z = d * s(row) * s(col) (with
    s = -1 on T, T', +1 elsewhere) has all row and column sums 0: a circulation in the bipartite
    graph of rows and columns. So a cell can rise (fall) by as much flow as can return from its
    column to its row (or back) through the other cells, within their bounds: a maximum flow.
    """
    lo = f["lo"].to_numpy().astype(np.int64)
    excl = f["excl"].to_numpy().astype(np.int64)
    hi_raw = f["hi"].fill_null(-1).to_numpy().astype(np.int64)
    hi = np.where(hi_raw < 0, _BIG, hi_raw)
    rows = f.select(_node_exprs()[0])["row_node"].to_list()
    cols = f.select(_node_exprs()[1])["col_node"].to_list()
    row_names = sorted(set(rows) | {_TOTAL})
    col_names = sorted(set(cols) | {_TOTAL})
    r_index = {n: i for i, n in enumerate(row_names)}
    c_index = {n: len(row_names) + i for i, n in enumerate(col_names)}
    # edges: the cells, then the grand total
    a = np.array([r_index[r] for r in rows] + [r_index[_TOTAL]])
    b = np.array([c_index[c] for c in cols] + [c_index[_TOTAL]])
    lo_e = np.append(lo, 0)
    hi_e = np.append(hi, _BIG)
    n_nodes = len(row_names) + len(col_names)
    sign = np.ones(n_nodes, dtype=np.int64)
    sign[r_index[_TOTAL]] = -1
    sign[c_index[_TOTAL]] = -1
    sigma = sign[a] * sign[b]
    # a feasible point: every node's signed sum is 0
    n_e = len(a)
    A = coo_array(
        (
            np.concatenate([sign[b], sign[a]]),
            (np.concatenate([a, b]), np.concatenate([np.arange(n_e)] * 2)),
        ),
        shape=(n_nodes, n_e),
    ).tocsr()
    res = milp(
        c=np.zeros(n_e),
        integrality=np.ones(n_e),
        bounds=(lo_e, hi_e),
        constraints=LinearConstraint(A, np.zeros(n_nodes), np.zeros(n_nodes)),
    )
    if res.x is None:
        raise DisclosureError("the published figures contradict each other (no solution)")
    y = np.rint(res.x).astype(np.int64)
    # residual capacities of z: along a->b and b->a
    up = np.where(sigma > 0, hi_e - y, y - lo_e)
    down = np.where(sigma > 0, y - lo_e, hi_e - y)
    cap = np.zeros((n_nodes, n_nodes), dtype=np.int64)
    np.add.at(cap, (a, b), np.minimum(up, _BIG))
    np.add.at(cap, (b, a), np.minimum(down, _BIG))
    capped = np.minimum(cap, _BIG).astype(np.int32)
    graph = csr_array(capped)
    graph.sort_indices()
    lo_star = lo.copy()
    hi_star = hi.copy()
    unknown = np.flatnonzero(lo < hi)
    # cheap first: the best single cycle of four cells through each cell; only where that does
    # not already leave enough possible values is the exact maximum flow computed
    path = _best_rectangles(cap, len(row_names))
    rise = np.where(sigma > 0, path[b, a], path[a, b])[: len(lo)]
    fall = np.where(sigma > 0, path[a, b], path[b, a])[: len(lo)]
    hi_star = y[: len(lo)] + np.minimum(rise, hi - y[: len(lo)])
    lo_star = y[: len(lo)] - np.minimum(fall, y[: len(lo)] - lo)
    spread = _values_np(lo_star, np.where(hi_star >= _BIG // 2, -1, hi_star), excl)
    unknown = unknown[spread[unknown] < need]
    exact = lo >= hi  # known cells; and below, those whose range is computed exactly
    exact[unknown] = True
    for e in unknown:
        ai, bi = int(a[e]), int(b[e])
        saved = (int(capped[ai, bi]), int(capped[bi, ai]))
        _set(graph, ai, bi, 0)
        _set(graph, bi, ai, 0)
        flow_ba = maximum_flow(graph, bi, ai).flow_value
        flow_ab = maximum_flow(graph, ai, bi).flow_value
        _set(graph, ai, bi, saved[0])
        _set(graph, bi, ai, saved[1])
        inc, dec = (flow_ba, flow_ab) if sigma[e] > 0 else (flow_ab, flow_ba)
        hi_star[e] = y[e] + min(int(inc), int(hi[e] - y[e]))
        lo_star[e] = y[e] - min(int(dec), int(y[e] - lo[e]))
    return lo_star, [None if h >= _BIG // 2 else int(h) for h in hi_star], exact


def _best_rectangles(cap: np.ndarray, n_rows: int) -> np.ndarray:
    """path[u, v]: the largest flow along one path u -> x -> y -> v of three arcs (x, y not u,
    v), for u, v on opposite sides of the bipartite graph (row nodes first)."""
    n = cap.shape[0]
    rows, cols = np.arange(n_rows), np.arange(n_rows, n)
    out = np.zeros((n, n), dtype=np.int64)
    for src, mid1, mid2, dst in ((cols, rows, cols, rows), (rows, cols, rows, cols)):
        c1 = cap[np.ix_(src, mid1)]  # u -> x
        c2 = cap[np.ix_(mid1, mid2)]  # x -> y
        c3 = cap[np.ix_(mid2, dst)]  # y -> v
        two = np.minimum(c1[:, :, None], c2[None, :, :])  # (u, x, y)
        # y must not be u: same side, same index range
        two[np.arange(len(src)), :, np.arange(len(src))] = 0
        three = np.minimum(two[:, :, :, None], c3[None, None, :, :])  # (u, x, y, v)
        three[:, np.arange(len(dst)), :, np.arange(len(dst))] = 0  # x must not be v
        out[np.ix_(src, dst)] = three.max(axis=(1, 2))
    return out


def _values_np(lo: np.ndarray, hi: np.ndarray, excl: np.ndarray) -> np.ndarray:
    """`_values` on arrays (hi = -1: no upper bound)."""
    overlap = np.clip(np.minimum(hi, excl) - np.maximum(lo, 1) + 1, 0, None)
    return np.where(hi < 0, np.inf, hi - lo + 1 - overlap)


def _set(graph: csr_array, i: int, j: int, value: int) -> None:
    start, end = graph.indptr[i], graph.indptr[i + 1]
    pos = np.searchsorted(graph.indices[start:end], j)
    if pos < end - start and graph.indices[start + pos] == j:
        graph.data[start + pos] = value


class DisclosureError(ValueError):
    """The published figures cannot be attacked as given (they contradict each other)."""


class DisclosureFailure(RuntimeError):
    """The protection found no safe suppression pattern: nothing may be published."""


# --- publishing and auditing ------------------------------------------------------------------


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
    failing = found.filter(_C("values") < rules.protection).sort(_KEY)
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
