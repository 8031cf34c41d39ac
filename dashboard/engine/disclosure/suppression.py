"""Primary suppression and the rounds of complementary suppression (`protect`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from dashboard.engine.disclosure.outsider import attack, knowledge
from dashboard.engine.disclosure.public_frames import render
from dashboard.engine.disclosure.tables import (
    CELL,
    KEY,
    RELATED,
    STATISTICS,
    STATS_FRAME,
    TOTAL,
    DisclosureFailure,
    Publication,
    Rules,
    node_exprs,
    statistics,
    with_group,
)

_C = pl.col


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
    marks = with_group(stats).with_columns(rule.alias("rule"))
    return _spread_group(marks.select(*KEY, "value", "rule"))


def _spread_group(marks: pl.DataFrame) -> pl.DataFrame:
    """A count whose group is withheld by the group rule, or withheld while 0, is withheld by
    the group rule too: else a 0 beside it would tell that the group is small, or 0."""
    for _ in range(len(STATISTICS)):
        groups = marks.select(
            *CELL, _C("stat").alias("group"), _C("rule").alias("g_rule"), _C("value").alias("g_v")
        )
        spread = marks.join(STATS_FRAME.select("stat", "group"), on="stat", how="left").join(
            groups, on=[*CELL, "group"], how="left", nulls_equal=True
        )
        hidden = (_C("g_rule") == "group") | (_C("g_rule").is_not_null() & (_C("g_v") == 0))
        new = hidden & _C("rule").ne_missing("group")
        if not spread.select(new.any()).item():
            break
        marks = spread.with_columns(
            pl.when(new).then(pl.lit("group")).otherwise(_C("rule")).alias("rule")
        ).select(*KEY, "value", "rule")
    return marks


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
            for near in RELATED[stat]:
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


def _complement(marks: pl.DataFrame, failing: pl.DataFrame, rate_min: int) -> pl.DataFrame | None:
    """Withhold, for each failing count, the cheapest shown count of the same statistic that
    shares a margin with it (preferring one whose other margin already has a withheld count,
    so that the two can move together). None where no shown count is left to withhold."""
    row, col = node_exprs()
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
    fail = failing.with_columns(row, col).sort(KEY)
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
            on_row = (_C("row_node") == a) | ((a == TOTAL) & (_C("col_node") == TOTAL))
            picks.append(c.filter(on_row).with_columns(alone=_C("w_col") == 0))
            done.add((stat, "row", a))
        if (stat, "col", b) not in done:
            on_col = (_C("col_node") == b) | ((b == TOTAL) & (_C("row_node") == TOTAL))
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
        marks.join(pick, on=KEY, how="left", nulls_equal=True)
        .with_columns(
            pl.when(_C("pick").fill_null(False))
            .then(pl.lit("secondary"))
            .otherwise(_C("rule"))
            .alias("rule")
        )
        .drop("pick")
    )
