"""Data freshness: the last change, the last case import or edit and by whom, per role."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from dashboard.accounts.roles import Principal
from dashboard.data.versioning import freshness
from dashboard.i18n import set_language
from dashboard.ui.controls import freshness_line
from db.models import AuditLog, DataVersion


def test_freshness_names_the_last_case_change_and_hides_it_from_observers(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as s:
        s.add(AuditLog(at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC), username="ana", action="import"))
        s.add(
            AuditLog(
                at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                username="bo",
                action="update",
                entity="case",
            )
        )
        s.add(
            AuditLog(
                at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
                username="cy",
                action="view_case",
                entity="case",
            )
        )
        s.add(AuditLog(at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC), username="di", action="export"))
        dv = s.get(DataVersion, 1) or DataVersion(id=1)
        dv.changed_at = datetime(2026, 3, 5, 10, 30, tzinfo=UTC)
        s.add(dv)
        s.commit()
    f = freshness(sqlite_engine)
    assert f.cases_changed_by == "bo" and f.cases_changed_at == datetime(
        2026, 3, 2, 9, 0, tzinfo=UTC
    )
    assert f.changed_at == datetime(2026, 3, 5, 10, 30, tzinfo=UTC)
    set_language("en")
    staff = freshness_line(f, Principal("s", "secretariat"), date(2026, 2, 28))
    assert staff == (
        "Data last changed 5 Mar 2026 10:30 UTC · cases last imported or edited "
        "2 Mar 2026 09:00 UTC by bo · figures as of 28 Feb 2026"
    )
    public = freshness_line(f, Principal("o", "observer"), date(2026, 2, 28))
    assert "bo" not in public and "2 Mar 2026 09:00 UTC" in public
    set_language("ru")  # dates in the locale, as everywhere on the screen
    assert "05.03.2026 10:30 UTC" in freshness_line(
        f, Principal("o", "observer"), date(2026, 2, 28)
    )
    assert freshness_line(f, Principal("o", "observer"), date(2026, 2, 28)).endswith("28.02.2026")
    set_language("en")
