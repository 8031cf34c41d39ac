"""Data quality beside each figure: shares checked against counts made by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.engine.metrics import case_metrics
from dashboard.engine.quality import (
    QUALITY_FIELDS,
    completeness,
    incomplete_ids,
    quality,
    shares,
    with_gaps,
)
from dashboard.engine.registry import INDICATORS
from tests.engine.test_metrics import history, make_frames

T = date(2015, 9, 30)
ALL = {"start": date(1900, 1, 1), "end": date(2100, 12, 31)}


def _frame() -> pl.DataFrame:
    """Six cases, gaps placed by hand:

    C1 complete: precise dates, criminal case on a day, refusal with victim_informed_date.
    C2 complaint_date only a month (2014-01), KZ-75.
    C3 criminal case opened dated only by year; refusal without victim_informed_date.
    C4 SPU involved with no trigger, accused agency OTHER.
    C5 SPU involved (ex_officio) on a month-only date, KZ-75.
    C6 an event after T with an imprecise date (ignored: not known at T).
    """
    cases, events = make_frames(
        [
            {"case_id": "C1"},
            {"case_id": "C2", "complaint_date": "2014-01", "region": "KZ-75"},
            {"case_id": "C3"},
            {"case_id": "C4", "accused_agency": "OTHER"},
            {"case_id": "C5", "region": "KZ-75"},
            {"case_id": "C6"},
        ],
        [
            *history(
                ("criminal_case_opened", "2014-02-01"),
                {"event_type": "refusal_to_open", "victim_informed_date": "2014-03-01"},
                case_id="C1",
            ),
            *history(("criminal_case_opened", "2014-02-03"), case_id="C2"),
            *history(("criminal_case_opened", "2014"), "refusal_to_open", case_id="C3"),
            *history({"event_type": "spu_involved"}, case_id="C4"),
            *history(
                {"event_type": "spu_involved", "event_date": "2014-03", "trigger": "ex_officio"},
                case_id="C5",
            ),
            *history(("criminal_case_opened", "2016"), case_id="C6"),
        ],
    )
    return with_gaps(case_metrics(cases, events, T), cases, events, T)


def test_gap_columns_mark_the_cases_by_hand() -> None:
    f = _frame().sort("case_id")
    got = {field: f.filter(pl.col(f"gap.{field}"))["case_id"].to_list() for field in QUALITY_FIELDS}
    assert got == {
        "complaint_date": ["C2"],
        "criminal_case_date": ["C3"],
        "spu_date": ["C5"],
        # C3's criminal case (2014) and C5's SPU involvement (2014-03) are authority actions
        "action_dates": ["C3", "C5"],
        "victim_informed_date": ["C3"],
        "spu_trigger": ["C4"],
        "accused_agency": ["C4"],
    }


def test_shares_match_counts_by_hand() -> None:
    got = {n: q.share for n, q in shares(_frame(), **ALL).items()}
    # every figure needs the complaint date: 1 of 6 cases (C2)
    assert got["complaints"] == pytest.approx(1 / 6)
    assert got["spu_involvement_rate"] == pytest.approx(1 / 6)
    # criminal cases C1, C2, C3: C2 (complaint month) and C3 (opened in a year)
    assert got["median_days_to_criminal_case"] == pytest.approx(2 / 3)
    # prompt reclassification is over procedural complaints: there are none
    assert got["prompt_reclassification_rate"] is None
    # SPU cases C4, C5: C4 lacks a trigger, C5's date is exact enough for the trigger
    assert got["spu_reactive_share"] == pytest.approx(1 / 2)
    assert got["median_days_to_spu"] == pytest.approx(1 / 2)
    # cases with a negative decision C1, C3 (not the denominator of known dates): C3 lacks it
    assert got["timely_information_rate"] == pytest.approx(1 / 2)
    # same family: every case; C2 (complaint month), C4 (agency OTHER)
    assert got["same_family_share"] == pytest.approx(2 / 6)


def test_quality_by_region_and_its_cases() -> None:
    frame = _frame()
    q = quality(frame, **ALL, by="region", names=["median_days_to_criminal_case"])
    assert q.to_dicts() == [
        {
            "group": "KZ-39",
            "indicator": "median_days_to_criminal_case",
            "cases": 2,  # C1, C3 (C6's criminal case is after T: not yet one)
            "incomplete": 1,
            "share": 0.5,
        },
        {
            "group": "KZ-75",
            "indicator": "median_days_to_criminal_case",
            "cases": 1,
            "incomplete": 1,
            "share": 1.0,
        },
    ]
    ids = incomplete_ids(
        frame, **ALL, indicator="median_days_to_criminal_case", by="region", group="KZ-39"
    )
    assert ids == ["C3"]


def test_completeness_per_field_and_region() -> None:
    c = completeness(_frame(), **ALL, by="region")
    rows = {(r["group"], r["field"]): (r["missing"], r["cases"]) for r in c.to_dicts()}
    assert rows == {
        ("KZ-39", "criminal_case_date"): (1, 4),
        ("KZ-39", "action_dates"): (1, 4),
        ("KZ-39", "victim_informed_date"): (1, 4),
        ("KZ-39", "spu_trigger"): (1, 4),
        ("KZ-39", "accused_agency"): (1, 4),
        ("KZ-75", "complaint_date"): (1, 2),
        ("KZ-75", "spu_date"): (1, 2),
        ("KZ-75", "action_dates"): (1, 2),
    }
    assert incomplete_ids(_frame(), **ALL, field="action_dates") == ["C3", "C5"]


def test_every_need_is_a_quality_field() -> None:
    for ind in INDICATORS.values():
        assert ind.needs and set(ind.needs) <= set(QUALITY_FIELDS), ind.name


def test_no_cases_give_no_share() -> None:
    empty = _frame().head(0)
    assert quality(empty, **ALL).is_empty()
    assert completeness(empty, **ALL, by="region").is_empty()
