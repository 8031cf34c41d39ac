"""The outsider's attack: what the public frames tell about every count (`knowledge`), and
how far each withheld count can be narrowed (`attack`)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import polars as pl
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import maximum_flow

from dashboard.engine.disclosure.public_frames import as_text
from dashboard.engine.disclosure.tables import (
    CELL,
    KEY,
    PARTS_FRAME,
    STATISTICS,
    STATS_FRAME,
    TOTAL,
    DisclosureError,
    Rules,
    figure_cells,
    node_exprs,
    with_group,
)

_C = pl.col


def knowledge(frames: Mapping[str, pl.DataFrame], rules: Rules) -> pl.DataFrame:
    """What an outsider who knows the rules learns about every count from the public frames:
    (table, half_year, region, stat, lo, hi, excl, shown): the count is in [lo, hi] (hi null: no
    upper bound) and, where excl > 0, not in [1, excl]; `shown`: printed as a number somewhere
    (or 0 inside a total shown as 0)."""
    cells = figure_cells({t: as_text(f) for t, f in frames.items()}).join(
        PARTS_FRAME, on="indicator"
    )
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
    know = allf.group_by(KEY).agg(
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
    child = with_group(know.rename({"lo": "value"})).rename({"value": "lo"})
    flags = (
        child.filter(_C("group").is_not_null())
        .group_by([*CELL, "group"])
        .agg(
            _C("own_group").any().alias("some_group"),
            _C("own_other").any().alias("some_other"),
        )
    )
    know = know.join(
        flags.rename({"group": "stat"}), on=KEY, how="left", nulls_equal=True
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
    know = know.select(*KEY, "lo", "hi", "excl", "shown")
    for _ in range(len(STATISTICS)):  # a zero implies zeros, which imply more
        before = know["shown"].sum()
        know = _implied_zeros(know)
        if know["shown"].sum() == before:
            break
    return know.sort(KEY)


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
        know.join(STATS_FRAME.select("stat", "within"), on="stat", how="left")
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
    ).select(*KEY, "lo", "hi", "excl", "shown")


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
    return out.select(*KEY, _C("lo_star").alias("lo"), _C("hi_star").alias("hi"), "excl", "values")


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
    rows = f.select(node_exprs()[0])["row_node"].to_list()
    cols = f.select(node_exprs()[1])["col_node"].to_list()
    row_names = sorted(set(rows) | {TOTAL})
    col_names = sorted(set(cols) | {TOTAL})
    r_index = {n: i for i, n in enumerate(row_names)}
    c_index = {n: len(row_names) + i for i, n in enumerate(col_names)}
    # edges: the cells, then the grand total
    a = np.array([r_index[r] for r in rows] + [r_index[TOTAL]])
    b = np.array([c_index[c] for c in cols] + [c_index[TOTAL]])
    lo_e = np.append(lo, 0)
    hi_e = np.append(hi, _BIG)
    n_nodes = len(row_names) + len(col_names)
    sign = np.ones(n_nodes, dtype=np.int64)
    sign[r_index[TOTAL]] = -1
    sign[c_index[TOTAL]] = -1
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
