"""Committee workflow: frozen snapshots, docket edits, recommendations and their follow-up."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import committee
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.committee import accountability as acc
from dashboard.data import public as public_data
from dashboard.data.importer import import_files
from dashboard.data.store import load_frames
from dashboard.engine.indicators import compute_indicators
from dashboard.engine.metrics import case_metrics
from db.models import AuditLog, DocketEntry, RecommendationUpdate
from tests.committee.loop_fixtures import tracker_sheet
from tests.conftest import ROOT

DOCUMENTED = [
    ROOT / "seed" / "documented" / "cases.csv",
    ROOT / "seed" / "documented" / "events.csv",
]
SEC = Principal("sec", "secretariat")
MEM = Principal("mem", "member")
SPU = Principal("spu", "spu_head")
OBS = Principal("obs", "observer")
PERIOD = "2012-H2"
SESSION_DAY = date(2013, 2, 15)


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    import_files(engine, DOCUMENTED, actor="test")
    return engine


def _session(engine: Engine, **kw) -> int:
    args = {
        "title": "Winter session",
        "session_date": SESSION_DAY,
        "period": PERIOD,
        "members_present": "A. Member\nB. Member",
    } | kw
    row = committee.create_session(engine=engine, principal=SEC, **args)
    assert row.id is not None
    return row.id


def _extra_case(
    tmp_path: Path, case_id: str = "NEW-2012-001", name: str = "Secret Person"
) -> list[Path]:
    """One more complaint in 2012-H2 (with a criminal case opened), as contract CSV files."""
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_id,region,victim_name,identity_public,victim_status,incident_date,place_type,"
        "accused_agency,allegations,harm,complaint_date,complaint_channel,summary\n"
        f"{case_id},KZ-39,{name},false,suspect,2012-08-01,police_station,MVD_POLICE,beating,"
        "serious_injury,2012-08-03,crime_report,Beaten at a police station.\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,seq,event_date,event_type,agency,to_agency,qualification\n"
        f"{case_id},1,2012-08-03,complaint_lodged,PROS_LOCAL,,\n"
        f"{case_id},2,2012-08-20,criminal_case_opened,PROS_LOCAL,MVD_IID,abuse_of_power\n",
        encoding="utf-8",
    )
    return [cases, events]


def _live_complaints(engine: Engine, as_of: date) -> int:
    cases, events = load_frames(engine)
    figs = compute_indicators(
        case_metrics(cases, events, as_of), start=date(2012, 7, 1), end=date(2012, 12, 31)
    )
    return int(figs["complaints"].value)


# --- sessions and snapshots -------------------------------------------------------------------


def test_create_session_freezes_figures_and_suggested_docket(loaded: Engine) -> None:
    sid = _session(loaded)
    sess = committee.get_session(engine=loaded, principal=MEM, session_id=sid)
    assert (sess.period_start, sess.period_end, sess.as_of) == (
        date(2012, 7, 1),
        date(2012, 12, 31),
        date(2012, 12, 31),
    )
    assert sess.status == "planned" and sess.members_present == "A. Member\nB. Member"
    snap = committee.session_snapshot(engine=loaded, principal=MEM, session_id=sid)
    # the documented set has these complaints in 2012-H2 (imputed complaint dates)
    cases, _ = load_frames(loaded)
    metrics = case_metrics(*load_frames(loaded), date(2012, 12, 31))
    expected = metrics.filter(
        pl.col("complaint_on").is_between(date(2012, 7, 1), date(2012, 12, 31))
    ).height
    assert expected > 0 and snap.indicators["complaints"].value == expected
    assert snap.period == PERIOD and snap.as_of == date(2012, 12, 31)
    # every suggestion became a docket entry with its reasons
    docket = committee.docket_frame(engine=loaded, principal=MEM, session_id=sid)
    assert sorted(docket["case_id"]) == sorted(d.case_id for d in snap.docket)
    assert docket.height > 0
    assert all(len(r) > 0 for r in docket["reasons"])
    assert set(docket["origin"]) == {"suggested"}
    # the frozen per-case metrics never carry personal data
    blob = snap.dump()
    assert "victim_name" not in blob and "summary" not in blob
    names = cases.filter(pl.col("victim_name").is_not_null())["victim_name"].to_list()
    assert not any(n in blob for n in names)


def test_snapshot_unchanged_after_a_new_import(loaded: Engine, tmp_path: Path) -> None:
    sid = _session(loaded)
    before = committee.session_snapshot(engine=loaded, principal=SEC, session_id=sid)
    docket_before = committee.docket_frame(engine=loaded, principal=SEC, session_id=sid)
    live_before = _live_complaints(loaded, date(2012, 12, 31))

    import_files(loaded, _extra_case(tmp_path), actor="test")

    assert _live_complaints(loaded, date(2012, 12, 31)) == live_before + 1  # the import counts…
    after = committee.session_snapshot(engine=loaded, principal=SEC, session_id=sid)
    assert after == before  # …but not in what the session saw
    assert after.indicators["complaints"].value == live_before
    assert committee.docket_frame(engine=loaded, principal=SEC, session_id=sid).equals(
        docket_before
    )
    # a session created now does see it
    sid2 = _session(loaded, title="Later look at the same half-year")
    assert (
        committee.session_snapshot(engine=loaded, principal=SEC, session_id=sid2)
        .indicators["complaints"]
        .value
        == live_before + 1
    )


def test_session_validation_says_what_and_where(loaded: Engine) -> None:
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.create_session(
            engine=loaded, principal=SEC, title=" ", session_date=date(2012, 1, 1), period="2012-H3"
        )
    fields = [p.field for p in e.value.problems]
    assert fields == ["title", "period"]
    assert "2012-H3" in str(e.value)
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.create_session(
            engine=loaded,
            principal=SEC,
            title="Early",
            session_date=date(2012, 3, 1),
            period=PERIOD,
        )
    assert [p.field for p in e.value.problems] == ["session_date"]
    assert committee.list_sessions(engine=loaded, principal=SEC).is_empty()


def test_roles_are_enforced_server_side(loaded: Engine) -> None:
    with pytest.raises(AccessDenied):
        committee.create_session(
            engine=loaded, principal=MEM, title="x", session_date=SESSION_DAY, period=PERIOD
        )
    sid = _session(loaded)
    with pytest.raises(AccessDenied):
        committee.docket_frame(engine=loaded, principal=OBS, session_id=sid)
    with pytest.raises(AccessDenied):
        committee.docket_frame(engine=loaded, principal=SPU, session_id=sid)
    with pytest.raises(AccessDenied):
        committee.set_session_status(engine=loaded, principal=MEM, session_id=sid, status="held")
    # the observer sees the session's systemic figures, never its docket or case ids
    snap = committee.session_snapshot(engine=loaded, principal=OBS, session_id=sid)
    assert snap.docket == [] and snap.case_metrics == {}
    assert snap.indicators and all(
        not f.numerator_ids and not f.denominator_ids for f in snap.indicators.values()
    )


def test_status_changes_are_audited(loaded: Engine) -> None:
    sid = _session(loaded)
    committee.set_session_status(engine=loaded, principal=SEC, session_id=sid, status="held")
    assert committee.get_session(engine=loaded, principal=SEC, session_id=sid).status == "held"
    with Session(loaded) as s:
        row = s.exec(
            select(AuditLog).where(
                AuditLog.entity == "committee_session", AuditLog.action == "update"
            )
        ).one()
    assert json.loads(row.before_json or "{}") == {"status": "planned"}
    assert json.loads(row.after_json or "{}") == {"status": "held"}


# --- docket -----------------------------------------------------------------------------------


def test_manual_docket_changes_need_a_reason(loaded: Engine) -> None:
    sid = _session(loaded)
    docket = committee.docket_frame(engine=loaded, principal=SEC, session_id=sid)
    outside = next(
        c
        for c in ("DOC-ZHA", "DOC-EVL", "DOC-SAG", "DOC-BAI")
        if c not in docket["case_id"].to_list()
    )
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.add_docket_case(
            engine=loaded, principal=SEC, session_id=sid, case_id=outside, reason=""
        )
    assert [p.field for p in e.value.problems] == ["reason"]
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.add_docket_case(
            engine=loaded, principal=SEC, session_id=sid, case_id="NO-SUCH", reason="because"
        )
    assert e.value.problems[0].field == "case_id" and "NO-SUCH" in str(e.value)

    committee.add_docket_case(
        engine=loaded, principal=SEC, session_id=sid, case_id=outside, reason="Raised by the PMC"
    )
    first = docket["case_id"][0]
    with pytest.raises(committee.WorkflowValidationError):
        committee.remove_docket_case(
            engine=loaded, principal=SEC, session_id=sid, case_id=first, reason=" "
        )
    committee.remove_docket_case(
        engine=loaded, principal=SEC, session_id=sid, case_id=first, reason="Reviewed last session"
    )
    now = committee.docket_frame(engine=loaded, principal=SEC, session_id=sid, include_removed=True)
    added = now.filter(pl.col("case_id") == outside).row(0, named=True)
    removed = now.filter(pl.col("case_id") == first).row(0, named=True)
    assert (added["origin"], added["included"], added["manual_reason"]) == (
        "manual",
        True,
        "Raised by the PMC",
    )
    assert (removed["included"], removed["manual_reason"]) == (False, "Reviewed last session")
    assert (
        first
        not in committee.docket_frame(engine=loaded, principal=SEC, session_id=sid)[
            "case_id"
        ].to_list()
    )
    with pytest.raises(committee.WorkflowValidationError):  # already off the docket
        committee.remove_docket_case(
            engine=loaded, principal=SEC, session_id=sid, case_id=first, reason="again"
        )
    with pytest.raises(AccessDenied):
        committee.add_docket_case(
            engine=loaded, principal=MEM, session_id=sid, case_id=first, reason="mine"
        )
    # a closed session's docket no longer changes
    committee.set_session_status(engine=loaded, principal=SEC, session_id=sid, status="closed")
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.add_docket_case(
            engine=loaded, principal=SEC, session_id=sid, case_id=first, reason="late"
        )
    assert e.value.problems[-1].field == "session"


def test_members_comment_and_names_show_only_where_public(loaded: Engine) -> None:
    sid = _session(loaded)
    cases, _ = load_frames(loaded)
    public = dict(zip(cases["case_id"], cases["identity_public"], strict=True))
    on = committee.docket_frame(engine=loaded, principal=MEM, session_id=sid)["case_id"].to_list()
    for case_id in ("DOC-ZHA", "DOC-BAI"):  # one name withheld, one public
        if case_id not in on:
            committee.add_docket_case(
                engine=loaded,
                principal=SEC,
                session_id=sid,
                case_id=case_id,
                reason="For comparison",
            )
    docket = committee.docket_frame(engine=loaded, principal=MEM, session_id=sid)
    assert {public[c] for c in docket["case_id"]} == {True, False}
    for row in docket.iter_rows(named=True):
        if public[row["case_id"]]:
            assert row["victim_name"]
        else:
            assert row["victim_name"] is None
    entry = docket.row(0, named=True)["entry_id"]
    committee.add_comment(engine=loaded, principal=MEM, entry_id=entry, text="Ask the SPU why")
    committee.add_comment(engine=loaded, principal=SEC, entry_id=entry, text="Will do")
    comments = committee.comments_frame(engine=loaded, principal=MEM, entry_id=entry)
    assert comments["author"].to_list() == ["mem", "sec"]
    with pytest.raises(committee.WorkflowValidationError):
        committee.add_comment(engine=loaded, principal=MEM, entry_id=entry, text="  ")
    with pytest.raises(AccessDenied):
        committee.add_comment(engine=loaded, principal=SPU, entry_id=entry, text="no")
    # comments never reach the audit log as text
    with Session(loaded) as s:
        details = [
            a.detail or ""
            for a in s.exec(select(AuditLog).where(AuditLog.entity == "docket_comment"))
        ]
    assert len(details) == 2 and not any("SPU why" in d for d in details)


# --- recommendations --------------------------------------------------------------------------


def _systemic(engine: Engine, sid: int, **kw) -> int:
    args = {
        "kind": "systemic",
        "addressee": "SPU",
        "text": "SPU to take charge of all torture complaints in KZ-39",
        "due_date": date(2013, 9, 1),
        "target_indicator": "spu_involvement_rate",
        "target_region": "KZ-39",
    } | kw
    rec = committee.create_recommendation(engine=engine, principal=SEC, session_id=sid, **args)
    assert rec.id is not None
    return rec.id


def test_follow_up_history_is_append_only_and_ordered(loaded: Engine) -> None:
    sid = _session(loaded)
    rid = _systemic(loaded, sid)
    rec = committee.get_recommendation(engine=loaded, principal=SEC, recommendation_id=rid)
    assert (rec.status, rec.status_date, rec.version) == ("issued", SESSION_DAY, 1)
    rec = committee.record_status(
        engine=loaded,
        principal=SEC,
        recommendation_id=rid,
        status="acknowledged",
        status_date=date(2013, 3, 1),
        evidence="Letter of the PGO",
        expected_version=1,
    )
    assert rec.version == 2
    rec = committee.record_status(
        engine=loaded,
        principal=SEC,
        recommendation_id=rid,
        status="in_progress",
        status_date=date(2013, 5, 1),
        evidence=None,
        expected_version=2,
    )
    assert (rec.status, rec.status_date, rec.version) == ("in_progress", date(2013, 5, 1), 3)
    hist = committee.history_frame(engine=loaded, principal=MEM, recommendation_ids=[rid])
    assert hist["status"].to_list() == ["issued", "acknowledged", "in_progress"]
    assert hist["status_date"].to_list() == [SESSION_DAY, date(2013, 3, 1), date(2013, 5, 1)]
    assert hist["evidence"].to_list() == [None, "Letter of the PGO", None]
    assert hist["recorded_by"].to_list() == ["sec"] * 3
    # the observer sees the statuses, but no unpublished evidence and no staff usernames
    seen = committee.history_frame(engine=loaded, principal=OBS, recommendation_ids=[rid])
    assert seen["status"].to_list() == ["issued", "acknowledged", "in_progress"]
    assert seen["evidence"].to_list() == [None, None, None]
    assert seen["recorded_by"].to_list() == [None] * 3

    # a save from a stale page is refused, names who changed it, and writes nothing
    with pytest.raises(committee.StaleEdit) as e:
        committee.record_status(
            engine=loaded,
            principal=SEC,
            recommendation_id=rid,
            status="implemented",
            status_date=date(2013, 6, 1),
            evidence="Order 12",
            expected_version=2,
        )
    assert "changed by sec" in str(e.value) and "reload" in str(e.value)
    with Session(loaded) as s:
        ids_before = s.exec(
            select(RecommendationUpdate.id).order_by(col(RecommendationUpdate.id))
        ).all()
    assert len(ids_before) == 3

    # validation: no backdating, no future, evidence for a closing status
    for status, day, evidence, field in [
        ("implemented", date(2013, 4, 1), "x", "status_date"),
        ("implemented", date.today() + timedelta(days=2), "x", "status_date"),
        ("implemented", date(2013, 6, 1), " ", "evidence"),
        ("finished", date(2013, 6, 1), "x", "status"),
    ]:
        with pytest.raises(committee.WorkflowValidationError) as err:
            committee.record_status(
                engine=loaded,
                principal=SEC,
                recommendation_id=rid,
                status=status,
                status_date=day,
                evidence=evidence,
                expected_version=3,
            )
        assert [p.field for p in err.value.problems] == [field]
    assert (
        committee.history_frame(engine=loaded, principal=SEC, recommendation_ids=[rid]).height == 3
    )
    with pytest.raises(AccessDenied):
        committee.record_status(
            engine=loaded,
            principal=MEM,
            recommendation_id=rid,
            status="implemented",
            status_date=date(2013, 6, 1),
            evidence="x",
            expected_version=3,
        )

    # every change is audited with before and after
    with Session(loaded) as s:
        rows = s.exec(
            select(AuditLog)
            .where(AuditLog.entity == "recommendation", AuditLog.entity_id == str(rid))
            .order_by(col(AuditLog.id))
        ).all()
    assert [r.action for r in rows] == ["create", "update", "update"]
    assert json.loads(rows[2].before_json or "{}")["status"] == "acknowledged"
    assert json.loads(rows[2].after_json or "{}")["status"] == "in_progress"


def test_recommendation_validation(loaded: Engine) -> None:
    sid = _session(loaded)
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.create_recommendation(
            engine=loaded,
            principal=SEC,
            session_id=sid,
            kind="case",
            case_id="NOT-ON-DOCKET",
            addressee="NOBODY",
            text="short",
            due_date=date(2012, 1, 1),
            target_indicator="no_such_indicator",
            target_region="KZ-00",
        )
    assert [p.field for p in e.value.problems] == [
        "case_id",
        "addressee",
        "text",
        "due_date",
        "target_indicator",
        "target_region",
    ]
    with pytest.raises(committee.WorkflowValidationError) as e:
        committee.create_recommendation(
            engine=loaded,
            principal=SEC,
            session_id=sid,
            kind="systemic",
            addressee="SPU",
            text="Take charge of all complaints",
            due_date=None,
        )
    assert [p.field for p in e.value.problems] == ["target_indicator"]
    with pytest.raises(AccessDenied):
        committee.create_recommendation(
            engine=loaded,
            principal=MEM,
            session_id=sid,
            kind="systemic",
            addressee="SPU",
            text="Take charge of all complaints",
            due_date=None,
            target_indicator="complaints",
        )


def test_update_recommendation_is_guarded_by_version(loaded: Engine) -> None:
    sid = _session(loaded)
    rid = _systemic(loaded, sid)
    rec = committee.update_recommendation(
        engine=loaded,
        principal=SEC,
        recommendation_id=rid,
        expected_version=1,
        text="SPU to take charge of all torture complaints in KZ-39 and KZ-75",
    )
    assert rec.version == 2 and rec.text.endswith("KZ-75") and rec.status == "issued"
    with pytest.raises(committee.StaleEdit):
        committee.update_recommendation(
            engine=loaded,
            principal=SEC,
            recommendation_id=rid,
            expected_version=1,
            text="Other wording here",
        )
    assert committee.get_recommendation(
        engine=loaded, principal=SEC, recommendation_id=rid
    ).text.endswith("KZ-75")


# --- tracker ----------------------------------------------------------------------------------


def test_tracker_filters_overdue_and_observer_view(loaded: Engine) -> None:
    sid = _session(loaded)
    sid2 = _session(loaded, title="Summer", session_date=date(2013, 8, 1), period="2013-H1")
    docket = committee.docket_frame(engine=loaded, principal=SEC, session_id=sid)
    case_id = docket["case_id"][0]
    late = _systemic(loaded, sid)  # due 2013-09-01: overdue
    done = _systemic(
        loaded, sid, addressee="PGO", text="PGO to instruct prosecutors on reclassification"
    )
    committee.record_status(
        engine=loaded,
        principal=SEC,
        recommendation_id=done,
        status="implemented",
        status_date=date(2013, 10, 1),
        evidence="Instruction No. 5",
        expected_version=1,
    )
    case_rec = committee.create_recommendation(
        engine=loaded,
        principal=SEC,
        session_id=sid,
        kind="case",
        case_id=case_id,
        addressee="PROS_REGIONAL",
        text="Reopen the investigation and question the officers",
        due_date=None,
    ).id
    later = _systemic(loaded, sid2, addressee="MVD_IID", due_date=date.today() + timedelta(days=30))
    today = date.today()

    frame = committee.tracker_frame(engine=loaded, principal=MEM, today=today)
    assert frame.height == 4
    overdue = dict(zip(frame["id"], frame["overdue"], strict=True))
    assert overdue == {late: True, done: False, case_rec: False, later: False}
    assert frame["id"][0] == late  # overdue first
    assert (
        frame.filter(pl.col("id") == late)["days_overdue"].item() == (today - date(2013, 9, 1)).days
    )

    def ids(**f) -> set[int]:
        return set(committee.tracker_frame(engine=loaded, principal=MEM, today=today, **f)["id"])

    assert ids(overdue_only=True) == {late}
    assert ids(statuses=["implemented"]) == {done}
    assert ids(addressees=["PGO", "MVD_IID"]) == {done, later}
    assert ids(session_ids=[sid2]) == {later}
    assert ids(open_only=True) == {late, case_rec, later}

    internal = committee.tracker_frame(engine=loaded, principal=MEM, today=today)
    observer = committee.tracker_frame(engine=loaded, principal=OBS, today=today)
    assert internal.filter(pl.col("id") == case_rec)["case_id"].item() == case_id
    assert observer.filter(pl.col("id") == case_rec)["case_id"].item() is None
    assert observer["case_id"].null_count() == observer.height
    assert (
        committee.get_recommendation(
            engine=loaded, principal=OBS, recommendation_id=case_rec
        ).case_id
        is None
    )

    xlsx = committee.export_tracker_xlsx(
        engine=loaded, principal=OBS, today=today, overdue_only=False
    )
    sheet = tracker_sheet(xlsx, 1)
    assert sheet.height == 4 and sheet["case_id"].null_count() == 4
    hist = tracker_sheet(xlsx, 2)
    assert hist.height == 5  # four "issued" and one "implemented"
    # nothing unpublished, no staff usernames
    assert hist["evidence"].null_count() == 5 and "recorded_by" not in hist.columns
    assert sheet["text"].null_count() == 4
    with Session(loaded) as s:
        entry = s.exec(
            select(RecommendationUpdate).where(RecommendationUpdate.status == "implemented")
        ).one()
    assert entry.id is not None
    acc.publish(
        engine=loaded,
        principal=SEC,
        kind="assessment",
        item_id=entry.id,
        public_text="Instruction No. 5",
    )
    acc.publish(
        engine=loaded,
        principal=SEC,
        kind="recommendation",
        item_id=done,
        public_text="PGO: instruct",
    )
    xlsx = committee.export_tracker_xlsx(
        engine=loaded, principal=OBS, today=today, overdue_only=False
    )
    hist = tracker_sheet(xlsx, 2)
    assert "Instruction No. 5" in hist["evidence"].to_list()
    sheet = tracker_sheet(xlsx, 1)
    assert sheet["text"].drop_nulls().to_list() == ["PGO: instruct"]
    staff = tracker_sheet(
        committee.export_tracker_xlsx(engine=loaded, principal=MEM, today=today), 2
    )
    assert staff["recorded_by"].to_list() == ["sec"] * 5


def test_addressee_sees_its_own_agency_only(loaded: Engine) -> None:
    sid = _session(loaded)
    docket = committee.docket_frame(engine=loaded, principal=SEC, session_id=sid)
    mine = _systemic(loaded, sid, addressee="PGO", text="PGO to instruct prosecutors on this")
    case_rec = committee.create_recommendation(
        engine=loaded,
        principal=SEC,
        session_id=sid,
        kind="case",
        case_id=docket["case_id"][0],
        addressee="PGO",
        text="Reopen the investigation and question the officers",
        due_date=None,
    ).id
    theirs = _systemic(loaded, sid, addressee="MVD_IID")
    pgo = Principal("agency-pgo", "addressee", agency_code="PGO")
    frame = committee.tracker_frame(engine=loaded, principal=pgo)
    assert set(frame["id"]) == {mine, case_rec} and set(frame["addressee"]) == {"PGO"}
    # its own recommendation's text and case reference, nothing of another agency's
    assert frame.filter(pl.col("id") == case_rec)["case_id"].item() == docket["case_id"][0]
    assert frame.filter(pl.col("id") == mine)["text"].item().startswith("PGO to instruct")
    with pytest.raises(committee.NotFound):
        committee.get_recommendation(engine=loaded, principal=pgo, recommendation_id=theirs)
    assert committee.history_frame(engine=loaded, principal=pgo)[
        "recommendation_id"
    ].unique().sort().to_list() == sorted([mine, case_rec])
    spu = committee.tracker_frame(engine=loaded, principal=SPU)
    assert spu.is_empty()  # nothing addressed to the SPU here


def test_before_after_of_the_targeted_indicator(loaded: Engine) -> None:
    sid = _session(loaded)
    rid = _systemic(loaded, sid, target_indicator="complaints", target_region=None)
    ba = committee.indicator_before_after(
        engine=loaded, principal=SEC, recommendation_id=rid, as_of=date(2016, 6, 30)
    )
    assert ba is not None and ba.before is not None and ba.after is not None
    snap = committee.session_snapshot(engine=loaded, principal=SEC, session_id=sid)
    assert ba.before.value == snap.indicators["complaints"].value and ba.before.label == PERIOD
    # "after" is the latest half-year with complaints after the reviewed one
    metrics = case_metrics(*load_frames(loaded), date(2016, 6, 30))
    latest = metrics.filter(pl.col("complaint_on") > date(2012, 12, 31))["complaint_on"].max()
    from dashboard.data.contract import half_year_bounds, half_year_label

    label = half_year_label(latest)
    start, end = half_year_bounds(label)
    expected = metrics.filter(pl.col("complaint_on").is_between(start, end)).height
    assert (ba.after.label, ba.after.value) == (label, expected)

    regional = _systemic(loaded, sid)  # spu_involvement_rate in KZ-39
    ba = committee.indicator_before_after(
        engine=loaded, principal=SEC, recommendation_id=regional, as_of=date(2016, 6, 30)
    )
    assert ba is not None and ba.region == "KZ-39" and ba.indicator == "spu_involvement_rate"
    assert ba.before is not None

    # an observer sees the public figure of the same half-year, never the internal count
    public = committee.indicator_before_after(
        engine=loaded, principal=OBS, recommendation_id=rid, as_of=date(2016, 6, 30)
    )
    assert public is not None and public.before is not None and public.before.public is not None
    assert public.before.label == PERIOD and public.before.numerator is None
    pub = public_data.public_publication(loaded, OBS, as_of=date(2016, 6, 30))
    row = pub.frames["half_year"].filter(group=PERIOD, indicator="complaints").row(0, named=True)
    assert (public.before.public.display, public.before.value) == (row["display"], row["value"])


def test_suggested_entries_match_the_engine(loaded: Engine) -> None:
    """The docket entries carry the engine's scores and reasons for the session's as-of date."""
    from dashboard.engine.docket import docket_suggestions

    sid = _session(loaded)
    metrics = case_metrics(*load_frames(loaded), date(2012, 12, 31))
    engine_top = (
        docket_suggestions(metrics, as_of=date(2012, 12, 31))
        .filter(pl.col("score") > 0)
        .sort(["score", "case_id"], descending=[True, False])
        .head(committee.DOCKET_SIZE)
    )
    with Session(loaded) as s:
        entries = s.exec(select(DocketEntry).where(DocketEntry.session_id == sid)).all()
    got = {e.case_id: (e.score, json.loads(e.reasons_json)) for e in entries}
    want = {
        r["case_id"]: (float(r["score"]), list(r["reasons"]))
        for r in engine_top.iter_rows(named=True)
    }
    assert got == want
