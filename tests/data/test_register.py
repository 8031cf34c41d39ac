"""The case register: cases and events entered in the app, one validation with imports,
retraction, optimistic concurrency, audit, and the round trip through export and import."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from dashboard.accounts import audit
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.data import register
from dashboard.data.casefile import case_file
from dashboard.data.database import migrate
from dashboard.data.duplicates import possible_duplicates
from dashboard.data.exporter import export_dir
from dashboard.data.importer import ImportValidationError, import_files
from dashboard.data.store import load_frames
from dashboard.engine.metrics import case_metrics
from db.engine import make_engine

SEC = Principal("sec", "secretariat")
SEC2 = Principal("sec2", "secretariat")
MEMBER = Principal("mem", "member")
SPU = Principal("spu", "spu_head")

CASE = {
    "case_id": "KZ-39-2026-0001",
    "region": "KZ-39",
    "victim_name": "Arman Testov",
    "victim_sex": "male",
    "victim_age": 31,
    "victim_status": "suspect",
    "incident_date": "2025-03-02",
    "place_type": "police_station",
    "accused_agency": "MVD_POLICE",
    "allegations": ["beating", "threats"],
    "harm": "injury",
    "lawyer": True,
    "complaint_date": "2025-03-05",
    "complaint_channel": "crime_report",
    "summary": "Beaten during questioning (synthetic test case).",
    "synthetic": True,
}
EVENTS = [
    {"event_date": "2025-03-05", "event_type": "complaint_lodged", "agency": "PROS_LOCAL"},
    {
        "event_date": "2025-03-20",
        "event_type": "refusal_to_open",
        "agency": "MVD_IID",
        "detail": "no_crime",
    },
    {
        "event_date": "2025-04-10",
        "event_type": "criminal_case_opened",
        "agency": "SPU",
        "qualification": "torture",
        "note": "Opened after the lawyer's appeal.",
    },
]


def _registered(engine: Engine) -> list[int]:
    register.register_case(engine=engine, principal=SEC, fields=CASE)
    seqs = []
    for ev in EVENTS:
        version = register.case_version(engine, CASE["case_id"])
        seqs.append(
            register.add_event(
                engine=engine,
                principal=SEC,
                case_id=CASE["case_id"],
                expected_version=version,
                fields=ev,
            )
        )
    return seqs


def _metrics(engine: Engine) -> dict:
    cases, events = load_frames(engine)
    m = case_metrics(cases, events, as_of=date(2026, 1, 1))
    return m.row(0, named=True)


def test_register_add_correct_retract_changes_the_figures(engine: Engine) -> None:
    assert _registered(engine) == [1, 2, 3]
    cid = CASE["case_id"]
    before = _metrics(engine)
    assert before["criminal_case"] is True

    register.correct_event(
        engine=engine,
        principal=SEC,
        case_id=cid,
        seq=2,
        expected_version=register.case_version(engine, cid),
        fields={**EVENTS[1], "event_date": "2025-03-25", "detail": "insufficient_evidence"},
    )
    register.retract_event(
        engine=engine,
        principal=SEC,
        case_id=cid,
        seq=3,
        expected_version=register.case_version(engine, cid),
        reason="entered on the wrong case",
    )
    cases, events = load_frames(engine)
    assert events["seq"].to_list() == [1, 2]  # the retracted event is in no figure
    assert events.filter(pl.col("seq") == 2)["detail"].item() == "insufficient_evidence"
    after = _metrics(engine)
    assert after["criminal_case"] is False
    # kept and shown on the case file, marked with its reason
    cf = case_file(engine, cid, SEC)
    assert cf.events["retracted"].to_list() == [None, None, "entered on the wrong case"]
    assert register.case_version(engine, cid) == 6  # created 1, then five saves


def test_form_and_import_share_one_validation(engine: Engine) -> None:
    bad = {**CASE, "region": "KZ-99", "victim_age": "7", "complaint_date": "2025-01-01"}
    with pytest.raises(ImportValidationError) as err:
        register.register_case(engine=engine, principal=SEC, fields=bad)
    by_field = {p.column: p.message.msgid for p in err.value.problems}
    assert by_field == {
        "region": "not a region code of regions.csv",
        "victim_age": "must be a whole number 10-110",
        "complaint_date": "before incident_date '{date}'",
    }
    assert load_frames(engine)[0].is_empty()  # nothing written
    register.register_case(engine=engine, principal=SEC, fields=CASE)
    with pytest.raises(ImportValidationError) as err:
        register.register_case(engine=engine, principal=SEC, fields=CASE)
    assert [p.column for p in err.value.problems] == ["case_id"]
    version = register.case_version(engine, CASE["case_id"])
    with pytest.raises(ImportValidationError) as err:
        register.add_event(
            engine=engine,
            principal=SEC,
            case_id=CASE["case_id"],
            expected_version=version,
            fields={"event_date": "2024-01-01", "event_type": "verdict", "agency": "COURT"},
        )
    assert {p.column: p.message.msgid for p in err.value.problems} == {
        "event_date": "before the case's incident_date (starts {date})",
        "detail": "required for event_type {event_type}",
    }
    assert register.case_version(engine, CASE["case_id"]) == version  # refused: unchanged


def test_second_concurrent_save_is_refused(engine: Engine) -> None:
    register.register_case(engine=engine, principal=SEC, fields=CASE)
    cid = CASE["case_id"]
    opened = register.case_version(engine, cid)  # both open the case
    register.correct_case(
        engine=engine, principal=SEC, case_id=cid, expected_version=opened,
        fields={**CASE, "harm": "serious_injury"},
    )  # fmt: skip
    with pytest.raises(register.StaleCase) as err:
        register.correct_case(
            engine=engine, principal=SEC2, case_id=cid, expected_version=opened,
            fields={**CASE, "harm": "death"},
        )  # fmt: skip
    assert err.value.params["who"] == "sec"
    assert "changed by sec" in str(err.value)
    assert load_frames(engine)[0]["harm"].item() == "serious_injury"


def test_every_change_is_audited_with_before_and_after(engine: Engine) -> None:
    _registered(engine)
    cid = CASE["case_id"]
    register.correct_case(
        engine=engine, principal=SEC, case_id=cid,
        expected_version=register.case_version(engine, cid),
        fields={**CASE, "harm": "serious_injury", "victim_name": "Arman Testov-Ova"},
    )  # fmt: skip
    rows = audit.read(engine, SEC, entity="case", entity_id=cid)
    assert rows["action"].to_list() == ["update", "add_event", "add_event", "add_event", "create"]
    update = rows.row(0, named=True)
    assert json.loads(update["before"]) == {
        "harm": "injury",
        "version": 4,
        "redacted": ["victim_name"],
    }
    assert json.loads(update["after"])["harm"] == "serious_injury"
    every = " ".join(str(v) for v in rows["before"].to_list() + rows["after"].to_list())
    assert "Arman" not in every and "questioning" not in every and "appeal" not in every
    hist = register.history(engine=engine, principal=MEMBER, case_id=cid)
    assert hist["action"].to_list()[0] == "update"
    assert hist["fields"].to_list()[0] == ["harm", "victim_name"]
    assert hist["username"].to_list()[0] == "sec"
    hidden = register.history(engine=engine, principal=SPU, case_id=cid)
    assert hidden["fields"].to_list()[0] == ["harm"]  # that the name changed is not shown


def test_only_the_secretariat_edits(engine: Engine) -> None:
    with pytest.raises(AccessDenied):
        register.register_case(engine=engine, principal=MEMBER, fields=CASE)


def test_registered_case_round_trips_like_an_imported_one(engine: Engine, tmp_path: Path) -> None:
    _registered(engine)
    cid = CASE["case_id"]
    register.retract_event(
        engine=engine, principal=SEC, case_id=cid, seq=2,
        expected_version=register.case_version(engine, cid), reason="a mistake",
    )  # fmt: skip
    files = export_dir(engine, tmp_path / "out")
    events_text = (tmp_path / "out" / "events.csv").read_text()
    assert events_text.splitlines()[0].endswith(",source,retracted")
    exported = load_frames(engine, include_retracted=True)

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(other)
    import_files(other, files)
    assert_frame_equal(load_frames(other, include_retracted=True)[0], exported[0])
    assert_frame_equal(load_frames(other, include_retracted=True)[1], exported[1])
    # a later import of the same case updates it; a file without the column keeps retractions
    (tmp_path / "events.csv").write_text(
        "case_id,seq,event_date,event_type,agency\n"
        f"{cid},1,2025-03-06,complaint_lodged,PROS_LOCAL\n"
    )
    result = import_files(engine, [tmp_path / "events.csv"])
    assert (result.events_updated, result.events_inserted) == (1, 0)
    events = load_frames(engine, include_retracted=True)[1]
    assert events["event_date"].to_list()[0] == "2025-03-06"
    assert events["retracted"].to_list() == [None, "a mistake", None]
    other.dispose()


def test_duplicates_by_region_and_date_or_similar_name() -> None:
    cases = pl.DataFrame(
        {
            "case_id": ["A", "B", "C"],
            "region": ["KZ-39", "KZ-39", "KZ-71"],
            "incident_date": ["2025-03", "2024-01-01", "2020"],
            "victim_name": ["X Y", "Testov Arman", None],
        }
    )
    found = possible_duplicates(
        cases, region="KZ-39", incident_date="2025-03-02", victim_name="arman testov", names=True
    )
    assert found.to_dicts() == [
        {"case_id": "A", "reasons": ["same_region_date"], "similarity": None},
        {"case_id": "B", "reasons": ["similar_name"], "similarity": 100},
    ]
    blind = possible_duplicates(
        cases, region="KZ-39", incident_date="2025-03-02", victim_name="arman testov", names=False
    )
    assert blind["case_id"].to_list() == ["A"]
