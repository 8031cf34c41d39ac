"""Two imports at the same time: the second validates against what the first committed.

Each import alone is valid; together they would put an event before an earlier one. Import A
pauses after its validation until import B has validated too (or 3 s have passed): without
serialisation both would validate against the same old data and both commit.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.data.importer import ImportValidationError, import_files
from dashboard.data.store import load_frames
from tests.conftest import EXAMPLES

HEADER = "case_id,seq,event_date,event_type,agency\n"


def test_concurrent_imports_are_serialised(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [EXAMPLES / "cases.csv"])  # cases only: the events come below
    a = tmp_path / "events-a.csv"
    a.write_text(HEADER + "DOC-EVL,1,2009-01-10,complaint_lodged,NGO\n", "utf-8")
    b = tmp_path / "events-b.csv"
    # seq 2 earlier than A's seq 1: fine alone, back in time once A is stored
    b.write_text(HEADER + "DOC-EVL,2,2009-01-05,screening_started,PROS_LOCAL\n", "utf-8")
    a_validated, b_validated = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def progress_a(stage: str, done: int, total: int) -> None:
        if stage == "validate" and done == total:
            a_validated.set()
            b_validated.wait(timeout=3)

    def progress_b(stage: str, done: int, total: int) -> None:
        if stage == "validate" and done == total:
            b_validated.set()

    def run(name: str, path: Path, progress) -> None:
        try:
            outcome[name] = import_files(engine, [path], progress=progress)
        except ImportValidationError as exc:
            outcome[name] = exc

    first = threading.Thread(target=run, args=("a", a, progress_a))
    first.start()
    assert a_validated.wait(timeout=30)  # A is inside its transaction, B starts now
    second = threading.Thread(target=run, args=("b", b, progress_b))
    second.start()
    first.join(60)
    second.join(60)
    assert not isinstance(outcome["a"], Exception), outcome["a"]
    assert isinstance(outcome["b"], ImportValidationError)
    assert "goes back in time" in str(outcome["b"])
    _, events = load_frames(engine)
    assert events["seq"].to_list() == [1]
    # the app accepts a re-import of its own data
    import_files(engine, [a])


@pytest.mark.parametrize("n", [4])
def test_many_concurrent_imports_all_land(engine: Engine, tmp_path: Path, n: int) -> None:
    """Imports of different cases at once all succeed (they wait for each other)."""
    import_files(engine, [EXAMPLES / "cases.csv"])
    paths = []
    for i in range(n):
        p = tmp_path / f"events-{i}.csv"
        p.write_text(HEADER + f"DOC-ROZ,{i + 1},2012-0{i + 1},complaint_lodged,NGO\n", "utf-8")
        paths.append(p)
    errors: list[Exception] = []

    def run(p: Path) -> None:
        try:
            import_files(engine, [p])
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # some orders put a later seq before an earlier date: those are refused, never stored
    _, events = load_frames(engine)
    stored = events.sort("seq")["event_date"].to_list()
    assert stored == sorted(stored)
    assert all(isinstance(e, ImportValidationError) for e in errors), errors
    assert events.height + len(errors) == n
