"""Export: round trips in both directions, CSV and XLSX, formula escaping."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from dashboard.data.database import migrate
from dashboard.data.exporter import as_text, export_dir
from dashboard.data.importer import import_files, read_files
from dashboard.data.store import load_frames, load_frames_for_cases
from db.engine import make_engine
from tests.conftest import EXAMPLES

EXAMPLE_FILES = [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"]
TRICKY = [
    "=SUM(A1:A9)",
    "+7 701 000",
    "-minus",
    "@at",
    "'=already quoted",
    "''-two",
    "'just a quote",
    'comma, "quote"\nnewline',
    "\tTAB first",
    "\rCR first",
    "'\talready quoted tab",
]


def _tricky_events(tmp_path: Path) -> Path:
    rows = pl.DataFrame(
        {
            "case_id": ["DOC-EVL"] * len(TRICKY),
            "seq": [str(100 + i) for i in range(len(TRICKY))],
            "event_date": ["2014"] * len(TRICKY),
            "event_type": ["victim_informed"] * len(TRICKY),
            "agency": ["NGO"] * len(TRICKY),
            "note": TRICKY,
        }
    )
    # write with the exporter's escape so that the file itself is a valid export
    path = tmp_path / "src" / "events-extra.csv"
    path.parent.mkdir()
    as_text(rows).write_csv(path)
    return path


def _fresh(tmp_path: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    migrate(engine)
    return engine


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_export_import_same_database(engine: Engine, tmp_path: Path, fmt: str) -> None:
    import_files(engine, [*EXAMPLE_FILES, _tricky_events(tmp_path)])
    files = export_dir(engine, tmp_path / "out", fmt=fmt)  # type: ignore[arg-type]
    other = _fresh(tmp_path, "other.db")
    import_files(other, files)
    for a, b in zip(load_frames(engine), load_frames(other), strict=True):
        assert_frame_equal(a, b)
    notes = load_frames(other)[1].filter(pl.col("seq") >= 100)["note"].to_list()
    assert notes == TRICKY  # formula-like cells come back exactly


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_same_files(engine: Engine, tmp_path: Path, fmt: str) -> None:
    import_files(engine, [*EXAMPLE_FILES, _tricky_events(tmp_path)])
    first = export_dir(engine, tmp_path / "one", fmt=fmt)  # type: ignore[arg-type]
    other = _fresh(tmp_path, "other.db")
    import_files(other, first)
    second = export_dir(other, tmp_path / "two", fmt=fmt)  # type: ignore[arg-type]
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_csv_export_escapes_formulas(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [*EXAMPLE_FILES, _tricky_events(tmp_path)])
    cases, events = export_dir(engine, tmp_path / "out")
    assert cases.name == "cases.csv" and events.name == "events.csv"
    notes = pl.read_csv(events, infer_schema=False).filter(pl.col("seq").cast(int) >= 100)["note"]
    assert notes.to_list() == [
        "'=SUM(A1:A9)",
        "'+7 701 000",
        "'-minus",
        "'@at",
        "''=already quoted",
        "'''-two",
        "'just a quote",
        'comma, "quote"\nnewline',
        "'\tTAB first",
        "'\rCR first",
        "''\talready quoted tab",
    ]
    assert not any(n[0] in "=+-@\t\r" for n in notes.to_list())


def test_export_is_sorted_with_contract_text(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, EXAMPLE_FILES)
    cases, events = export_dir(engine, tmp_path / "out")
    header = cases.read_text("utf-8").splitlines()[0]
    assert header.startswith("case_id,region,victim_name,identity_public")
    exported = pl.read_csv(events, infer_schema=False)
    assert exported["seq"].to_list()[:3] == ["1", "2", "3"]
    assert exported["case_id"].to_list() == sorted(exported["case_id"].to_list())
    frames = read_files([cases, events])
    assert frames.cases["identity_public"].to_list() == [True, True]


def test_empty_database_exports_headers(engine: Engine, tmp_path: Path) -> None:
    cases, events = export_dir(engine, tmp_path / "out")
    assert cases.read_text("utf-8").startswith("case_id,region")
    assert events.read_text("utf-8").strip().count("\n") == 0


def test_load_frames_for_cases(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES)
    cases, events = load_frames_for_cases(engine, ["DOC-ROZ"])
    assert cases["case_id"].to_list() == ["DOC-ROZ"]
    assert events.height == 9 and events["seq"].to_list() == list(range(1, 10))
    assert_frame_equal(cases, load_frames(engine)[0].filter(case_id="DOC-ROZ"))
