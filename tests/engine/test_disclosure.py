"""Disclosure control (engine.disclosure): each rule at its threshold, the attack against a
brute-force linear programme, and no recoverable cell in protected tables of the spec's
examples, of generated data of several sizes and of the seeded demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import seed.synthetic as synthetic
from dashboard.cli import main
from dashboard.cli.disclosure import read_export
from dashboard.data.importer import read_files
from dashboard.engine import disclosure as d
from dashboard.engine.disclosure import outsider, suppression
from dashboard.engine.disclosure import tables as stat_tables
from dashboard.engine.metrics import case_metrics
from dashboard.engine.registry import INDICATORS
from tests.conftest import EXAMPLES
from tests.ui.demo_data import demo_frames

RULES = d.Rules()
AS_OF = date(2026, 1, 1)


def _stats(rows: list[tuple[str, int]], table: str = "half_year") -> pl.DataFrame:
    """Statistics of one cell: (stat, value) pairs."""
    return pl.DataFrame(
        {
            "table": [table] * len(rows),
            "half_year": ["2025-H1"] * len(rows),
            "region": [None] * len(rows),
            "stat": [r[0] for r in rows],
            "value": [r[1] for r in rows],
        },
        schema={
            "table": pl.String,
            "half_year": pl.String,
            "region": pl.String,
            "stat": pl.String,
            "value": pl.Int64,
        },
    )


def _one_count(n: int) -> pl.DataFrame:
    """A half-year table with one complaints row (a `breakdown` frame)."""
    return pl.DataFrame(
        {
            "group": ["2025-H1"],
            "indicator": ["complaints"],
            "value": [float(n)],
            "numerator": [n],
            "denominator": [None],
        },
        schema={
            "group": pl.String,
            "indicator": pl.String,
            "value": pl.Float64,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        },
    )


def _rule(rows: list[tuple[str, int]], stat: str, rules: d.Rules = RULES) -> str | None:
    marks = suppression.primary(_stats(rows), rules)
    return marks.filter(stat=stat)["rule"].item()


# --- each rule at its threshold ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "rule"), [(0, None), (1, "small"), (4, "small"), (5, None), (12, None)]
)
def test_counts_from_1_to_k_minus_1_are_small(n: int, rule: str | None) -> None:
    assert _rule([("cases", n)], "cases") == rule


@pytest.mark.parametrize(("group", "rule"), [(1, "group"), (9, "group"), (10, None), (0, None)])
def test_a_part_of_a_group_under_the_rate_threshold_is_withheld(
    group: int, rule: str | None
) -> None:
    # 0 SPU cases: neither small nor a complement, so only the group rule can withhold it
    rows = [("cases", group), ("spu", 0)]
    assert _rule(rows, "spu") == rule


@pytest.mark.parametrize(
    ("part", "rule"), [(5, None), (6, "complement"), (9, "complement"), (10, "complement")]
)
def test_a_part_that_leaves_fewer_than_k_others_is_withheld(part: int, rule: str | None) -> None:
    assert _rule([("cases", 10), ("open", part)], "open") == rule


def test_thresholds_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_K", "3")
    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_RATE_MIN", "20")
    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_PROTECTION", "2")
    get_settings.cache_clear()
    rules = d.Rules.from_settings(get_settings())
    assert (rules.k, rules.rate_min, rules.protection) == (3, 20, 2)
    assert _rule([("cases", 3)], "cases", rules) is None
    one = _one_count(2)
    tables = {
        "half_year": one,
        "region": one.with_columns(pl.lit("KZ-10").alias("group")),
        "half_year_region": one.rename({"group": "half_year"}).with_columns(
            pl.lit("KZ-10").alias("region")
        ),
    }
    frames = d.render(tables, suppression.primary(stat_tables.statistics(tables), rules), rules)
    assert [f["display"].item() for f in frames.values()] == ["<3"] * 3
    assert _rule([("cases", 19), ("spu", 0)], "spu", rules) == "group"


def test_withheld_with_its_group_a_zero_is_withheld_too() -> None:
    # 3 open cases of 7: open is withheld (group); stagnation counts of 0 must not say "0"
    rows = [("cases", 7), ("open", 3), ("stagnant_90", 0)]
    assert _rule(rows, "stagnant_90") == "group"


def _publish_cases(n: int, seed: int = 1) -> d.Publication:
    cases, events = synthetic.generate(n, seed=seed)
    return d.publish(case_metrics(cases, events, AS_OF), as_of=AS_OF, rules=RULES)


def test_rates_are_shown_only_where_numerator_and_denominator_are() -> None:
    pub = _publish_cases(120)
    rows = pl.concat(
        [
            f.select("indicator", "status", "numerator", "denominator", "value")
            for f in pub.frames.values()
        ]
    )
    kinds = {n: i.kind for n, i in INDICATORS.items()}
    rates = rows.filter(
        pl.col("indicator").replace_strict(kinds, default="").is_in(["rate", "mean"])
    )
    shown = rates.filter(status="shown")
    assert shown.height > 0
    assert shown["numerator"].str.contains(r"^\d+$").all()
    assert shown["denominator"].cast(pl.Int64).min() >= RULES.rate_min
    assert rows.filter(pl.col("status") != "shown")["value"].is_null().all()


# --- the attack -------------------------------------------------------------------------------


def _frames(rows: dict[str, list[dict[str, str | None]]]) -> dict[str, pl.DataFrame]:
    cols = ["indicator", "value", "display", "status", "numerator", "denominator"]
    out = {}
    for table in d.TABLES:
        keys = ["half_year", "region"] if table == "half_year_region" else ["group"]
        out[table] = pl.DataFrame(rows.get(table, []), schema=dict.fromkeys(keys + cols, pl.String))
    return out


def _row(
    indicator: str,
    status: str,
    num: str | None,
    den: str | None = None,
    value: str | None = None,
    **key: str,
) -> dict[str, str | None]:
    return {
        **key,
        "indicator": indicator,
        "value": value,
        "display": None,
        "status": status,
        "numerator": num,
        "denominator": den,
    }


def _one_cell_leak() -> dict[str, list[dict[str, str | None]]]:
    """One region, one half-year: 22.2 % of 18 with its numerator shown as "<5" (all tables)."""
    rate = ("reclassification_rate", "shown", "<5", "18", "0.2222222222")
    return {
        "half_year": [_row(*rate, group="2025-H1")],
        "region": [_row(*rate, group="KZ-10")],
        "half_year_region": [_row(*rate, half_year="2025-H1", region="KZ-10")],
    }


def test_attack_multiplies_a_rate_by_its_denominator() -> None:
    # the example: 22.2 % of 18 with the numerator shown as "<5" is 4
    found = d.audit(_frames(_one_cell_leak()), RULES).findings
    hit = found.filter(stat="reclassified").row(0, named=True)
    assert (hit["lo"], hit["hi"]) == (4, 4)


def test_attack_solves_the_margins() -> None:
    # a half-year of 12 complaints in two regions, one shown (9): the other "<5" is 3
    rows = {
        "half_year": [_row("complaints", "shown", "12", value="12", group="2025-H1")],
        "region": [
            _row("complaints", "shown", "9", value="9", group="KZ-10"),
            _row("complaints", "fewer_than_5", "<5", group="KZ-11"),
        ],
        "half_year_region": [
            _row("complaints", "shown", "9", value="9", half_year="2025-H1", region="KZ-10"),
            _row("complaints", "fewer_than_5", "<5", half_year="2025-H1", region="KZ-11"),
        ],
    }
    found = d.audit(_frames(rows), RULES).findings.filter(stat="cases")
    assert found.height == 2
    assert set(found["lo"]) == {3} and set(found["hi"]) == {3}
    assert "is exactly 3" in d.finding_text(found.row(0, named=True), RULES)


def _lp_range(f: pl.DataFrame, i: int) -> tuple[int, int | None]:
    """min and max of cell i over the margins, by a plain linear programme."""
    row, col = stat_tables.node_exprs()
    g = f.with_columns(row, col)
    cells = list(zip(g["row_node"], g["col_node"], strict=True)) + [
        (stat_tables.TOTAL, stat_tables.TOTAL)
    ]
    eqs: dict[tuple[str, str], dict[int, int]] = {}
    for j, (r, c) in enumerate(cells):
        eqs.setdefault(("r", r), {})[j] = -1 if c == stat_tables.TOTAL else 1
        eqs.setdefault(("c", c), {})[j] = -1 if r == stat_tables.TOTAL else 1
    a = np.zeros((len(eqs), len(cells)))
    for k, coef in enumerate(eqs.values()):
        for j, v in coef.items():
            a[k, j] = v
    bounds = [*zip(g["lo"], g["hi"], strict=True), (0, None)]
    c = np.zeros(len(cells))
    c[i] = 1
    lo = linprog(c, A_eq=a, b_eq=np.zeros(len(eqs)), bounds=bounds, method="highs")
    hi = linprog(-c, A_eq=a, b_eq=np.zeros(len(eqs)), bounds=bounds, method="highs")
    return round(lo.fun), None if hi.status == 3 else round(-hi.fun)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=2, max_size=4),
    hidden=st.lists(st.booleans(), min_size=24, max_size=24),
)
def test_flow_ranges_equal_the_linear_programme(
    values: list[list[int]], hidden: list[bool]
) -> None:
    """`_stat_intervals` (one maximum flow per cell) against min/max by linprog."""
    rows = []
    halves = [f"20{10 + i}-H1" for i in range(len(values))]
    regions = ["KZ-10", "KZ-11", "KZ-15"]
    for h, line in zip(halves, values, strict=True):
        rows += [("half_year_region", h, r, v) for r, v in zip(regions, line, strict=True)]
        rows.append(("half_year", h, None, sum(line)))
    for j, r in enumerate(regions):
        rows.append(("region", None, r, sum(line[j] for line in values)))
    f = pl.DataFrame(rows, schema=["table", "half_year", "region", "value"], orient="row")
    mask = pl.Series(hidden[: f.height])
    f = f.with_columns(
        pl.lit("x").alias("stat"),
        pl.when(mask).then(0).otherwise("value").alias("lo"),
        pl.when(mask).then(pl.lit(None, pl.Int64)).otherwise("value").alias("hi"),
        pl.lit(0).alias("excl"),
    )
    lo, hi, exact = outsider._stat_intervals(f, need=10**6)  # need: every bounded range exactly
    for i in range(f.height):
        if f["lo"][i] != f["hi"][i]:
            lp_lo, lp_hi = _lp_range(f, i)
            if exact[i]:
                assert (lo[i], hi[i]) == (lp_lo, lp_hi)
            else:  # not computed: no upper bound, so safe; what it shows must be reachable
                assert hi[i] is None and lp_hi is None and lo[i] >= lp_lo


# --- protected tables survive the attack ------------------------------------------------------


def _assert_safe(pub: d.Publication) -> None:
    text = {t: d.as_text(f) for t, f in pub.frames.items()}
    result = d.audit(text, RULES)
    assert result.findings.is_empty(), result.findings
    # every national half-year with 10 or more complaints is published
    stats = pub.marks.filter(table="half_year", stat="cases")
    assert stats.filter(pl.col("value") >= RULES.rate_min)["rule"].is_null().all()


def test_spec_examples_are_safe() -> None:
    frames = read_files(sorted(EXAMPLES.glob("*.csv")))
    metrics = case_metrics(frames.cases, frames.events, date(2015, 9, 30))
    _assert_safe(d.publish(metrics, as_of=date(2015, 9, 30), rules=RULES))


def test_a_count_pinned_where_no_shown_partner_is_left_is_protected_by_its_bounds() -> None:
    """The pages' demo set (the spec's two cases and 60 demo cases): a region's count of cases
    with medical evidence stays pinned to two values even once it is withheld in every table,
    by the counts that bound it; those are withheld in turn, and the tables publish, safely
    (this set used to end in 'a withheld count cannot be protected': nothing public at all)."""
    frames = read_files(sorted(EXAMPLES.glob("*.csv")))
    cases, events = demo_frames()
    as_of = date(2026, 11, 30)
    metrics = case_metrics(
        pl.concat([frames.cases, cases], how="diagonal_relaxed"),
        pl.concat([frames.events, events], how="diagonal_relaxed"),
        as_of,
    )
    pub = d.publish(metrics, as_of=as_of, rules=RULES)
    _assert_safe(pub)
    assert pub.rounds > suppression.GREEDY_ROUNDS  # it took the escalation to settle
    assert sum(f.filter(status="shown").height for f in pub.frames.values()) > 0


@pytest.mark.parametrize("n", [3, 40, 100])
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_generated_data_of_several_sizes_is_safe(n: int, seed: int) -> None:
    _assert_safe(_publish_cases(n, seed))


@pytest.mark.slow
def test_seeded_demo_export_passes_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--database-url", url, "init-db"]) == 0
    assert main(["--database-url", url, "seed"]) == 0
    out = tmp_path / "public"
    assert main(["--database-url", url, "export", str(out), "--public"]) == 0
    printed = capsys.readouterr().out
    assert "withheld" in printed and "figures" in printed
    assert sorted(p.name for p in out.iterdir()) == sorted(d.FILES.values())
    assert main(["disclosure-check", str(out)]) == 0
    assert "no withheld figure can be recovered" in capsys.readouterr().out
    national = read_export(out)["half_year"].filter(indicator="complaints")
    assert national.filter(pl.col("status") == "shown").height >= national.height - 2


def test_disclosure_check_exits_1_on_a_leak_and_2_on_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["disclosure-check", str(tmp_path)]) == 2
    assert "public_by_half_year.csv: file not found" in capsys.readouterr().err
    for table, frame in _frames(_one_cell_leak()).items():
        frame.write_csv(tmp_path / d.FILES[table])
    assert main(["disclosure-check", str(tmp_path)]) == 1
    assert "public_by_region.csv KZ-10: reclassified" in capsys.readouterr().out
