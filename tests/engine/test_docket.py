"""Docket suggestions: each rule, weights from settings, eligibility, order."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.config import DocketWeights, get_settings
from dashboard.engine.docket import DOCKET_RULES, docket_suggestions
from tests.engine.test_indicators import metrics_frame

T = date(2015, 9, 30)


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ({"harm": "death", "spu_involved": True}, "death_in_custody"),
        ({"stagnation_days": 181}, "stagnant"),
        ({"reversals": 3}, "pingpong"),
        ({"harm": "serious_injury"}, "no_spu_serious"),
        ({"retaliation": True}, "retaliation"),
        (
            {"qualification": "abuse_of_power", "allegations": "beating;burns"},
            "masked_qualification",
        ),
        ({"info_delays": [10, 31]}, "victim_uninformed"),
        ({"same_family_investigation": True}, "same_family"),
        (
            {
                "medical_evidence": "both",
                "state": "terminated",
                "open": False,
                "stagnation_days": None,
                "last_action_date": date(2015, 9, 1),
            },
            "evidence_dismissed",
        ),
    ],
)
def test_each_rule_fires_alone(row: dict, rule: str) -> None:
    d = docket_suggestions(metrics_frame(row), as_of=T)
    assert d["reasons"].to_list() == [[rule]]
    assert d["score"].to_list() == [getattr(DocketWeights(), rule)]


@pytest.mark.parametrize(
    "row",
    [
        {"harm": "death", "convicted": True, "spu_involved": True},
        {"stagnation_days": 180},
        {"reversals": 2},
        {"harm": "serious_injury", "spu_involved": True},
        {"qualification": "torture", "allegations": "burns"},
        {"qualification": "abuse_of_power", "allegations": "beating;threats"},
        {"info_delays": [30]},
        {"medical_evidence": "none", "state": "refused", "open": False, "stagnation_days": None},
    ],
)
def test_rules_do_not_fire_at_their_edges(row: dict) -> None:
    d = docket_suggestions(metrics_frame({"last_action_date": T, **row}), as_of=T)
    assert d["reasons"].to_list() == [[]]
    assert d["score"].to_list() == [0.0]


def test_open_or_recently_closed_cases_only() -> None:
    closed = {"open": False, "state": "refused", "stagnation_days": None}
    m = metrics_frame(
        {"case_id": "OPEN", "last_action_date": date(2001, 1, 1)},
        {"case_id": "RECENT", **closed, "last_action_date": date(2014, 9, 30)},
        {"case_id": "OLD", **closed, "last_action_date": date(2014, 9, 29)},
    )
    assert sorted(docket_suggestions(m, as_of=T)["case_id"].to_list()) == ["OPEN", "RECENT"]
    assert docket_suggestions(m, as_of=T, recent_days=10)["case_id"].to_list() == ["OPEN"]


def test_sorted_by_score_then_case_id_and_weights_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m = metrics_frame(
        {"case_id": "B", "retaliation": True},
        {"case_id": "A", "retaliation": True},
        {"case_id": "C", "harm": "death", "reversals": 4},
        {"case_id": "D"},
    )
    d = docket_suggestions(m, as_of=T)
    assert d["case_id"].to_list() == ["C", "A", "B", "D"]
    assert d.row(0, named=True)["reasons"] == ["death_in_custody", "pingpong", "no_spu_serious"]
    assert d["score"].to_list() == [11.0, 2.0, 2.0, 0.0]
    monkeypatch.setenv("OVERSIGHT_DOCKET_RETALIATION", "20")
    get_settings.cache_clear()
    assert docket_suggestions(m, as_of=T)["case_id"].to_list()[:2] == ["A", "B"]
    w = DocketWeights(death_in_custody=0, pingpong=0, no_spu_serious=0)
    assert (
        docket_suggestions(m, as_of=T, weights=w).filter(pl.col("case_id") == "C")["score"].item()
        == 0
    )


def test_rules_registry_matches_weights() -> None:
    assert list(DOCKET_RULES) == list(DocketWeights.model_fields)
    assert all(r.description for r in DOCKET_RULES.values())
    assert docket_suggestions(metrics_frame({}).clear(), as_of=T).is_empty()
