"""Import: the spec's examples, every validation rule (tests/fixtures/broken), all or nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from dashboard.data.contract import CASE_SCHEMA, EVENT_SCHEMA
from dashboard.data.importer import (
    ContractFrames,
    ImportProblem,
    ImportValidationError,
    import_files,
    import_frames,
    read_files,
)
from dashboard.data.store import load_frames
from dashboard.i18n import Message
from db.engine import data_version
from db.models import AuditLog, Case, Event
from tests.conftest import EXAMPLES

BROKEN = Path(__file__).parents[1] / "fixtures" / "broken"
EXAMPLE_FILES = [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"]
BROKEN_FILES = [BROKEN / n for n in ("cases_values.csv", "events_values.csv", "cases_header.csv")]


def _expected() -> list[str]:
    return (BROKEN / "expected.txt").read_text("utf-8").splitlines()


def _shown(problems: list[ImportProblem]) -> list[str]:
    return [str(p).replace(f"{BROKEN}/", "") for p in problems]


def _state(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame, int, int]:
    """Cases, events, data version and the audit rows other than refused imports."""
    cases, events = load_frames(engine)
    with Session(engine) as s:
        audits = s.exec(  # type: ignore[call-overload]
            select(func.count()).select_from(AuditLog).where(AuditLog.action != "import_failed")  # type: ignore[arg-type]
        ).one()[0]
    return cases, events, data_version(engine), audits


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


CASES_HEADER = (
    "case_id,region,victim_status,incident_date,place_type,accused_agency,allegations,harm,"
    "complaint_date,complaint_channel,summary\n"
)
EVENTS_HEADER = "case_id,seq,event_date,event_type,agency,note\n"


def _case_line(case_id: str, incident: str = "2012-07", summary: str = "") -> str:
    return (
        f"{case_id},KZ-71,accused,{incident},police_station,MVD_POLICE,beating,injury,"
        f"2012-08,crime_report,{summary}\n"
    )


# --- the spec's examples -------------------------------------------------------------------------


def test_examples_read_in_canonical_schema() -> None:
    frames = read_files(EXAMPLE_FILES)
    assert frames.cases.schema == pl.Schema(CASE_SCHEMA)
    assert frames.events.schema == pl.Schema(EVENT_SCHEMA)
    assert frames.cases["case_id"].to_list() == ["DOC-EVL", "DOC-ROZ"]
    assert frames.events.height == 15
    rozhnov = frames.cases.row(1, named=True)
    assert rozhnov["victim_age"] == 20 and rozhnov["lawyer"] is True
    assert rozhnov["incident_date"] == "2012"  # precision kept
    assert rozhnov["medical_evidence"] == "none" and rozhnov["synthetic"] is False  # defaults


def test_examples_import_cleanly(engine: Engine) -> None:
    result = import_files(engine, EXAMPLE_FILES, actor="secretariat")
    assert (result.cases_inserted, result.events_inserted) == (2, 15)
    assert (result.cases_updated, result.events_updated) == (0, 0)
    cases, events = load_frames(engine)
    frames = read_files(EXAMPLE_FILES)
    assert_frame_equal(cases, frames.cases)
    assert_frame_equal(events, frames.events)
    assert data_version(engine) == 1
    with Session(engine) as s:
        case = s.get(Case, "DOC-EVL")
        assert case is not None and case.incident_date == "2008-12"
        assert case.incident_on.isoformat() == "2008-12-15"  # imputed middle of the month
        ev = s.exec(select(Event).where(Event.case_id == "DOC-ROZ", Event.seq == 3)).one()[0]  # type: ignore[call-overload]
        assert ev.event_on.isoformat() == "2012-07-01" and ev.trigger == "media"
        audit = s.exec(select(AuditLog)).one()[0]  # type: ignore[call-overload]
    assert audit.action == "import" and audit.username == "secretariat"
    detail = json.loads(audit.detail)
    assert detail["files"] == ["cases.csv", "events.csv"] and detail["events_inserted"] == 15
    assert "Evloev" not in audit.detail  # no personal data in the audit log


def test_reimport_updates_never_duplicates(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES)
    before = load_frames(engine)
    result = import_files(engine, EXAMPLE_FILES)
    assert (result.cases_inserted, result.cases_updated) == (0, 2)
    assert (result.events_inserted, result.events_updated) == (0, 15)
    after = load_frames(engine)
    assert_frame_equal(before[0], after[0])
    assert_frame_equal(before[1], after[1])
    assert data_version(engine) == 2


def test_reimport_changes_values_and_keeps_unlisted_events(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, EXAMPLE_FILES)
    events = _write(
        tmp_path / "events.csv",
        EVENTS_HEADER + "DOC-ROZ,9,2014,reparation_awarded,COURT,paid late\n",
    )
    result = import_files(engine, [events])
    assert (result.events_inserted, result.events_updated) == (0, 1)
    _, stored = load_frames(engine)
    assert stored.height == 15  # events not in the new file are kept
    row = stored.filter(case_id="DOC-ROZ", seq=9).row(0, named=True)
    assert (row["event_date"], row["note"]) == ("2014", "paid late")


# --- every rule of the Validation section -------------------------------------------------------------


def test_broken_files_list_every_problem(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES)
    before = _state(engine)
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, BROKEN_FILES)
    assert _shown(info.value.problems) == _expected()
    after = _state(engine)
    assert_frame_equal(before[0], after[0])
    assert_frame_equal(before[1], after[1])
    assert before[2:] == after[2:]  # data version and audit log untouched (but the refusal)


def test_read_files_reports_all_but_database_checks() -> None:
    with pytest.raises(ImportValidationError) as info:
        read_files(BROKEN_FILES)
    expected = [line for line in _expected() if "NO-SUCH-CASE" not in line]
    assert _shown(info.value.problems) == expected


def test_problem_format() -> None:
    p = ImportProblem("cases.csv", 7, "victim_age", Message("must be a whole number 10-110"), "9")
    assert str(p) == "cases.csv:7: victim_age: must be a whole number 10-110 (got '9')"
    error = ImportValidationError([p, ImportProblem("a.csv", 2, "seq", Message("required"), None)])
    assert str(error).splitlines()[0] == "a.csv:2: seq: required (got '')"


def test_valid_rows_of_broken_file_are_not_written(engine: Engine) -> None:
    with pytest.raises(ImportValidationError):
        import_files(engine, BROKEN_FILES)
    cases, events = load_frames(engine)
    assert cases.is_empty() and events.is_empty()
    assert data_version(engine) == 0


def test_events_only_import_against_database(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [EXAMPLES / "cases.csv"])
    events = _write(
        tmp_path / "events-new.csv",
        EVENTS_HEADER + "DOC-EVL,1,2008-12-10,complaint_lodged,PROS_LOCAL,\n"
        "DOC-EVL,2,2008-11,screening_started,MVD_IID,\n",
    )
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [events])
    assert [p.line for p in info.value.problems] == [3, 3]  # back in time; before the incident
    ok = _write(
        tmp_path / "events-ok.csv", EVENTS_HEADER + "DOC-EVL,1,2008-12,complaint_lodged,NGO,\n"
    )
    assert import_files(engine, [ok]).events_inserted == 1


def test_order_checked_against_stored_events(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, EXAMPLE_FILES)
    # stored DOC-EVL seq 2..6 are 2009-2013; a new seq 1 in 2014 makes them go back in time
    events = _write(
        tmp_path / "events.csv", EVENTS_HEADER + "DOC-EVL,1,2014,complaint_lodged,NGO,\n"
    )
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [events])
    problems = info.value.problems
    assert {p.file for p in problems} == {"database"}
    assert "stored event DOC-EVL seq 2" in problems[0].reason
    assert len(problems) == 5


def test_reimported_case_checked_against_stored_events(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, EXAMPLE_FILES)
    text = (EXAMPLES / "cases.csv").read_text("utf-8").replace(",2008-12,", ",2010-06,")
    text = text.replace(",2008-12-10,", ",2010-06,")
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [_write(tmp_path / "cases.csv", text)])
    assert all("before the case's incident_date" in p.reason for p in info.value.problems)
    assert [p.file for p in info.value.problems] == ["database"] * 4


def test_xlsx_rows_are_sheet_rows(engine: Engine, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "in.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("cases")
        sheet.write_row(0, 0, CASES_HEADER.strip().split(","))
        sheet.write_row(1, 0, _case_line("X-1").strip().split(","))
        # row 3 left blank; row 4 has a bad region and an age typed as a number
        bad = _case_line("X-2").strip().replace("KZ-71", "KZ-00").split(",")
        sheet.write_row(3, 0, bad)
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [path])
    assert [str(p) for p in info.value.problems] == [
        f"{path}[cases]:4: region: not a region code of regions.csv (got 'KZ-00')"
    ]


def test_file_level_problems(tmp_path: Path) -> None:
    ragged = _write(tmp_path / "cases.csv", CASES_HEADER + _case_line("A").strip() + ",extra\n")
    odd = _write(tmp_path / "notes.txt", "x")
    with pytest.raises(ImportValidationError) as info:
        read_files([ragged, odd, tmp_path / "missing.csv"])
    reasons = [(p.line, p.reason) for p in info.value.problems]
    assert (2, "more cells than columns") in reasons
    assert (0, "not a .csv or .xlsx file") in reasons and (0, "no such file") in reasons


def test_csv_kind_from_header(tmp_path: Path) -> None:
    one = _write(tmp_path / "a.csv", CASES_HEADER + _case_line("A"))
    two = _write(tmp_path / "b.csv", EVENTS_HEADER + "A,1,2012-08,complaint_lodged,NGO,\n")
    frames = read_files([one, two])
    assert (frames.cases.height, frames.events.height) == (1, 1)


# --- formula escaping --------------------------------------------------------------------------------


def test_formula_cells_stored_as_text(engine: Engine, tmp_path: Path) -> None:
    cases = _write(
        tmp_path / "cases.csv",
        CASES_HEADER
        + _case_line("F-1", summary="=HYPERLINK(1)")
        + _case_line("F-2", summary="'+escaped")
        + _case_line("F-3", summary="''@twice")
        + _case_line("F-4", summary="'plain quote"),
    )
    import_files(engine, [cases])
    stored, _ = load_frames(engine)
    assert stored["summary"].to_list() == ["=HYPERLINK(1)", "+escaped", "'@twice", "'plain quote"]


# --- frames ------------------------------------------------------------------------------------------


def test_import_frames_validates_like_files(engine: Engine) -> None:
    frames = read_files(EXAMPLE_FILES)
    assert import_frames(engine, frames).cases_inserted == 2
    broken = ContractFrames(
        cases=frames.cases.with_columns(pl.lit("KZ-00").alias("region")),
        events=frames.events,
    )
    with pytest.raises(ImportValidationError) as info:
        import_frames(engine, broken, source_names=("gen-cases", "gen-events"))
    assert [str(p) for p in info.value.problems][0] == (
        "gen-cases:2: region: not a region code of regions.csv (got 'KZ-00')"
    )


def test_progress_is_reported(engine: Engine) -> None:
    seen: list[tuple[str, int, int]] = []
    import_files(engine, EXAMPLE_FILES, progress=lambda *a: seen.append(a))
    assert ("cases", 2, 2) in seen and ("events", 15, 15) in seen


# --- limits and rules added by the hardening (README, "Limits") ---------------------------------


def test_future_dates_are_refused(tmp_path: Path) -> None:
    cases = _write(tmp_path / "cases.csv", CASES_HEADER + _case_line("F-1", incident="2099"))
    events = _write(tmp_path / "events.csv", EVENTS_HEADER + "F-1,1,2100-01-02,referred,SPU,\n")
    with pytest.raises(ImportValidationError) as info:
        read_files([cases, events])
    today = date.today().isoformat()
    shown = {(p.column, p.reason) for p in info.value.problems}
    assert ("incident_date", f"in the future (today is {today})") in shown
    assert ("event_date", f"in the future (today is {today})") in shown


def test_this_year_is_not_the_future(tmp_path: Path) -> None:
    year = str(date.today().year)
    line = _case_line("T-1", incident=year).replace(",2012-08,", f",{year},")
    cases = _write(tmp_path / "cases.csv", CASES_HEADER + line)
    assert read_files([cases]).cases.height == 1


def test_case_ids_differing_in_letter_case_are_one_case(engine: Engine, tmp_path: Path) -> None:
    both = _write(
        tmp_path / "cases.csv", CASES_HEADER + _case_line("SEC-DI") + _case_line("sec-di")
    )
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [both])
    (problem,) = info.value.problems
    assert (problem.line, problem.reason) == (3, f"case_id repeated (first at {both}:2)")
    import_files(engine, [_write(tmp_path / "one.csv", CASES_HEADER + _case_line("SEC-DI"))])
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [_write(tmp_path / "two.csv", CASES_HEADER + _case_line("Sec-Di"))])
    assert [p.reason for p in info.value.problems] == [
        "the stored case SEC-DI differs only in letter case"
    ]


def test_header_only_file_is_an_error(engine: Engine, tmp_path: Path) -> None:
    empty = _write(tmp_path / "cases.csv", CASES_HEADER)
    with pytest.raises(ImportValidationError) as info:
        import_files(engine, [empty])
    assert [str(p) for p in info.value.problems] == [
        f"{empty}:2: -: no data rows under the header (got '')"
    ]


def test_free_text_length_limits(tmp_path: Path) -> None:
    from dashboard.data.contract import MAX_CHARS

    ok = _write(
        tmp_path / "ok.csv", CASES_HEADER + _case_line("L-1", summary="я" * MAX_CHARS["summary"])
    )
    assert read_files([ok]).cases.height == 1
    long = _write(
        tmp_path / "cases.csv",
        CASES_HEADER + _case_line("L-1", summary="я" * (MAX_CHARS["summary"] + 1)),
    )
    with pytest.raises(ImportValidationError) as info:
        read_files([long])
    assert [p.reason for p in info.value.problems] == ["longer than 10000 characters"]


def test_problems_shown_in_russian() -> None:
    from dashboard.i18n import Message, set_language

    set_language("ru")
    try:
        longer = Message("longer than {limit} characters", {"limit": 10000})
        assert longer.translated() == "длиннее 10000 символов"
        formula = Message("a formula, not a value: enter the value itself")
        assert formula.translated().startswith("формула")
    finally:
        set_language("en")
