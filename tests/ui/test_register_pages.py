"""Register a case and keep it up to date on its case file: AppTest by widget key."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from dashboard.accounts.roles import Principal
from dashboard.data import register
from dashboard.data.store import load_frames
from dashboard.engine.metrics import case_metrics
from dashboard.i18n import column_label, label

CASE = {
    "region": "KZ-39",
    "incident_date": "2025-03-02",
    "complaint_date": "2025-03-05",
    "complaint_channel": "crime_report",
    "victim_status": "suspect",
    "place_type": "police_station",
    "accused_agency": "MVD_POLICE",
    "harm": "injury",
    "medical_evidence": "official_forensic",
    "victim_name": "Bolat Registrov",
}


def _fill(at, prefix: str, values: dict) -> None:
    for name, value in values.items():
        if name in ("incident_date", "complaint_date", "event_date", "victim_name"):
            at.text_input(key=prefix + name).input(value)
        else:
            at.selectbox(key=prefix + name).set_value(value)


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_register_keeps_input_on_error_and_warns_of_duplicates(page, demo_db: Engine) -> None:
    at = page("register")
    assert not at.exception
    _fill(at, "reg_", {**CASE, "complaint_date": "2025-01-01"})
    at.multiselect(key="reg_allegations").set_value(["beating"])
    at.run()
    ref = at.text_input(key="reg_case_id").value
    assert ref.startswith("KZ-39-20") and ref.endswith("-0001")  # suggested, editable
    at.button(key="reg_save").click().run()
    assert _errors(at) == ["before incident_date '2025-03-02'"]  # under its field
    assert at.text_input(key="reg_victim_name").value == "Bolat Registrov"  # nothing lost
    assert load_frames(demo_db)[0].filter(pl.col("case_id") == ref).is_empty()
    at.text_input(key="reg_complaint_date").input("2025-03-05").run()
    at.button(key="reg_save").click().run()
    assert not _errors(at)
    assert any(ref in s.value for s in at.success)
    # the same complaint again: a possible duplicate, with a link to the case file
    again = page("register")
    _fill(again, "reg_", {**CASE, "victim_name": "Registrov Bolat"})
    again.run()
    assert any("Possible duplicates" in w.value for w in again.warning)
    links = [m.value for m in again.markdown if f"(case?case={ref})" in m.value]
    assert links == [
        f"- {ref} — same region and incident date, similar victim's name (case?case={ref})"
    ]
    # only the secretariat registers cases
    member = page("register", role="member")
    assert not [b for b in member.button if b.key == "reg_save"]


def test_case_file_add_correct_retract_and_history(page, demo_db: Engine) -> None:
    sec = Principal("test-secretariat", "secretariat")
    cid = register.register_case(
        engine=demo_db,
        principal=sec,
        fields={**CASE, "case_id": "KZ-39-2025-0100", "allegations": "beating"},
    )
    at = page("case", case_pick=cid)
    assert not at.exception
    events = [
        {"event_date": "2025-03-05", "event_type": "complaint_lodged", "agency": "PROS_LOCAL"},
        {"event_date": "2025-03-20", "event_type": "refusal_to_open", "agency": "MVD_IID"},
        {"event_date": "2025-04-10", "event_type": "criminal_case_opened", "agency": "SPU"},
    ]
    for ev in events:
        _fill(at, "ev_add_", ev)
        if ev["event_type"] == "criminal_case_opened":
            at.selectbox(key="ev_add_qualification").set_value("torture")
        at.run()
        at.button(key="ev_add_save").click().run()
        assert not _errors(at), _errors(at)
    cases, stored = load_frames(demo_db)
    assert stored.filter(pl.col("case_id") == cid)["seq"].to_list() == [1, 2, 3]
    # correct the refusal's date; then retract the case opening
    at.selectbox(key="ev_fix_seq").set_value(2).run()
    assert at.text_input(key="ev_fix_event_date").value == "2025-03-20"
    at.text_input(key="ev_fix_event_date").input("2025-03-22").run()
    at.button(key="ev_fix_save").click().run()
    assert not _errors(at), _errors(at)
    assert _state(demo_db, cid) == "investigation"
    assert not _fires(at, "evidence_dismissed")
    at.selectbox(key="ev_ret_seq").set_value(3).run()
    at.button(key="ev_ret_save").click().run()
    assert _errors(at) == ["required"]  # the reason
    at.text_input(key="ev_ret_reason").input("entered on the wrong case").run()
    at.button(key="ev_ret_save").click().run()
    assert not _errors(at), _errors(at)
    stored = load_frames(demo_db)[1].filter(pl.col("case_id") == cid)
    assert stored["seq"].to_list() == [1, 2]
    assert stored["event_date"].to_list() == ["2025-03-05", "2025-03-22"]
    assert _state(demo_db, cid) == "refused"  # the figures no longer count the opening
    assert _fires(at, "evidence_dismissed")  # and the docket sees the refusal
    hist = _history(at)
    assert hist.iloc[:, 2].tolist() == [
        "retracted an event 3",
        "corrected an event 2",
        "added an event 3",
        "added an event 2",
        "added an event 1",
        "registered the case",
    ]
    assert hist.iloc[1, 3] == column_label("event_date")
    # a member sees the history, not the forms
    member = page("case", role="member", case_pick=cid)
    assert not member.exception and len(_history(member)) == 6
    assert not [b for b in member.button if b.key == "ev_add_save"]


def test_concurrent_edit_is_refused_on_the_page(page, demo_db: Engine) -> None:
    sec = Principal("test-secretariat", "secretariat")
    cid = register.register_case(
        engine=demo_db,
        principal=sec,
        fields={**CASE, "case_id": "KZ-39-2025-0101", "allegations": "beating"},
    )
    at = page("case", case_pick=cid)  # opened at version 1
    register.correct_case(
        engine=demo_db,
        principal=Principal("other", "secretariat"),
        case_id=cid,
        expected_version=1,
        fields={**CASE, "allegations": "beating", "harm": "death"},
    )
    at.selectbox(key="case_fix_harm").set_value("serious_injury").run()
    at.button(key="case_fix_save").click().run()
    assert any("changed by other" in e for e in _errors(at)), _errors(at)
    assert load_frames(demo_db)[0].filter(pl.col("case_id") == cid)["harm"].item() == "death"
    at.button(key="case_reload").click().run()
    assert at.selectbox(key="case_fix_harm").value == "death"  # the latest facts


def _state(engine: Engine, case_id: str) -> str:
    m = case_metrics(*load_frames(engine), as_of=date(2026, 1, 1))
    return m.filter(pl.col("case_id") == case_id)["state"].item()


def _fires(at, rule: str) -> bool:
    """Whether the case page lists docket rule `rule` (by its name in the page's language)."""
    return any(m.value.startswith(f"- **{label('docket_rule', rule)}**") for m in at.markdown)


def _history(at):
    return next(d.value for d in at.dataframe if "Who" in d.value.columns)
