"""Per-case metrics (indicators.md, first half): hand-computed cases and invariants."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard.data.contract import CASE_SCHEMA, EVENT_SCHEMA, EVENT_TYPES, imputed_date
from dashboard.data.importer import read_files
from dashboard.engine.metrics import (
    METRIC_NAMES,
    METRICS_SCHEMA,
    OPEN_STATES,
    case_metrics,
    metrics_json,
)
from tests.conftest import EXAMPLES

T = date(2015, 9, 30)

CASE_DEFAULTS: dict[str, Any] = {
    "region": "KZ-39",
    "victim_status": "suspect",
    "incident_date": "2014-01-01",
    "place_type": "police_station",
    "accused_agency": "MVD_POLICE",
    "allegations": "beating",
    "harm": "injury",
    "complaint_date": "2014-01-10",
    "complaint_channel": "crime_report",
}


def make_frames(
    cases: list[dict[str, Any]], events: list[dict[str, Any]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical frames from short dicts; cases get CASE_DEFAULTS, events get agency PROS_LOCAL."""
    crow = [{**CASE_DEFAULTS, **c} for c in cases]
    erow = [{"agency": "PROS_LOCAL", **e} for e in events]
    cf = pl.DataFrame(
        [{k: r.get(k) for k in CASE_SCHEMA} for r in crow], schema=CASE_SCHEMA, orient="row"
    )
    ef = pl.DataFrame(
        [{k: r.get(k) for k in EVENT_SCHEMA} for r in erow], schema=EVENT_SCHEMA, orient="row"
    )
    return cf, ef


def history(*steps: str | tuple[str, str] | dict[str, Any], case_id: str = "C1") -> list[dict]:
    """Events of one case: "type" or (type, date) or a dict; dates default to day N of 2014-02."""
    out = []
    for i, s in enumerate(steps, start=1):
        if isinstance(s, str):
            e: dict[str, Any] = {"event_type": s, "event_date": f"2014-02-{i:02d}"}
        elif isinstance(s, tuple):
            e = {"event_type": s[0], "event_date": s[1]}
        else:
            e = {"event_date": f"2014-02-{i:02d}", **s}
        if e["event_type"] in ("criminal_case_opened", "requalified"):
            e.setdefault("qualification", "abuse_of_power")
        if e["event_type"] == "spu_involved":
            e.setdefault("detail", "supervising")
        out.append({"case_id": case_id, "seq": i, **e})
    return out


def one(*steps: Any, as_of: date = T, **case: Any) -> dict[str, Any]:
    cases, events = make_frames([{"case_id": "C1", **case}], history(*steps))
    rows = case_metrics(cases, events, as_of).to_dicts()
    assert len(rows) == 1
    return rows[0]


# --- the worked example -------------------------------------------------------------------------


def test_worked_example_reproduces_expected_cases() -> None:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    m = case_metrics(frames.cases, frames.events, T)
    expected = json.loads((EXAMPLES / "expected-2015-09-30.json").read_text())["cases"]
    assert metrics_json(m) == expected
    assert m.schema == pl.Schema(METRICS_SCHEMA)
    roz = m.filter(pl.col("case_id") == "DOC-ROZ").row(0, named=True)
    assert roz["complaint_on"] == date(2012, 7, 1)
    assert roz["half_year"] == "2012-H2"
    assert roz["last_action_date"] == date(2013, 7, 1)
    assert roz["longest_inactivity_days"] == 217


def test_metric_names_follow_the_spec_order() -> None:
    assert METRIC_NAMES[0] == "state" and METRIC_NAMES[-1] == "retaliation"
    assert len(METRIC_NAMES) == 21
    assert set(METRIC_NAMES) <= set(METRICS_SCHEMA)


