"""dashboard.data.store on both backends: the spec's examples come back as the same canonical frames."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from dashboard.data import store
from dashboard.data.contract import CASE_SCHEMA, EVENT_SCHEMA
from dashboard.data.database import migrate
from dashboard.data.importer import import_files, read_files
from db.engine import bump_version, make_engine, session_scope
from tests.conftest import EXAMPLES
from tests.pg import fresh_postgres_database, server_url

EXAMPLE_FILES = [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"]


def _expected() -> tuple[pl.DataFrame, pl.DataFrame]:
    frames = read_files(EXAMPLE_FILES)
    return frames.cases.sort("case_id"), frames.events.sort("case_id", "seq")


def test_load_frames_returns_the_imported_examples(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES, actor="test")
    cases, events = store.load_frames(engine)
    exp_cases, exp_events = _expected()
    assert cases.schema == pl.Schema(CASE_SCHEMA)
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert cases.height > 0 and events.height > 0
    assert_frame_equal(cases, exp_cases)
    assert_frame_equal(events, exp_events)


def test_empty_database_gives_empty_canonical_frames(engine: Engine) -> None:
    cases, events = store.load_frames(engine)
    assert cases.height == 0 and events.height == 0
    assert cases.schema == pl.Schema(CASE_SCHEMA)
    assert events.schema == pl.Schema(EVENT_SCHEMA)


def test_portable_path_gives_the_same_frames(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read_database fallback (no Arrow URI) and the connectorx path agree exactly."""
    import_files(engine, EXAMPLE_FILES, actor="test")
    fast = store.load_frames(engine)
    assert (store.arrow_uri(engine.url) is not None) == (engine.dialect.name == "postgresql")
    monkeypatch.setattr(store, "arrow_uri", lambda url, driver="connectorx": None)
    portable = store.load_frames(engine)
    assert_frame_equal(fast[0], portable[0])
    assert_frame_equal(fast[1], portable[1])


def test_a_connectorx_failure_falls_back(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import_files(engine, EXAMPLE_FILES, actor="test")
    expected = store.load_frames(engine)

    def broken(*args: object, **kwargs: object) -> pl.DataFrame:
        raise RuntimeError("driver cannot read this")

    monkeypatch.setattr(pl, "read_database_uri", broken)
    monkeypatch.setattr(store, "_arrow_failed", set())
    got = store.load_frames(engine)
    assert_frame_equal(got[0], expected[0])
    assert_frame_equal(got[1], expected[1])


def test_a_write_between_the_two_reads_is_not_half_seen(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write landing while the tables are read makes load_frames read again."""
    real = store._read_tables
    calls: list[int] = []

    def read_then_write(eng: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
        frames = real(eng)
        calls.append(1)
        if len(calls) == 1:  # another process imports right after this first read
            import_files(engine, EXAMPLE_FILES, actor="other process")
        return frames

    monkeypatch.setattr(store, "_read_tables", read_then_write)
    cases, events = store.load_frames(engine)
    assert len(calls) == 2
    assert cases.height == _expected()[0].height
    assert events.height == _expected()[1].height


def test_only_version_changes_cause_a_reread(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store._read_tables
    calls: list[int] = []

    def counting(eng: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
        calls.append(1)
        return real(eng)

    monkeypatch.setattr(store, "_read_tables", counting)
    store.load_frames(engine)
    assert len(calls) == 1
    with session_scope(engine) as s:
        bump_version(s)
    store.load_frames(engine)
    assert len(calls) == 2


def test_arrow_uri_maps_sqlalchemy_urls(tmp_path: Path) -> None:
    assert (
        store.arrow_uri("postgresql+psycopg://u:s3cret@db.example:5433/oversight")
        == "postgresql://u:s3cret@db.example:5433/oversight"
    )
    assert store.arrow_uri("postgresql://u@h/d") == "postgresql://u@h/d"
    db = tmp_path / "x.db"
    for driver in ("connectorx", "adbc"):  # a second SQLite library in the process: never
        assert store.arrow_uri(f"sqlite:///{db}", driver=driver) is None
    assert store.arrow_uri("sqlite://") is None
    assert store.arrow_uri("mysql+pymysql://u@h/d") is None


def test_sqlite_reads_see_committed_writes_at_once(tmp_path: Path) -> None:
    """The regression that ruled connectorx/ADBC out on SQLite: a read right after an import."""
    eng = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    migrate(eng)
    try:
        assert store.load_frames(eng)[0].height == 0
        import_files(eng, EXAMPLE_FILES, actor="test")
        assert store.load_frames(eng)[0].height == _expected()[0].height
        other = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
        assert store.load_frames(other)[1].height == _expected()[1].height
        other.dispose()
    finally:
        eng.dispose()


@pytest.mark.postgres
def test_sqlite_and_postgres_give_identical_frames(tmp_path: Path) -> None:
    url = server_url()
    if not url:
        pytest.skip("no PostgreSQL server (OVERSIGHT_TEST_POSTGRES_URL is not set)")
    lite = make_engine(f"sqlite:///{tmp_path / 'lite.db'}")
    migrate(lite)
    with fresh_postgres_database(url) as pg_url:
        pg = make_engine(pg_url)
        try:
            for eng in (lite, pg):
                import_files(eng, EXAMPLE_FILES, actor="test")
            a, b = store.load_frames(lite), store.load_frames(pg)
        finally:
            pg.dispose()
            lite.dispose()
    assert_frame_equal(a[0], b[0])
    assert_frame_equal(a[1], b[1])
