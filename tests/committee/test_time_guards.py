"""Time guards: no figure is computed or frozen as of a day that has not come (issue 17, 2)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from dashboard import committee
from dashboard.data.contract import figures_date, half_year_label, half_year_running
from tests.committee.test_workflow import SEC, loaded  # noqa: F401  (fixture)


def test_figures_date_is_never_after_today() -> None:
    today = date(2026, 12, 2)
    assert figures_date(date(2026, 12, 31), today) == today
    assert figures_date(date(2026, 6, 30), today) == date(2026, 6, 30)
    assert half_year_running("2026-H2", today) and not half_year_running("2026-H1", today)


def test_session_of_a_running_half_year_freezes_as_of_today(loaded: Engine) -> None:  # noqa: F811
    today = date.today()
    running = half_year_label(today)
    row = committee.create_session(
        engine=loaded,
        principal=SEC,
        title="Session planned ahead",
        session_date=today + timedelta(days=40),
        period=running,
    )
    assert row.as_of == today  # not the half-year's end, not the session's date
    snap = committee.session_snapshot(engine=loaded, principal=SEC, session_id=row.id)
    assert snap.as_of == today

    # its recommendations take a status update today, not only from the session's date on
    rec = committee.create_recommendation(
        engine=loaded,
        principal=SEC,
        session_id=row.id,
        kind="systemic",
        addressee="SPU",
        text="Report monthly",
        due_date=today + timedelta(days=60),
        target_indicator="spu_involvement_rate",
    )
    assert rec.status_date == today
    updated = committee.record_status(
        engine=loaded,
        principal=SEC,
        recommendation_id=rec.id,
        status="in_progress",
        status_date=today,
        evidence="A reply",
        expected_version=rec.version,
    )
    assert updated.status == "in_progress"
