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
from dashboard.data.contract import ImpreciseDate
from dashboard.data.importer import import_files
from dashboard.data.reading.cells import (
    DATE_REASONS,
    SEQ_KEY,
    _bad_date,
    _date_reasons,
    _event_checks,
)
from dashboard.data.reading.cross import _earlier_max
from dashboard.data.reading.files import _needs_normalising
from dashboard.data.reading.frames import is_in_order
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


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "01", "2", "10"])),
        max_size=30,
    )
)
def test_repeated_seq_in_key_order_is_the_hashed_repeat(keys: list[tuple[str, str]]) -> None:
    frame = pl.DataFrame(keys, schema={"case_id": pl.String, "seq": pl.String}, orient="row")
    frame = frame.sort(SEQ_KEY, maintain_order=True)
    assert frame.is_empty() or is_in_order(frame, SEQ_KEY)

    def repeated(ordered: bool) -> list[bool]:
        (check,) = [ch for ch in _event_checks({}, ordered) if "repeated" in str(ch.msgid)]
        return frame.select(check.bad.fill_null(False)).to_series().to_list()

    assert repeated(True) == repeated(False)


def parse_reason(cell: str) -> str:
    """What ImpreciseDate.parse (one cell at a time) says of a cell the date check refuses."""
    try:
        ImpreciseDate.parse(cell)
    except ValueError as exc:
        return str(exc) if str(exc) in DATE_REASONS else DATE_REASONS[0]
    return DATE_REASONS[0]


date_like = st.lists(
    st.one_of(
        st.from_regex(r"\A[0-9١٢３]{4}(-[0-9٠٥]{2}(-[0-9]{2})?)?\n?\Z"),
        st.builds(
            "{:04d}-{:02d}-{:02d}".format,
            st.integers(1890, 2110),
            st.integers(0, 13),
            st.integers(0, 32),
        ),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(cells=date_like)
def test_date_reasons_say_what_the_parser_says(cells: list[str]) -> None:
    frame = pl.DataFrame({"d": cells}, schema={"d": pl.String})
    bad = frame.filter(_bad_date("d"))["d"]
    assert _date_reasons(bad).to_list() == [parse_reason(cell) for cell in bad.to_list()]


def test_a_file_of_bad_dates_gets_every_reason() -> None:
    cells = ["12.05.2012", "1899-01-01", "2012-13", "2011-02-29", "٢٠١٢-١٣", "2012-01-01\n"]
    assert _date_reasons(pl.Series(cells)).to_list() == [parse_reason(c) for c in cells]
    assert len(set(_date_reasons(pl.Series(cells)))) == len(DATE_REASONS)


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
