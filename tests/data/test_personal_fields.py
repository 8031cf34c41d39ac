"""One list of personal fields (contract.PERSONAL_FIELDS), and every surface drops exactly it."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.committee import compute_snapshot
from dashboard.data.casefile import case_file
from dashboard.data.contract import (
    CASE_IDENTIFIERS,
    PERSONAL_CASE_COLUMNS,
    PERSONAL_EVENT_COLUMNS,
    PERSONAL_FIELDS,
)
from dashboard.data.public import public_export_frames
from dashboard.data.store import load_frames
from dashboard.engine.metrics import case_metrics
from tests.ui.demo_data import load_demo

MEMBER, SPU, OBSERVER = (Principal(r, r) for r in ("member", "spu_head", "observer"))


@pytest.fixture
def loaded(sqlite_engine):
    load_demo(sqlite_engine, n=40)
    return sqlite_engine


def test_the_list_is_the_contract_columns() -> None:
    names_and_narrative = {"victim_name", "summary", "ngo", "note", "source"}
    committee_free_text = {"text", "evidence", "comment", "public_text"}
    assert names_and_narrative | committee_free_text == PERSONAL_FIELDS
    assert set(PERSONAL_CASE_COLUMNS) | set(PERSONAL_EVENT_COLUMNS) < PERSONAL_FIELDS


def test_audit_redacts_exactly_the_personal_fields() -> None:
    row = {f: "Иванов" for f in PERSONAL_FIELDS} | {"case_id": "SYN-1", "region": "KZ-75"}
    out = audit.redact(row)
    assert out == {"case_id": "SYN-1", "region": "KZ-75", "redacted": sorted(PERSONAL_FIELDS)}


def test_case_file_drops_them_for_the_spu_head_only(loaded) -> None:
    full = case_file(loaded, "SYN-00003", MEMBER)
    spu = case_file(loaded, "SYN-00003", SPU)
    assert set(PERSONAL_CASE_COLUMNS) <= set(full.facts)
    assert set(full.facts) - set(spu.facts) == set(PERSONAL_CASE_COLUMNS) | {"source"}
    assert set(full.events.columns) - set(spu.events.columns) == {*PERSONAL_EVENT_COLUMNS, "source"}


def test_snapshot_and_public_export_hold_none_of_them(loaded) -> None:
    cases, events = load_frames(loaded)
    metrics = case_metrics(cases, events, date(2025, 6, 30))
    snap = compute_snapshot(metrics, period="2025-H1", as_of=date(2025, 6, 30))
    for row in snap.case_metrics.values():
        assert PERSONAL_FIELDS.isdisjoint(row)
    for frame in public_export_frames(loaded, OBSERVER, as_of=date(2025, 6, 30)).values():
        assert PERSONAL_FIELDS.isdisjoint(frame.columns)
        assert set(CASE_IDENTIFIERS).isdisjoint(frame.columns)