# --- state replay -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "state"),
    [
        ((), "screening"),
        (("complaint_lodged",), "screening"),
        (("screening_started",), "screening"),
        (("referred",), "screening"),
        (("spu_involved",), "screening"),
        (("criminal_case_opened",), "investigation"),
        (("criminal_case_opened", "referred"), "investigation"),
        (("criminal_case_opened", "spu_involved"), "investigation"),
        (("criminal_case_opened", "complaint_lodged"), "investigation"),
        (("criminal_case_opened", "screening_started"), "investigation"),
        (("refusal_to_open",), "refused"),
        (("refusal_to_open", "decision_overturned"), "screening"),
        (
            ("criminal_case_opened", "investigation_terminated", "decision_overturned"),
            "investigation",
        ),
        (("refusal_to_open", "decision_upheld"), "refused"),
        (("criminal_case_opened", "investigation_suspended"), "suspended"),
        (
            ("criminal_case_opened", "investigation_suspended", "investigation_resumed"),
            "investigation",
        ),
        (("criminal_case_opened", "investigation_terminated"), "terminated"),
        (("criminal_case_opened", "indictment_to_court"), "in_court"),
        (("criminal_case_opened", "trial_started"), "in_court"),
        (("indictment_to_court", {"event_type": "verdict", "detail": "conviction"}), "convicted"),
        (("indictment_to_court", {"event_type": "verdict", "detail": "acquittal"}), "acquitted"),
        (("indictment_to_court", {"event_type": "verdict", "detail": "dismissed"}), "acquitted"),
        (("indictment_to_court", "verdict"), "in_court"),
        (("refusal_to_open", "appeal_lodged", "retaliation_reported"), "refused"),
    ],
)
def test_state_transitions(steps: tuple[Any, ...], state: str) -> None:
    row = one(*steps)
    assert row["state"] == state
    assert row["open"] is (state in OPEN_STATES)


def test_referral_counts_only_a_criminal_case_opened_earlier() -> None:
    # referred first, criminal case later, then a decision_overturned: investigation
    assert (
        one("referred", "criminal_case_opened", "decision_overturned")["state"] == "investigation"
    )
    # a criminal case opened after the event in seq order does not count for it
    assert one("criminal_case_opened", "refusal_to_open")["state"] == "refused"


# --- dates and durations ------------------------------------------------------------------------


def test_last_action_date_counts_authority_actions_and_complaint_only() -> None:
    row = one(
        ("screening_started", "2014-03-01"),
        ("appeal_lodged", "2014-05-01"),
        ("complaint_lodged", "2014-06-01"),
        ("international_submission", "2014-07-01"),
    )
    assert row["last_action_date"] == date(2014, 3, 1)
    assert row["stagnation_days"] == (T - date(2014, 3, 1)).days
    # no authority action at all: the complaint date
    assert one("complaint_lodged")["last_action_date"] == date(2014, 1, 10)


def test_longest_inactivity_includes_complaint_and_t_for_open_cases() -> None:
    row = one(("screening_started", "2014-01-20"), ("referred", "2014-03-01"))
    # gaps: 10, 40, then T - 2014-03-01 = 578 (open)
    assert row["longest_inactivity_days"] == (T - date(2014, 3, 1)).days
    closed = one(("screening_started", "2014-01-20"), ("refusal_to_open", "2014-03-01"))
    assert closed["longest_inactivity_days"] == 40
    assert closed["stagnation_days"] is None


def test_imprecise_dates_are_imputed_and_durations_never_negative() -> None:
    # complaint "2014" = 2014-07-01; criminal case "2014-03" = 2014-03-15 -> 0, not negative
    row = one(
        ("criminal_case_opened", "2014-03"),
        ("investigation_terminated", "2014-03-20"),
        complaint_date="2014",
        incident_date="2014-01-01",
    )
    assert row["days_to_criminal_case"] == 0
    assert row["longest_inactivity_days"] == 5  # 0 (clipped), then 03-15 -> 03-20
    assert (
        one(("refusal_to_open", "2014"), complaint_date="2014-01")["longest_inactivity_days"]
        == (date(2014, 7, 1) - date(2014, 1, 15)).days
    )


def test_events_after_t_are_ignored() -> None:
    row = one(
        ("criminal_case_opened", "2014-02-01"),
        ("investigation_terminated", "2015-10-01"),
        as_of=date(2015, 9, 30),
    )
    assert row["state"] == "investigation"
    assert row["negative_decisions"] == 0
    # a month-precision event imputed to the 15th: known from T = the 15th on
    row = one(("criminal_case_opened", "2014-02-01"), ("investigation_terminated", "2015-09"))
    assert row["state"] == "terminated"
    assert (
        one(
            ("criminal_case_opened", "2014-02-01"),
            ("investigation_terminated", "2015-09"),
            as_of=date(2015, 9, 14),
        )["state"]
        == "investigation"
    )


def test_cases_complained_after_t_are_dropped() -> None:
    cases, events = make_frames(
        [
            {"case_id": "A", "complaint_date": "2015-09-30"},
            {"case_id": "B", "complaint_date": "2015-10-01"},
            {"case_id": "C", "complaint_date": "2015"},  # 2015-07-01
            {"case_id": "D", "complaint_date": "2015-10"},  # 2015-10-15
        ],
        history("screening_started", case_id="B"),
    )
    assert case_metrics(cases, events, T)["case_id"].to_list() == ["A", "C"]


