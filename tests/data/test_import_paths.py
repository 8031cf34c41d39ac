"""The importer's fast paths (issue 19) compute what the plain polars forms compute."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal
from sqlalchemy import Engine

from dashboard.data import store
from dashboard.data.importer import import_files
from dashboard.data.reading import _earlier_max, _needs_normalising
from tests.conftest import EXAMPLES

rows = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(-30_000, 60_000)), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(rows=rows)
def test_earlier_max_is_the_windowed_running_maximum(rows: list[tuple[str, int]]) -> None:
    frame = pl.DataFrame(
        {
            "key": [k for k, _ in rows],
            "day": [date(1970, 1, 1) + timedelta(days=d) for _, d in rows],
        },
        schema={"key": pl.String, "day": pl.Date},
    ).sort("key", maintain_order=True)
    got = frame.select(_earlier_max(pl.col("day"), "key").alias("x"))["x"]
    want = frame.select(pl.col("day").cum_max().shift(1).over("key").alias("x"))["x"]
    assert_series_equal(got, want)


def test_only_columns_with_such_cells_are_normalised() -> None:
    frame = pl.DataFrame(
        {
            "plain": ["a", "b"],
            "empty": ["", "x"],
            "midnight": ["2015-01-02 00:00:00", None],
            "escaped": ["'=1", "y"],
            "apostrophe": ["'quoted'", "z"],
        }
    )
    assert _needs_normalising(frame, frame.columns) == {
        "empty",
        "midnight",
        "escaped",
        "apostrophe",
    }
    assert _needs_normalising(frame.clear(), frame.columns) == set()


def test_fetch_by_ids_scan_gives_what_the_in_queries_give(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_files(sqlite_engine, [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    sql = "SELECT case_id, seq, event_date FROM event"
    with sqlite_engine.connect() as conn:
        for ids in (["DOC-EVL"], ["DOC-EVL", "DOC-ROZ", "NO-SUCH"], ["NO-SUCH"]):
            by_in = store.fetch_by_ids(conn, sql, ids)
            monkeypatch.setattr(store, "_SCAN_ABOVE", 0)
            monkeypatch.setattr(store, "_SCAN_BATCH", 2)  # several batches, some empty
            by_scan = store.fetch_by_ids(conn, sql, ids)
            monkeypatch.undo()
            assert_frame_equal(by_scan, by_in)
            assert (by_in.height > 0) == (ids != ["NO-SUCH"])
