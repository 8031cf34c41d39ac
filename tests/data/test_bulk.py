"""Driver-level bulk upserts (dashboard/data/bulk.py) on SQLite and PostgreSQL: what the ORM reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.data import bulk
from dashboard.data.importer import ContractFrames, import_frames, read_files
from db.models import Case, Event
from tests.conftest import EXAMPLES

STAMP = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _events(notes: list[str | None], seqs: list[int]) -> pl.DataFrame:
    n = len(seqs)
    return pl.DataFrame(
        {
            "case_id": ["DOC-EVL"] * n,
            "seq": seqs,
            "event_date": ["2010-01-01"] * n,
            "event_on": [date(2010, 1, 1)] * n,
            "event_type": ["victim_questioned"] * n,
            "agency": ["PGO"] * n,
            "note": notes,
        }
    )


@pytest.mark.parametrize("pass_stored", [False, True])
def test_upsert_inserts_and_updates_exact_values(engine: Engine, pass_stored: bool) -> None:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    import_frames(engine, ContractFrames(cases=frames.cases, events=frames.events.clear()))
    tricky = ["\\N", 'a "quoted", comma\nnewline', None]
    with engine.begin() as conn:
        bulk.upsert(conn, "event", _events(tricky, [101, 102, 103]), ("case_id", "seq"))
    stored = pl.DataFrame({"case_id": ["DOC-EVL"], "seq": [102]})
    with engine.begin() as conn:  # 102 updated, 104 new
        bulk.upsert(
            conn,
            "event",
            _events(["changed", "new"], [102, 104]),
            ("case_id", "seq"),
            stored=stored if pass_stored else None,
        )
    with Session(engine) as s:
        rows = s.exec(select(Event).where(Event.seq > 100).order_by(Event.seq)).all()
    assert [(e.seq, e.note) for e in rows] == [
        (101, "\\N"),
        (102, "changed"),
        (103, None),
        (104, "new"),
    ]
    assert all(e.event_on == date(2010, 1, 1) for e in rows)


def test_timestamps_dates_and_booleans_read_back(engine: Engine) -> None:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    case = frames.cases.head(1).with_columns(
        incident_on=pl.lit(date(2008, 12, 15)),
        complaint_on=pl.lit(date(2008, 12, 20)),
        imported_at=pl.lit(STAMP),
        updated_at=pl.lit(STAMP),
        identity_public=pl.lit(True),
    )
    with engine.begin() as conn:
        bulk.upsert(conn, "case_file", case, ("case_id",), keep=("imported_at",))
    later = case.with_columns(
        updated_at=pl.lit(datetime(2027, 1, 1, tzinfo=UTC)),
        imported_at=pl.lit(datetime(2027, 1, 1, tzinfo=UTC)),
        identity_public=pl.lit(False),
    )
    with engine.begin() as conn:
        bulk.upsert(conn, "case_file", later, ("case_id",), keep=("imported_at",))
    with Session(engine) as s:
        got = s.exec(select(Case)).one()
    assert got.imported_at.replace(tzinfo=None) == STAMP.replace(tzinfo=None)  # kept
    assert got.updated_at.replace(tzinfo=None) == datetime(2027, 1, 1)
    assert (got.identity_public, got.incident_on) == (False, date(2008, 12, 15))


def test_a_failed_upsert_leaves_nothing(engine: Engine) -> None:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    import_frames(engine, ContractFrames(cases=frames.cases, events=frames.events.clear()))
    bad = _events(["x", "y"], [1, 2]).with_columns(agency=pl.Series(["PGO", "NOT_AN_AGENCY"]))
    with pytest.raises(Exception, match="(?i)foreign key"), engine.begin() as conn:
        bulk.upsert(conn, "event", bad, ("case_id", "seq"))
    with Session(engine) as s:
        assert s.exec(select(Event)).all() == []