# --- counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "reversals", "negatives"),
    [
        (("refusal_to_open", "decision_overturned"), 1, 1),
        (("refusal_to_open", "decision_overturned", "criminal_case_opened"), 1, 1),
        (
            ("refusal_to_open", "decision_overturned", "refusal_to_open", "decision_overturned"),
            2,
            2,
        ),
        (("refusal_to_open", "refusal_to_open", "decision_overturned"), 1, 2),
        (("criminal_case_opened", "investigation_resumed"), 0, 0),
        (
            (
                "criminal_case_opened",
                "investigation_suspended",
                "investigation_resumed",
                "investigation_terminated",
                "decision_overturned",
                "investigation_suspended",
            ),
            2,
            3,
        ),
        (("refusal_to_open", "decision_upheld"), 0, 1),
    ],
)
def test_reversals_and_negative_decisions(
    steps: tuple[str, ...], reversals: int, negatives: int
) -> None:
    row = one(*steps)
    assert (row["reversals"], row["negative_decisions"]) == (reversals, negatives)


def test_handoffs_count_to_agency_different_from_agency() -> None:
    row = one(
        {"event_type": "referred", "agency": "PROS_LOCAL", "to_agency": "MVD_IID"},
        {"event_type": "referred", "agency": "MVD_IID", "to_agency": "MVD_IID"},
        {"event_type": "criminal_case_opened", "agency": "SPU", "to_agency": "ACA"},
        {"event_type": "victim_questioned", "agency": "ACA"},
    )
    assert row["handoffs"] == 2


# --- criminal case, qualification, SPU ------------------------------------------------------------


def test_criminal_case_first_date_and_latest_qualification() -> None:
    row = one(
        ("screening_started", "2014-01-12"),
        {
            "event_type": "criminal_case_opened",
            "event_date": "2014-01-13",
            "qualification": "abuse_of_power",
        },
        {"event_type": "requalified", "event_date": "2014-05-01", "qualification": "torture"},
        {"event_type": "verdict", "event_date": "2014-09-01", "detail": "conviction"},
    )
    assert row["criminal_case"] is True
    assert row["days_to_criminal_case"] == 3
    assert row["qualification"] == "torture"  # the verdict has none: the requalification holds
    row = one(
        "criminal_case_opened",
        {"event_type": "verdict", "detail": "conviction", "qualification": "negligence"},
    )
    assert row["qualification"] == "negligence"
    assert one("screening_started")["qualification"] is None
    assert one("screening_started")["days_to_criminal_case"] is None


def test_spu_mode_days_and_trigger() -> None:
    row = one(
        {"event_type": "spu_involved", "event_date": "2014-01-20", "detail": "supervising"},
        {
            "event_type": "spu_involved",
            "event_date": "2014-02-20",
            "detail": "investigating",
            "trigger": "media",
        },
    )
    assert (row["spu_involved"], row["spu_mode"], row["days_to_spu"], row["spu_trigger"]) == (
        True,
        "investigating",
        10,
        "unknown",
    )
    row = one({"event_type": "spu_involved", "detail": "supervising", "trigger": "court_order"})
    assert (row["spu_mode"], row["spu_trigger"]) == ("supervising", "court_order")
    row = one("screening_started")
    assert (row["spu_involved"], row["spu_mode"], row["days_to_spu"], row["spu_trigger"]) == (
        False,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("event", "same"),
    [
        ({"event_type": "screening_started", "agency": "MVD_IID"}, True),
        ({"event_type": "screening_started", "agency": "PROS_LOCAL"}, False),
        ({"event_type": "referred", "agency": "PROS_LOCAL", "to_agency": "MVD_PENAL"}, True),
        ({"event_type": "referred", "agency": "MVD_IID", "to_agency": "PROS_LOCAL"}, False),
        ({"event_type": "decision_overturned", "agency": "PGO", "to_agency": "MVD_POLICE"}, True),
        ({"event_type": "criminal_case_opened", "agency": "SPU", "to_agency": "MVD_IID"}, True),
        ({"event_type": "criminal_case_opened", "agency": "MVD_POLICE"}, True),
        ({"event_type": "criminal_case_opened", "agency": "MVD_POLICE", "to_agency": "ACA"}, False),
        ({"event_type": "victim_questioned", "agency": "MVD_POLICE"}, False),
    ],
)
def test_same_family_investigation(event: dict[str, Any], same: bool) -> None:
    assert one(event)["same_family_investigation"] is same
    assert one(event, accused_agency="KNB")["same_family_investigation"] is False


