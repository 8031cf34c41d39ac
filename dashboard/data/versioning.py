"""The shared data version: what keeps the caches of several app processes fresh.

One row in table `data_version` holds a counter. Every write to the data (an import, a seed, a
committee session, a docket change, a recommendation or its follow-up) calls
`db.engine.bump_version(session)` inside the same transaction as the write, so the counter moves
exactly when the write commits, and in no other case. (Accounts and the audit log are read
uncached, so their writes need no bump.) Each app process keys its cached loaders
by `current_version(engine)`: after a write in any process, the next rerun in every process sees
a new version and reloads; while nothing is written, the cache is used. On PostgreSQL the counter
is one row updated under the row lock, so concurrent writers serialise and no bump is lost.

This module does not import Streamlit.

>>> from db.engine import make_engine
>>> from dashboard.data.database import migrate
>>> e = make_engine("sqlite://"); migrate(e)
>>> current_version(e)
0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, or_, text
from sqlmodel import Session, col, select

from db.models import AuditLog, DataVersion

_QUERY = text("SELECT version FROM data_version WHERE id = 1")


def current_version(engine: Engine) -> int:
    """The data version now stored in the database (0 before the first write); one indexed read."""
    with engine.connect() as conn:
        value = conn.execute(_QUERY).scalar()
    return int(value or 0)


def cache_key(engine: Engine) -> tuple[str, int]:
    """(database URL without password, version): a cache key that also tells databases apart."""
    return engine.url.render_as_string(hide_password=True), current_version(engine)


#: audit actions that change the case data (the register's edits are audited on entity "case")
CASE_DATA_ACTIONS = ("import", "seed", "restore")


@dataclass(frozen=True)
class Freshness:
    """When the data last changed (any write) and the last change of the case data: when, by whom."""

    changed_at: datetime | None
    cases_changed_at: datetime | None
    cases_changed_by: str | None


def freshness(engine: Engine) -> Freshness:
    """The data's freshness, from data_version and the audit log (two indexed reads)."""
    with Session(engine) as s:
        dv = s.get(DataVersion, 1)
        row = s.exec(
            select(AuditLog)
            .where(
                or_(
                    col(AuditLog.action).in_(CASE_DATA_ACTIONS),
                    and_(col(AuditLog.entity) == "case", col(AuditLog.action) != "view_case"),
                )
            )
            .order_by(col(AuditLog.at).desc())
            .limit(1)
        ).first()
    return Freshness(
        dv.changed_at if dv else None,
        row.at if row else None,
        row.username if row else None,
    )
