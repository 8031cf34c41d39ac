"""Overview: the controls change the figures; 'show cases' hands the right case_ids on."""

from __future__ import annotations

import polars as pl

from tests.ui.demo_data import demo_frames


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _cohort(start: str, end: str, region: str | None = None) -> list[str]:
    cases, _ = demo_frames(60)
    sel = cases.filter(pl.col("complaint_date").is_between(pl.lit(start), pl.lit(end)))
    if region:
        sel = sel.filter(pl.col("region") == region)
    return sorted(sel["case_id"].to_list())


def test_period_and_region_change_the_figures(page) -> None:
    at = page("overview")
    assert not at.exception
    h1 = _cohort("2025-01-01", "2025-06-30")
    assert _metric(at, "Complaints") == str(len(h1))
    at.selectbox(key="w_ctl_period").set_value("2025-H2").run()
    assert at.session_state["ctl_as_of"].isoformat() == "2025-12-31"  # T follows the period
    assert _metric(at, "Complaints") == str(len(_cohort("2025-07-01", "2025-12-31")))
    at.multiselect(key="w_ctl_regions").set_value(["KZ-39"]).run()
    only = _cohort("2025-07-01", "2025-12-31", "KZ-39")
    assert len(only) > 0 and _metric(at, "Complaints") == str(len(only))
    assert any("Kostanay" in m.value for m in at.markdown)  # the title line names the filter


def test_controls_survive_a_page_switch(page) -> None:
    at = page("overview")
    at.multiselect(key="w_ctl_agencies").set_value(["KNB"]).run()
    other = page("spu", run=False)
    for k in ("ctl_period", "ctl_as_of", "ctl_agencies"):
        other.session_state[k] = at.session_state[k]
    other.run()
    assert other.multiselect(key="w_ctl_agencies").value == ["KNB"]


def test_show_cases_hands_on_the_figure_ids(page) -> None:
    at = page("overview")
    at.button(key="ov_complaints").click().run()
    assert sorted(at.session_state["drill_ids"]) == _cohort("2025-01-01", "2025-06-30")
    assert at.session_state["drill_label"] == "Complaints"
    at = page("overview")
    at.selectbox(key="ov_funnel_stage").set_value(1).run()
    at.button(key="ov_funnel_show").click().run()
    # pattern 1, 3 and 4 open a criminal case (i % 5 in {1, 3, 4})
    expected = [c for c in _cohort("2025-01-01", "2025-06-30") if (int(c[4:]) - 1) % 5 in (1, 3, 4)]
    assert sorted(at.session_state["drill_ids"]) == expected