# --- court, information, retaliation -------------------------------------------------------------


def test_court_conviction_and_latest_sentence() -> None:
    conv = {"event_type": "verdict", "detail": "conviction"}
    row = one(
        "criminal_case_opened",
        "indictment_to_court",
        conv,
        {"event_type": "sentence", "detail": "custodial"},
        "appeal_verdict",
        {"event_type": "sentence", "detail": "suspended"},
    )
    assert (row["in_court"], row["convicted"], row["custodial"]) == (True, True, False)
    row = one(
        "indictment_to_court",
        conv,
        {"event_type": "sentence", "detail": "suspended"},
        {"event_type": "sentence", "detail": "custodial"},
    )
    assert row["custodial"] is True
    row = one("trial_started")
    assert (row["in_court"], row["convicted"], row["custodial"]) == (False, False, False)


def test_info_delays_only_for_negative_decisions_known_at_t() -> None:
    row = one(
        {
            "event_type": "refusal_to_open",
            "event_date": "2014-02-01",
            "victim_informed_date": "2014-02-11",
        },
        {
            "event_type": "decision_overturned",
            "event_date": "2014-03-01",
            "victim_informed_date": "2014-03-02",
        },
        {"event_type": "investigation_suspended", "event_date": "2014-04-01"},
        {
            "event_type": "investigation_terminated",
            "event_date": "2014-05-01",
            "victim_informed_date": "2014-06",
        },
        {
            "event_type": "refusal_to_open",
            "event_date": "2015-09-01",
            "victim_informed_date": "2015-10-02",
        },
    )
    assert row["info_delays"] == [10, 45]
    assert one("retaliation_reported")["retaliation"] is True
    assert one("screening_started")["info_delays"] == []


# --- invariants -------------------------------------------------------------------------------------

_TYPES = st.sampled_from(EVENT_TYPES)
_DETAILS = st.sampled_from(
    [None, "conviction", "acquittal", "custodial", "investigating", "suspended"]
)
_DATES = st.dates(date(2013, 1, 1), date(2016, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
)


@st.composite
def _case_sets(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = draw(st.integers(1, 6))
    cases = [
        {"case_id": f"C{i}", "complaint_date": draw(_DATES), "incident_date": "2013-01-01"}
        for i in range(n)
    ]
    events = []
    for i in range(n):
        for seq in range(1, draw(st.integers(0, 8)) + 1):
            events.append(
                {
                    "case_id": f"C{i}",
                    "seq": seq,
                    "event_date": draw(_DATES),
                    "event_type": draw(_TYPES),
                    "agency": draw(st.sampled_from(["MVD_IID", "SPU", "PROS_LOCAL"])),
                    "to_agency": draw(st.sampled_from([None, "MVD_POLICE", "ACA"])),
                    "qualification": draw(st.sampled_from([None, "torture"])),
                    "detail": draw(_DETAILS),
                    "victim_informed_date": draw(st.sampled_from([None, "2014-06-01", "2016"])),
                }
            )
    return make_frames(cases, events)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case_sets(), st.dates(date(2013, 6, 1), date(2017, 1, 1)))
def test_invariants(frames: tuple[pl.DataFrame, pl.DataFrame], as_of: date) -> None:
    cases, events = frames
    m = case_metrics(cases, events, as_of)
    known = cases.filter(imputed_date("complaint_date") <= as_of).height
    assert m.height == known
    assert (m["open"] == m["state"].is_in(OPEN_STATES)).all()
    assert (m["stagnation_days"].is_null() == ~m["open"]).all()
    for col in (
        "stagnation_days",
        "longest_inactivity_days",
        "days_to_criminal_case",
        "days_to_spu",
    ):
        assert (m[col].drop_nulls() >= 0).all()
    assert (m["reversals"] <= m["negative_decisions"]).all()
    assert (m["info_delays"].list.len() <= m["negative_decisions"]).all()
    assert (m["info_delays"].explode().drop_nulls() >= 0).all()
    assert (m["last_action_date"] <= as_of).all()
    assert (m["last_action_date"] >= m["complaint_on"]).all()
    assert (m["spu_mode"].is_null() == ~m["spu_involved"]).all()
    # events after T change nothing: dropping them gives the same frame
    kept = events.filter(imputed_date("event_date") <= as_of)
    assert_frame_equal(case_metrics(cases, kept, as_of), m)
