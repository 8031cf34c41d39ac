"""reading.in_key_order: the frame sorted by its keys, and the same frame when it already is."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard.data.reading.frames import in_key_order

rows = st.lists(
    st.tuples(st.sampled_from(["a", "B", "b", "ab", "é"]), st.integers(-3, 3) | st.none()),
    max_size=30,
)


@given(rows)
def test_sorted_equals_polars_sort(data: list[tuple[str, int | None]]) -> None:
    frame = pl.DataFrame(data, schema={"k": pl.String, "n": pl.Int64}, orient="row")
    frame = frame.with_row_index("line")
    got = in_key_order(frame, "k", "n")
    expected = frame.sort("k", "n", maintain_order=True)
    assert_frame_equal(got.drop("line"), expected.drop("line"))
    assert sorted(got["line"]) == list(range(frame.height))


@given(rows)
def test_frame_in_order_is_returned_as_it_is(data: list[tuple[str, int | None]]) -> None:
    frame = pl.DataFrame(data, schema={"k": pl.String, "n": pl.Int64}, orient="row")
    ordered = frame.drop_nulls().sort("k", "n")
    assert in_key_order(ordered, "k", "n") is ordered
