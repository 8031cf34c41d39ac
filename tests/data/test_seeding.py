"""Seeding: first start, reload, removal of the synthetic set; sessions with follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from dashboard.accounts.roles import Principal
from dashboard.cli import main
from dashboard.committee import accountability
from dashboard.committee.snapshot import Snapshot
from dashboard.data.importer import import_files
from dashboard.data.seeding import (
    SEED_ACTOR,
    is_empty,
    remove_synthetic,
    seed_database,
    seed_if_empty,
)
from db.engine import data_version
from db.models import (
    Case,
    CommitteeSession,
    DocketEntry,
    Event,
    ProgressReport,
    Recommendation,
    RecommendationUpdate,
    Submission,
)

N_DOCUMENTED = 16


def _count(engine, model, *where) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _synthetic(engine) -> int:
    return _count(engine, Case, col(Case.synthetic).is_(True))


def test_first_start_loads_both_sets_once(engine):
    assert is_empty(engine)
    report = seed_if_empty(engine)
    assert report is not None
    assert report.documented_cases == N_DOCUMENTED
    assert report.synthetic_cases == 2000 == _synthetic(engine)
    assert report.sessions == 2 and report.recommendations >= 6
    text = str(report)
    assert "16 documented cases" in text and "2000 synthetic" in text
    assert not is_empty(engine)
    assert seed_if_empty(engine) is None  # never again once there is data
    assert _synthetic(engine) == 2000


def test_sessions_have_docket_snapshot_and_follow_up_states(engine):
    seed_database(engine, synthetic=400, seed=3)
    with Session(engine) as s:
        sessions = s.exec(select(CommitteeSession).order_by(CommitteeSession.period)).all()
        assert [(x.period, x.status) for x in sessions] == [
            ("2025-H2", "closed"),
            ("2026-H1", "held"),
        ]
        for sess in sessions:
            assert sess.created_by == SEED_ACTOR
            entries = s.exec(select(DocketEntry).where(DocketEntry.session_id == sess.id)).all()
            assert entries, sess.period
            snap = Snapshot.load(sess.snapshot_json)
            assert snap.period == sess.period
            assert snap.as_of <= sess.period_end
            assert "reclassification_rate" in snap.indicators
        recs = s.exec(select(Recommendation)).all()
        statuses = {r.status for r in recs}
        assert {"issued", "acknowledged", "in_progress", "partly_implemented"} <= statuses
        assert {"implemented", "rejected"} <= statuses
        # the accountability loop's voices, in mixed states
        reports = s.exec(select(ProgressReport)).all()
        assert {r.claimed_status for r in reports} >= {
            "in_progress",
            "implemented",
            "not_implemented",
        }
        assert any(r.late for r in reports) and any(not r.late for r in reports)
        assert any(r.corrects_id for r in reports)
        assert {r.published_at is None for r in reports} == {True, False}
        subs = s.exec(select(Submission)).all()
        assert {x.published_at is None for x in subs} == {True, False}
        assert {r.published_at is None for r in recs} == {True, False}
        assert {r.kind for r in recs} == {"systemic", "case"}
        today = date.today()
        overdue = [
            r
            for r in recs
            if r.due_date
            and r.due_date < today
            and r.status not in ("implemented", "not_implemented", "rejected")
        ]
        assert overdue
        for r in recs:
            history = s.exec(
                select(RecommendationUpdate)
                .where(RecommendationUpdate.recommendation_id == r.id)
                .order_by(RecommendationUpdate.status_date, RecommendationUpdate.id)
            ).all()
            assert history[0].status == "issued"
            assert history[-1].status == r.status  # status mirrors the latest update
            if r.kind == "case":
                on_docket = s.exec(
                    select(DocketEntry).where(
                        DocketEntry.session_id == r.session_id, DocketEntry.case_id == r.case_id
                    )
                ).first()
                assert on_docket is not None
    sec = Principal("x", "secretariat")
    frame = accountability.tracker(engine=engine, principal=sec, today=date(2026, 12, 2))
    assert frame["disagree"].any() and frame["report_overdue"].any()
    # the observer sees a published report and never an unpublished one
    obs = Principal("o", "observer")
    texts = [
        t
        for rid in frame["id"]
        for t in accountability.timeline(engine=engine, principal=obs, recommendation_id=rid)[
            "text"
        ].drop_nulls()
    ]
    assert "Указание № 7 издано и применяется во всех регионах." in texts
    assert not any("deputy Prosecutor General" in t for t in texts)
    assert remove_synthetic(engine) > 0  # the demo sessions go, with their voices
    with Session(engine) as s:
        assert s.exec(select(ProgressReport)).all() == []


def test_reseed_replaces_the_synthetic_set(engine):
    seed_database(engine, synthetic=300, seed=1)
    report = seed_database(engine, synthetic=120, seed=2)
    assert report.removed_synthetic == 300
    assert _synthetic(engine) == 120
    assert _count(engine, Case) == N_DOCUMENTED + 120
    assert _count(engine, CommitteeSession) == 2
    only_documented = seed_database(engine, synthetic=None)
    assert only_documented.synthetic_cases == 0
    assert _synthetic(engine) == 120  # --no-synthetic leaves the synthetic set alone


def test_remove_synthetic_keeps_real_data(engine, tmp_path):
    (tmp_path / "cases.csv").write_text(
        "case_id,region,victim_status,incident_date,place_type,accused_agency,allegations,harm,"
        "complaint_date,complaint_channel\n"
        "KST-2025-001,KZ-39,suspect,2025-03-02,police_station,MVD_POLICE,beating,injury,"
        "2025-03-04,procedural_complaint\n",
        encoding="utf-8",
    )
    (tmp_path / "events.csv").write_text(
        "case_id,seq,event_date,event_type,agency\n"
        "KST-2025-001,1,2025-03-04,complaint_lodged,PROS_LOCAL\n",
        encoding="utf-8",
    )
    import_files(engine, [tmp_path / "cases.csv", tmp_path / "events.csv"], actor="secretariat")
    seed_database(engine, synthetic=250, seed=4)
    real_events = _count(engine, Event, col(Event.case_id).not_like("SYN-%"))
    before = data_version(engine)

    assert remove_synthetic(engine) == 250

    assert data_version(engine) > before
    assert _synthetic(engine) == 0
    assert _count(engine, Case) == N_DOCUMENTED + 1
    assert _count(engine, Event, col(Event.case_id).like("SYN-%")) == 0
    assert _count(engine, Event) == real_events
    assert _count(engine, CommitteeSession) == 0
    assert _count(engine, Recommendation) == 0 and _count(engine, DocketEntry) == 0
    assert remove_synthetic(engine) == 0


def test_cli_seed_and_remove(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "seed", "--synthetic", "60", "--seed", "9"]) == 0
    out = capsys.readouterr().out
    assert "16 documented cases" in out and "60 synthetic" in out
    assert main(["--database-url", url, "seed", "--no-synthetic"]) == 0
    out = capsys.readouterr().out
    assert "16 documented cases" in out and "synthetic" not in out  # the synthetic set is kept
    assert main(["--database-url", url, "remove-synthetic"]) == 0
    assert "removed 60 synthetic cases" in capsys.readouterr().out
    assert main(["--database-url", url, "seed", "--synthetic", "-3"]) == 1


@pytest.mark.parametrize("bad", [-1])
def test_negative_size_is_refused(engine, bad):
    with pytest.raises(ValueError):
        seed_database(engine, synthetic=bad)
