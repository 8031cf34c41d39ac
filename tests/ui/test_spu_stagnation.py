"""SPU and stagnation pages: figures, lists and drill-downs hold the right cases."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.i18n import label
from dashboard.i18n.format import fmt_rate
from tests.conftest import linked_case_ids
from tests.ui.test_overview import _cohort, _metric


def _pattern(case_id: str) -> int:
    return (int(case_id[4:]) - 1) % 5


def test_spu_figures_and_serious_cases_without_spu(page) -> None:
    at = page("spu")
    assert not at.exception
    cohort = _cohort("2025-01-01", "2025-06-30")
    spu = [c for c in cohort if _pattern(c) in (1, 4)]
    assert _metric(at, "SPU involvement") == fmt_rate(len(spu) / len(cohort))
    at.button(key="spu_spu_lead_rate").click().run()
    assert sorted(at.session_state["drill_ids"]) == [c for c in cohort if _pattern(c) == 1]
    serious = at.dataframe[0].value
    assert len(serious) > 0
    assert set(serious["harm"]) <= {label("harm", "death"), label("harm", "serious_injury")}
    assert not serious["spu_involved"].any()


def _metrics_h1() -> pl.DataFrame:
    from dashboard.engine.metrics import case_metrics
    from tests.ui.demo_data import demo_frames

    cases, events = demo_frames(60)
    m = case_metrics(cases, events, date(2025, 6, 30))
    return m.filter(pl.col("complaint_on") >= date(2025, 1, 1))


def test_stagnation_lists(page) -> None:
    at = page("stagnation")
    assert not at.exception
    m = _metrics_h1()
    stagnant = at.dataframe[0].value
    assert linked_case_ids(stagnant["case_id"]) == set(
        m.filter(pl.col("open") & (pl.col("stagnation_days") > 90))["case_id"]
    )
    assert len(stagnant) > 0
    assert list(stagnant["stagnation_days"]) == sorted(stagnant["stagnation_days"], reverse=True)
    reversals = at.dataframe[2].value
    assert linked_case_ids(reversals["case_id"]) == set(
        m.filter(pl.col("reversals") > 0)["case_id"]
    )
    assert _metric(at, "Open cases") == str(m.filter(pl.col("open")).height)
    at.button(key="stg_open_cases").click().run()
    assert set(at.session_state["drill_ids"]) == set(m.filter(pl.col("open"))["case_id"])
