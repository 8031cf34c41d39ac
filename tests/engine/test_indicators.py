"""Systemic indicators, breakdowns, drill-down and public suppression (indicators.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.importer import read_files
from dashboard.engine.indicators import (
    Figure,
    breakdown,
    cli_cohort,
    compute_indicators,
    drilldown_ids,
    funnel,
    indicators_json,
    metrics_for_cli,
    public_breakdown,
    public_figures,
    public_json,
)
from dashboard.engine.metrics import METRICS_SCHEMA
from dashboard.engine.registry import FUNNEL_STAGES, INDICATORS
from tests.conftest import EXAMPLES

T = date(2015, 9, 30)
ALL = {"start": date(1900, 1, 1), "end": date(2100, 12, 31)}

ROW: dict[str, Any] = {
    "region": "KZ-39",
    "accused_agency": "MVD_POLICE",
    "complaint_channel": "crime_report",
    "harm": "injury",
    "medical_evidence": "none",
    "allegations": "beating",
    "victim_status": "suspect",
    "place_type": "police_station",
    "synthetic": False,
    "complaint_on": date(2015, 2, 1),
    "half_year": "2015-H1",
    "state": "screening",
    "open": True,
    "last_action_date": date(2015, 2, 1),
    "stagnation_days": 10,
    "longest_inactivity_days": 10,
    "reversals": 0,
    "negative_decisions": 0,
    "handoffs": 0,
    "criminal_case": False,
    "days_to_criminal_case": None,
    "qualification": None,
    "spu_involved": False,
    "spu_mode": None,
    "days_to_spu": None,
    "spu_trigger": None,
    "same_family_investigation": False,
    "in_court": False,
    "convicted": False,
    "custodial": False,
    "info_delays": [],
    "retaliation": False,
}


def metrics_frame(*rows: dict[str, Any]) -> pl.DataFrame:
    """A metrics frame from partial rows (ROW defaults; case_id C1, C2, ... unless given)."""
    full = [{"case_id": f"C{i}", **ROW, **r} for i, r in enumerate(rows, start=1)]
    return pl.DataFrame(
        [{k: r[k] for k in METRICS_SCHEMA} for r in full], schema=METRICS_SCHEMA, orient="row"
    )


def figs(*rows: dict[str, Any]) -> dict[str, Figure]:
    return compute_indicators(metrics_frame(*rows), **ALL)


def _example() -> tuple[pl.DataFrame, pl.DataFrame]:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    return frames.cases, frames.events


# --- the worked example ---------------------------------------------------------------------------


def test_worked_example_reproduces_expected_json_exactly() -> None:
    cases, events = _example()
    got = metrics_for_cli(*cli_cohort(cases, events, T))
    expected = json.loads((EXAMPLES / "expected-2015-09-30.json").read_text())
    assert got == expected
    # same types too: durations int, rates float, "no cases" None
    for name, value in expected["indicators"].items():
        assert type(got["indicators"][name]) is type(value), name
    assert json.loads(json.dumps(got)) == expected


def test_registry_covers_the_spec_table_in_order() -> None:
    names = list(INDICATORS)
    assert names[0] == "complaints" and names[-1] == "evidence_dismissed_share"
    assert names.index("same_family_share") < names.index("funnel.complaints")
    assert names.index("funnel.custodial") < names.index("prosecution_rate")
    assert {i.kind for i in INDICATORS.values()} == {"count", "rate", "median", "mean", "funnel"}
    assert all(i.title for i in INDICATORS.values())
    # every figure but the funnel stages (explained together) says what it means, in plain words
    assert all(i.plain and i.formula for i in INDICATORS.values() if i.kind != "funnel")


# --- each indicator, hand-computed ----------------------------------------------------------------


def test_reclassification_rates() -> None:
    proc = {"complaint_channel": "procedural_complaint"}
    f = figs(
        {**proc, "criminal_case": True, "days_to_criminal_case": 2},
        {**proc, "criminal_case": True, "days_to_criminal_case": 4},
        proc,
        {"criminal_case": True, "days_to_criminal_case": 0},
    )
    assert (f["reclassification_rate"].numerator, f["reclassification_rate"].denominator) == (2, 3)
    assert f["reclassification_rate"].value == pytest.approx(2 / 3)
    assert f["prompt_reclassification_rate"].value == pytest.approx(1 / 3)
    assert f["prompt_reclassification_rate"].numerator_ids == ["C1"]
    assert f["reclassification_rate"].denominator_ids == ["C1", "C2", "C3"]
    # median over all cohort cases with a criminal case: 0, 2, 4 -> 2
    assert f["median_days_to_criminal_case"].value == 2
    assert f["median_days_to_criminal_case"].denominator_ids == ["C1", "C2", "C4"]


def test_median_of_even_count_rounds_half_up() -> None:
    cc = {"criminal_case": True}
    f = figs({**cc, "days_to_criminal_case": 1}, {**cc, "days_to_criminal_case": 2})
    assert f["median_days_to_criminal_case"].value == 2
    f = figs({**cc, "days_to_criminal_case": 1}, {**cc, "days_to_criminal_case": 4})
    assert f["median_days_to_criminal_case"].value == 3  # 2.5 -> 3


def test_qualification_and_spu_indicators() -> None:
    spu = {"spu_involved": True, "spu_mode": "supervising", "spu_trigger": "ex_officio"}
    f = figs(
        {"criminal_case": True, "qualification": "torture", **spu, "days_to_spu": 5},
        {"criminal_case": True, "qualification": "abuse_of_power"},
        {**spu, "spu_mode": "investigating", "spu_trigger": "lawyer_request", "days_to_spu": 9},
        {**spu, "spu_trigger": "media", "days_to_spu": 30},
    )
    assert f["torture_qualification_rate"].value == 0.5
    assert f["spu_involvement_rate"].value == 0.75
    assert f["spu_lead_rate"].value == 0.25
    assert f["spu_reactive_share"].value == pytest.approx(2 / 3)
    assert f["spu_reactive_share"].numerator_ids == ["C3", "C4"]
    assert f["median_days_to_spu"].value == 9


def test_stagnation_indicators() -> None:
    f = figs(
        {"stagnation_days": 50},
        {"stagnation_days": 91},
        {"stagnation_days": 181},
        {"stagnation_days": 400},
        {"open": False, "state": "refused", "stagnation_days": None},
    )
    assert f["open_cases"].value == 4
    assert f["stagnant_share"].value == 0.75
    assert (f["stagnant_180"].value, f["stagnant_365"].value) == (2, 1)
    assert f["stagnant_365"].numerator_ids == ["C4"]
    assert f["median_stagnation_days"].value == 136  # (91 + 181) / 2
    assert f["stagnant_180"].denominator is None


def test_reversal_family_prosecution_and_evidence_indicators() -> None:
    f = figs(
        {
            "reversals": 3,
            "same_family_investigation": True,
            "medical_evidence": "independent",
            "state": "refused",
            "open": False,
        },
        {"reversals": 1, "in_court": True, "medical_evidence": "both", "state": "in_court"},
        {"medical_evidence": "official_forensic", "state": "terminated", "open": False},
        {},
    )
    assert f["mean_reversals"].value == 1.0
    assert (f["mean_reversals"].numerator, f["mean_reversals"].denominator) == (4, 4)
    assert f["mean_reversals"].numerator_ids == ["C1", "C2"]
    assert f["pingpong_share"].value == 0.25
    assert f["same_family_share"].value == 0.25
    assert f["prosecution_rate"].value == 0.25
    assert f["evidence_dismissed_share"].value == pytest.approx(2 / 3)
    assert f["evidence_dismissed_share"].numerator_ids == ["C1", "C3"]


def test_timely_information_counts_decisions() -> None:
    f = figs({"info_delays": [3, 45, 30]}, {"info_delays": [31]}, {"info_delays": []})
    t = f["timely_information_rate"]
    assert (t.numerator, t.denominator, t.value) == (2, 4, 0.5)
    assert (t.numerator_ids, t.denominator_ids) == (["C1"], ["C1", "C2"])


def test_funnel_stages_never_widen() -> None:
    f = figs(
        {"criminal_case": True, "in_court": True, "convicted": True, "custodial": True},
        {"criminal_case": True},
        {"convicted": True},  # a conviction without recorded indictment still passed court
        {},
    )
    assert [x.value for x in funnel(f)] == [4, 3, 2, 2, 1]
    assert f["funnel.in_court"].numerator_ids == ["C1", "C3"]
    assert indicators_json(f)["funnel"] == {
        "complaints": 4,
        "criminal_case": 3,
        "in_court": 2,
        "convicted": 2,
        "custodial": 1,
    }


def test_zero_denominators_are_no_cases_not_zero() -> None:
    f = compute_indicators(metrics_frame({}), start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert f["complaints"].value == 0
    for name, ind in INDICATORS.items():
        if ind.kind in ("rate", "median", "mean"):
            assert f[name].value is None, name
    f = figs({})
    assert f["reclassification_rate"].value is None  # no procedural complaints
    assert f["torture_qualification_rate"].value is None
    assert f["timely_information_rate"].value is None
    assert f["spu_involvement_rate"].value == 0.0


def test_cohort_bounds_are_inclusive() -> None:
    m = metrics_frame(
        {"complaint_on": date(2015, 1, 1)},
        {"complaint_on": date(2015, 6, 30)},
        {"complaint_on": date(2015, 7, 1)},
    )
    f = compute_indicators(m, start=date(2015, 1, 1), end=date(2015, 6, 30))
    assert f["complaints"].numerator_ids == ["C1", "C2"]


# --- breakdowns and drill-down --------------------------------------------------------------------


def _mixed() -> pl.DataFrame:
    return metrics_frame(
        {
            "region": "KZ-39",
            "criminal_case": True,
            "complaint_on": date(2014, 3, 1),
            "half_year": "2014-H1",
        },
        {"region": "KZ-39", "complaint_on": date(2015, 3, 1), "half_year": "2015-H1"},
        {
            "region": "KZ-71",
            "accused_agency": "KNB",
            "in_court": True,
            "complaint_on": date(2015, 8, 1),
            "half_year": "2015-H2",
        },
    )


@pytest.mark.parametrize("by", ["region", "accused_agency", "half_year"])
def test_breakdown_agrees_with_compute_indicators_per_group(by: str) -> None:
    m = _mixed()
    start, end = date(2015, 1, 1), date(2015, 12, 31)
    b = breakdown(m, start=start, end=end, by=by)
    assert b.columns == ["group", "indicator", "value", "numerator", "denominator"]
    rows = m if by == "half_year" else m.filter(pl.col("complaint_on").is_between(start, end))
    for group in rows[by].unique().to_list():
        f = compute_indicators(
            rows.filter(pl.col(by) == group), start=date(1900, 1, 1), end=date(2100, 1, 1)
        )
        part = b.filter(pl.col("group") == group)
        assert part["indicator"].to_list() == list(INDICATORS)
        for r in part.iter_rows(named=True):
            fig = f[r["indicator"]]
            assert r["value"] == (None if fig.value is None else float(fig.value)), r
            assert r["numerator"] == fig.numerator and r["denominator"] == fig.denominator
            ids = drilldown_ids(
                m, r["indicator"], "numerator", start=start, end=end, group_by=by, group=group
            )
            assert ids == sorted(fig.numerator_ids)


def test_half_year_breakdown_is_the_whole_trend() -> None:
    b = breakdown(_mixed(), start=date(2015, 1, 1), end=date(2015, 6, 30), by="half_year")
    assert b["group"].unique().sort().to_list() == ["2014-H1", "2015-H1", "2015-H2"]
    with pytest.raises(ValueError):
        breakdown(_mixed(), by="victim_sex")


def test_drilldown_matches_figure_ids() -> None:
    m = _mixed()
    f = compute_indicators(m, **ALL)
    for name, fig in f.items():
        assert drilldown_ids(m, name, "numerator", **ALL) == sorted(fig.numerator_ids)
        assert drilldown_ids(m, name, "denominator", **ALL) == sorted(fig.denominator_ids)
    assert compute_indicators(m, **ALL, with_ids=False)["complaints"].numerator_ids == []


# --- public mode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_public_counts(n: int, shown: str) -> None:
    p = public_figures(
        figs(*[{}] * n) if n else compute_indicators(metrics_frame({}), start=T, end=T)
    )
    assert p["complaints"].display == shown
    assert p["complaints"].value == (None if shown == "<5" else n)
    assert p["funnel.complaints"].display == shown


@pytest.mark.parametrize(("den", "status"), [(0, "no_cases"), (9, "too_few_cases"), (10, "shown")])
def test_public_rates_need_ten_cases(den: int, status: str) -> None:
    rows = [{"in_court": i < 2} for i in range(den)]
    f = figs(*rows) if den else compute_indicators(metrics_frame({}), start=T, end=T)
    p = public_figures(f)["prosecution_rate"]
    assert p.status == status
    if status == "shown":
        assert (p.value, p.display, p.numerator, p.denominator) == (0.2, "20.0%", "<5", "10")
    else:
        assert p.value is None and p.numerator is None
        assert p.display == {"no_cases": "no cases", "too_few_cases": "too few cases"}[status]


def test_public_mode_never_carries_ids() -> None:
    f = figs(*[{"in_court": True}] * 12)
    p = public_figures(f)
    for fig in p.values():
        assert not any("ids" in k for k in vars(fig))
    assert "C1" not in json.dumps(public_json(f))
    pb = public_breakdown(
        breakdown(metrics_frame(*[{}] * 3, *[{"region": "KZ-71"}] * 11), by="region")
    )
    assert not any(c.endswith("_ids") or c == "case_id" for c in pb.columns)
    row = pb.filter((pl.col("group") == "KZ-39") & (pl.col("indicator") == "complaints")).row(
        0, named=True
    )
    assert (row["value"], row["display"]) == (None, "<5")
    row = pb.filter(
        (pl.col("group") == "KZ-71") & (pl.col("indicator") == "spu_involvement_rate")
    ).row(0, named=True)
    assert (row["value"], row["display"], row["numerator"], row["denominator"]) == (
        0.0,
        "0.0%",
        "0",
        "11",
    )


# --- invariants -------------------------------------------------------------------------------------


@st.composite
def _metric_rows(draw: st.DrawFn) -> pl.DataFrame:
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        is_open = draw(st.booleans())
        cc = draw(st.booleans())
        spu = draw(st.booleans())
        rows.append(
            {
                "region": draw(st.sampled_from(["KZ-39", "KZ-71"])),
                "complaint_channel": draw(
                    st.sampled_from(["crime_report", "procedural_complaint"])
                ),
                "medical_evidence": draw(st.sampled_from(["none", "both"])),
                "complaint_on": draw(st.dates(date(2014, 1, 1), date(2015, 12, 31))),
                "state": "screening"
                if is_open
                else draw(st.sampled_from(["refused", "terminated"])),
                "open": is_open,
                "stagnation_days": draw(st.integers(0, 800)) if is_open else None,
                "reversals": draw(st.integers(0, 5)),
                "criminal_case": cc,
                "days_to_criminal_case": draw(st.integers(0, 30)) if cc else None,
                "qualification": draw(st.sampled_from(["torture", None])) if cc else None,
                "spu_involved": spu,
                "spu_mode": draw(st.sampled_from(["supervising", "investigating"]))
                if spu
                else None,
                "spu_trigger": draw(st.sampled_from(["media", "unknown"])) if spu else None,
                "days_to_spu": draw(st.integers(0, 30)) if spu else None,
                "same_family_investigation": draw(st.booleans()),
                "in_court": draw(st.booleans()),
                "convicted": draw(st.booleans()),
                "custodial": draw(st.booleans()),
                "info_delays": draw(st.lists(st.integers(0, 90), max_size=3)),
            }
        )
    return metrics_frame(*rows) if rows else metrics_frame({}).clear()


@settings(max_examples=80, deadline=None)
@given(_metric_rows(), st.dates(date(2014, 1, 1), date(2015, 12, 31)), st.integers(0, 400))
def test_indicator_invariants(m: pl.DataFrame, start: date, length: int) -> None:
    end = date.fromordinal(start.toordinal() + length)
    f = compute_indicators(m, start=start, end=end)
    for name, ind in INDICATORS.items():
        fig = f[name]
        if ind.kind == "rate":
            assert fig.value is None or 0.0 <= fig.value <= 1.0
            assert (fig.value is None) == (fig.denominator == 0)
            assert fig.numerator <= fig.denominator
        if ind.kind in ("count", "funnel"):
            assert fig.value == fig.numerator == len(fig.numerator_ids)
        if ind.kind in ("rate",) and name != "timely_information_rate":
            assert len(fig.numerator_ids) == fig.numerator
            assert len(fig.denominator_ids) == fig.denominator
            assert set(fig.numerator_ids) <= set(fig.denominator_ids)
    stages = [x.value for x in funnel(f)]
    assert stages == sorted(stages, reverse=True)
    assert [x.name for x in funnel(f)] == list(FUNNEL_STAGES)
    complaints = f["complaints"].value
    assert all(f[n].denominator <= complaints for n in ("spu_involvement_rate", "stagnant_share"))
    pub = public_figures(f)
    for name, p in pub.items():
        if p.status == "shown" and INDICATORS[name].kind in ("count", "funnel"):
            assert p.value == 0 or p.value >= 5
        if p.status == "shown" and INDICATORS[name].kind in ("rate", "median", "mean"):
            assert f[name].denominator >= 10
