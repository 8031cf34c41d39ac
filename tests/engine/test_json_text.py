"""The polars JSON writer gives the bytes json.dumps(indent, sort_keys, ensure_ascii=False) gives."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data.importer import read_files
from dashboard.engine.indicators import (
    CLI_JSON_INDENT,
    cli_cohort,
    metrics_cli_text,
    metrics_for_cli,
)
from dashboard.engine.json_text import rows_object
from seed.synthetic import generate
from tests.conftest import EXAMPLES


def _old(document: Any) -> str:
    """The metrics command's output before the polars writer."""
    return json.dumps(document, indent=CLI_JSON_INDENT, sort_keys=True, ensure_ascii=False)


def _rows_as_dicts(frame: pl.DataFrame, key: str) -> dict[str, Any]:
    return {
        r[key]: {k: v.isoformat() if isinstance(v, date) else v for k, v in r.items()}
        for r in frame.to_dicts()
    }


# any text polars and Python can hold: controls, quotes, backslashes, non-ASCII, astral planes
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
SCHEMA = {
    "id": pl.String(),
    "Zed": pl.String(),
    "flag": pl.Boolean(),
    "n": pl.Int64(),
    "small": pl.UInt8(),
    "day": pl.Date(),
    "xs": pl.List(pl.Int64()),
}
row = st.fixed_dictionaries(
    {
        "Zed": st.none() | texts,
        "flag": st.none() | st.booleans(),
        "n": st.none() | st.integers(-(2**63), 2**63 - 1),
        "small": st.none() | st.integers(0, 255),
        "day": st.none() | st.dates(date(1, 1, 1), date(9999, 12, 31)),
        "xs": st.none() | st.lists(st.integers(-(10**12), 10**12), max_size=4),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.dictionaries(texts, row, max_size=8),
    indent=st.integers(1, 4),
    depth=st.integers(0, 3),
)
def test_rows_object_is_json_dumps_of_the_dicts(
    rows: dict[str, dict[str, Any]], indent: int, depth: int
) -> None:
    frame = pl.DataFrame([{"id": k, **v} for k, v in rows.items()], schema=SCHEMA)
    document: Any = _rows_as_dicts(frame, "id")
    shell: Any = {}
    for _ in range(depth):  # nest it `depth` levels deep: {"k": {"k": ...}}
        document, shell = {"k": document}, {"k": shell}
    expected = json.dumps(document, indent=indent, sort_keys=True, ensure_ascii=False)
    around = json.dumps(shell, indent=indent, sort_keys=True)  # the one "{}" is where it goes
    got = rows_object(frame, key="id", indent=indent, depth=depth)
    assert around.replace("{}", got) == expected


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="no JSON text"):
        rows_object(pl.DataFrame({"id": ["a"], "x": [0.5]}), key="id", indent=1, depth=0)


def _both(cases: pl.DataFrame, events: pl.DataFrame, as_of: date, **kw: Any) -> tuple[str, str]:
    result = cli_cohort(cases, events, as_of, **kw)
    return _old(metrics_for_cli(*result)), metrics_cli_text(*result)


def test_spec_example_is_byte_identical() -> None:
    frames = read_files([EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    old, new = _both(frames.cases, frames.events, date(2015, 9, 30))
    assert new == old
    assert json.loads(new) == json.loads((EXAMPLES / "expected-2015-09-30.json").read_text())
    # an empty cohort: "cases": {}
    old, new = _both(frames.cases, frames.events, date(2015, 9, 30), start=date(2020, 1, 1))
    assert new == old and '"cases": {}' in new


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 300),
    as_of=st.dates(date(2008, 1, 1), date(2026, 12, 31)),
    region=st.sampled_from([None, "KZ-39", "KZ-75"]),
)
def test_generated_data_is_byte_identical(
    seed: int, n: int, as_of: date, region: str | None
) -> None:
    cases, events = generate(n, seed=seed)
    old, new = _both(cases, events, as_of, region=region)
    assert new == old
