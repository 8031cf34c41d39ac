"""The committee cycle through the pages: session, docket edits, recommendation, follow-up."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.data.contract import half_year_label
from dashboard.data.importer import ContractFrames, import_frames
from dashboard.i18n import label, set_language
from dashboard.i18n.format import fmt_period
from dashboard.ui.text import plain
from tests.ui.demo_data import demo_frames

SEC = Principal("test-secretariat", "secretariat")


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    set_language("en")


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def test_whole_cycle(page, demo_db) -> None:
    # 1. the secretariat creates a session; the half-year is picked from a list (no typing),
    # a missing title is refused and nothing entered is lost
    at = page("sessions")
    assert not at.exception, [e.value for e in at.exception]
    assert "2025-H1" in at.selectbox(key="new_session_period").options
    at.date_input(key="new_session_date").set_value(date(2025, 9, 15))
    at.selectbox(key="new_session_period").set_value("2025-H1")
    at.text_area(key="new_session_members").input("A. Member\nB. Member")
    at.button(key="new_session_submit").click().run()
    assert "Title" in _errors(at)
    assert at.selectbox(key="new_session_period").value == "2025-H1"
    assert at.text_area(key="new_session_members").value == "A. Member\nB. Member"
    assert committee.list_sessions(engine=demo_db, principal=SEC).is_empty()

    at.text_input(key="new_session_title").input("Autumn session 2025")
    at.button(key="new_session_submit").click().run()
    assert not at.exception and not at.error, _errors(at)
    sessions = committee.list_sessions(engine=demo_db, principal=SEC)
    assert sessions.height == 1
    sid = int(sessions["id"][0])
    assert sessions["members_present"][0] == "A. Member\nB. Member"
    assert any("created" in s.value for s in at.success)

    # 2. docket: add a case with a reason (refused without one), remove another with a reason
    at = page("docket", wf_session_id=sid)
    assert not at.exception, [e.value for e in at.exception]
    docket = committee.docket_frame(engine=demo_db, principal=SEC, session_id=sid)
    assert docket.height > 0 and at.dataframe[0].value.shape[0] == docket.height
    outside = next(
        f"SYN-{i:05d}" for i in range(1, 61) if f"SYN-{i:05d}" not in docket["case_id"].to_list()
    )
    at.text_input(key="docket_add_case").input(outside)
    at.button(key="docket_add_submit").click().run()
    assert "Reason" in _errors(at)
    assert at.text_input(key="docket_add_case").value == outside
    at.text_input(key="docket_add_reason").input("Raised by the PMC in Kostanay")
    at.button(key="docket_add_submit").click().run()
    assert not at.error, _errors(at)
    victim = docket["case_id"][0]
    at.selectbox(key="docket_remove_case").select(victim)
    at.text_input(key="docket_remove_reason").input("Reviewed at the last session")
    at.button(key="docket_remove_submit").click().run()
    assert not at.error, _errors(at)
    now = committee.docket_frame(
        engine=demo_db, principal=SEC, session_id=sid, include_removed=True
    )
    added = now.filter(pl.col("case_id") == outside).row(0, named=True)
    removed = now.filter(pl.col("case_id") == victim).row(0, named=True)
    assert (added["origin"], added["included"]) == ("manual", True)
    assert added["manual_reason"] == "Raised by the PMC in Kostanay"
    assert (removed["included"], removed["manual_reason"]) == (
        False,
        "Reviewed at the last session",
    )

    # a member comments on a docket case
    member = page("docket", role="member", wf_session_id=sid)
    assert not member.exception
    member.selectbox(key="docket_case").select(outside).run()
    member.text_area(key="docket_comment_text").input("Ask the SPU why nothing happened")
    member.button(key="docket_comment_submit").click().run()
    assert not member.error, _errors(member)
    assert any("Ask the SPU why" in m.value for m in member.markdown)
    with pytest.raises(KeyError):
        member.button(key="docket_add_submit")  # no docket editing for members

    # a complaint lodged today in KZ-39, so the latest half-year after the session is running
    cases, events = demo_frames(1, first=date.today())
    fresh = pl.lit("SYN-TODAY")
    import_frames(
        demo_db,
        ContractFrames(cases.with_columns(case_id=fresh), events.with_columns(case_id=fresh)),
        actor="test",
    )

    # 3. a systemic recommendation; a missing addressee is reported and the text kept
    at = page("recommendations", wf_session_id=sid)
    assert not at.exception, [e.value for e in at.exception]
    text = "SPU to take charge of all torture complaints in KZ-39"
    at.radio(key="rec_kind").set_value("systemic")
    at.text_area(key="rec_text").input(text)
    at.date_input(key="rec_due").set_value(date.today() + timedelta(days=365))
    at.selectbox(key="rec_indicator").select("spu_involvement_rate")
    at.selectbox(key="rec_region").select("KZ-39")
    at.button(key="rec_new_submit").click().run()
    assert "Addressee" in _errors(at)
    assert at.text_area(key="rec_text").value == text
    at.selectbox(key="rec_addressee").select("SPU")
    at.button(key="rec_new_submit").click().run()
    assert not at.error, _errors(at)
    recs = committee.tracker_frame(engine=demo_db, principal=SEC, session_ids=[sid])
    assert recs.height == 1 and recs["text"][0] == text and recs["addressee"][0] == "SPU"
    rid = int(recs["id"][0])

    # 4. two status updates, then the history shows issued, acknowledged, in progress in order
    at.selectbox(key="rec_new_status").select("acknowledged")
    at.text_area(key="rec_evidence").input("Letter of the PGO no. 4")
    at.button(key="rec_status_submit").click().run()
    assert not at.error, _errors(at)
    at.selectbox(key="rec_new_status").select("in_progress")
    at.text_area(key="rec_evidence").input("Two regional SPU posts created")
    at.button(key="rec_status_submit").click().run()
    assert not at.error, _errors(at)
    # the timeline, oldest first, one list numbered 1, 2, 3
    history = next(m.value for m in at.markdown if m.value.startswith("1. **")).splitlines()
    assert [line.split(".")[0] for line in history] == ["1", "2", "3"]
    assert "issued" in history[0]
    # evidence is shown as typed (escaped for markdown, tests/e2e/test_markup_in_data_browser.py)
    assert "acknowledged" in history[1] and plain("Letter of the PGO no. 4") in history[1]
    assert "in progress" in history[2] and plain("Two regional SPU posts created") in history[2]
    rec = committee.get_recommendation(engine=demo_db, principal=SEC, recommendation_id=rid)
    assert (rec.status, rec.version) == ("in_progress", 3)
    # before/after of the targeted indicator is shown
    assert any("At the session (2025-H1)" in m.label for m in at.metric)
    # the latest half-year is marked while it is still running (its figure will change)
    latest = next(m.label for m in at.metric if m.label.startswith("Latest half-year ("))
    assert latest == f"Latest half-year ({fmt_period(half_year_label(date.today()))})"
    assert "(incomplete: runs until 3" in latest  # 30.06 or 31.12 of this year


def test_stale_edit_is_reported_and_the_evidence_kept(page, demo_db) -> None:
    sid = committee.create_session(
        engine=demo_db, principal=SEC, title="S", session_date=date(2025, 9, 1), period="2025-H1"
    ).id
    rec = committee.create_recommendation(
        engine=demo_db,
        principal=SEC,
        session_id=sid,
        kind="systemic",
        addressee="PGO",
        text="Publish refusal statistics",
        due_date=None,
        target_indicator="complaints",
    )
    at = page("recommendations", wf_session_id=sid)
    # somebody else records an update after this page was opened
    committee.record_status(
        engine=demo_db,
        principal=Principal("colleague", "secretariat"),
        recommendation_id=rec.id,
        status="acknowledged",
        status_date=date(2025, 10, 1),
        evidence="Reply",
        expected_version=1,
    )
    at.selectbox(key="rec_new_status").select("implemented")
    at.text_area(key="rec_evidence").input("Statistics published on the website")
    at.button(key="rec_status_submit").click().run()
    assert "changed by colleague" in _errors(at)
    assert at.text_area(key="rec_evidence").value == "Statistics published on the website"
    assert (
        committee.get_recommendation(engine=demo_db, principal=SEC, recommendation_id=rec.id).status
        == "acknowledged"
    )
    at.button(key="rec_reload").click().run()
    at.button(key="rec_status_submit").click().run()
    assert not at.error, _errors(at)
    assert (
        committee.get_recommendation(engine=demo_db, principal=SEC, recommendation_id=rec.id).status
        == "implemented"
    )


def test_tracker_for_observer_hides_case_ids_and_flags_overdue(page, demo_db) -> None:
    sid = committee.create_session(
        engine=demo_db, principal=SEC, title="S", session_date=date(2025, 9, 1), period="2025-H1"
    ).id
    case_id = committee.docket_frame(engine=demo_db, principal=SEC, session_id=sid)["case_id"][0]
    committee.create_recommendation(
        engine=demo_db,
        principal=SEC,
        session_id=sid,
        kind="case",
        case_id=case_id,
        addressee="PROS_REGIONAL",
        text="Reopen the investigation",
        due_date=date(2025, 10, 1),
    )
    committee.create_recommendation(
        engine=demo_db,
        principal=SEC,
        session_id=sid,
        kind="systemic",
        addressee="SPU",
        text="Take charge of all complaints",
        due_date=date(2099, 1, 1),
        target_indicator="spu_involvement_rate",
    )
    obs = page("tracker", role="observer")
    assert not obs.exception, [e.value for e in obs.exception]
    table = obs.dataframe[0].value
    assert len(table) == 2
    assert case_id not in " ".join(str(v) for v in table["concerns"])
    assert "case-level recommendation" in set(table["concerns"])
    assert table["overdue_by"].iloc[0].startswith("⚠")  # overdue first and marked
    assert table["overdue_by"].iloc[1] == ""
    mem = page("tracker", role="member")
    assert case_id in set(mem.dataframe[0].value["concerns"])
    mem.toggle(key="trk_overdue").set_value(True).run()
    assert len(mem.dataframe[0].value) == 1
    mem.toggle(key="trk_overdue").set_value(False).run()
    mem.multiselect(key="trk_addressee").set_value(["SPU"]).run()
    assert list(mem.dataframe[0].value["addressee"]) == [label("agency", "SPU")]


@pytest.mark.parametrize("name", ["sessions", "docket", "recommendations"])
def test_committee_pages_refuse_observer_and_spu_head(page, name: str) -> None:
    for role in ("observer", "spu_head"):
        at = page(name, role=role)
        assert not at.exception
        assert any("role does not give access" in e.value for e in at.error)


def _two_recommendations(demo_db) -> tuple[int, int, int]:
    sess = committee.create_session(
        engine=demo_db,
        principal=SEC,
        title="Selection session",
        session_date=date(2025, 8, 1),
        period="2025-H1",
    )
    assert sess.id is not None
    ids = []
    for agency, text in (("PGO", "First: instruct every prosecutor"), ("SPU", "Second: take over")):
        rec = committee.create_recommendation(
            engine=demo_db,
            principal=SEC,
            session_id=sess.id,
            kind="systemic",
            addressee=agency,
            text=text + " within three days.",
            due_date=None,
            target_indicator="spu_involvement_rate",
        )
        assert rec.id is not None
        ids.append(rec.id)
    return sess.id, ids[0], ids[1]


def _entries(demo_db, rec_id: int) -> list[str]:
    hist = committee.history_frame(engine=demo_db, principal=SEC, recommendation_ids=[rec_id])
    return hist["status"].to_list()


def test_recommendation_selection_is_kept_by_id(page, demo_db) -> None:
    """Issue 17: after an update the selection stayed on #9 only by luck; saves went to #7."""
    sid, first, second = _two_recommendations(demo_db)
    at = page("recommendations", wf_session_id=sid)
    at.radio(key="recs_choice").set_value(second).run()
    assert any(f"recommendation #{second}" in m.value for m in at.markdown)  # number on the form
    for status, evidence in (("acknowledged", "Letter 1"), ("in_progress", "Letter 2")):
        at.selectbox(key="rec_new_status").select(status)
        at.text_area(key="rec_evidence").input(evidence)
        at.button(key="rec_status_submit").click().run()
        assert not at.exception and not at.error, _errors(at)
        assert at.radio(key="recs_choice").value == second
    assert _entries(demo_db, second) == ["issued", "acknowledged", "in_progress"]
    assert _entries(demo_db, first) == ["issued"]

    # one list numbered 1, 2, 3 (not "1." each), and a correction naming the entry it corrects
    hist_md = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert [line.split(".")[0] for line in hist_md.splitlines()] == ["1", "2", "3"]
    hist = committee.history_frame(engine=demo_db, principal=SEC, recommendation_ids=[second])
    wrong = hist["entry_id"][2]
    at.selectbox(key="rec_new_status").select("acknowledged")
    at.text_area(key="rec_evidence").input("Entry 3 was a mistake: only acknowledged")
    at.selectbox(key="rec_corrects").select(wrong)
    at.button(key="rec_status_submit").click().run()
    assert not at.exception and not at.error, _errors(at)
    hist_md = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert "corrects #3" in hist_md and "corrected by #4" in hist_md
    rec = committee.get_recommendation(engine=demo_db, principal=SEC, recommendation_id=second)
    assert rec.status == "acknowledged"  # the corrected entry no longer gives the status

    # a new recommendation is selected once issued
    at.radio(key="rec_kind").set_value("systemic")
    at.text_area(key="rec_text").input("Third: publish the statistics every quarter.")
    at.selectbox(key="rec_addressee").select("PGO")
    at.selectbox(key="rec_indicator").select("spu_involvement_rate")
    at.button(key="rec_new_submit").click().run()
    assert not at.exception and not at.error, _errors(at)
    newest = max(committee.tracker_frame(engine=demo_db, principal=SEC, session_ids=[sid])["id"])
    assert at.radio(key="recs_choice").value == newest
    assert any(f"recommendation #{newest}" in m.value for m in at.markdown)
