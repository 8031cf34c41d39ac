"""The import preview: new / updated / unchanged per table and per case, nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from dashboard.cli import main
from dashboard.data.importer import ImportValidationError, import_files
from dashboard.data.preview import preview_files
from dashboard.data.versioning import current_version
from tests.conftest import EXAMPLES

EXAMPLE_FILES = [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"]


def _edited(tmp_path: Path) -> list[Path]:
    """The examples with DOC-EVL's region changed, DOC-ROZ's seq 2 date changed, one event
    added to DOC-ROZ and a new case with one event: every other row as stored."""
    out = []
    for name in ("cases.csv", "events.csv"):
        rows = list(csv.DictReader(io.StringIO((EXAMPLES / name).read_text("utf-8"))))
        header = list(rows[0])
        if name == "cases.csv":
            evl = next(r for r in rows if r["case_id"] == "DOC-EVL")
            evl["region"] = "KZ-75"
            rows.append({**evl, "case_id": "NEW-1", "region": "KZ-39"})
        else:
            roz = [r for r in rows if r["case_id"] == "DOC-ROZ"]
            roz[1]["note"] = "changed note"
            last = max(int(r["seq"]) for r in roz)
            rows.append({**roz[-1], "seq": str(last + 1), "note": ""})
            first_evl = next(r for r in rows if r["case_id"] == "DOC-EVL")
            rows.append({**first_evl, "case_id": "NEW-1", "seq": "1"})
        buf = io.StringIO()
        w = csv.DictWriter(buf, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        path = tmp_path / name
        path.write_text(buf.getvalue(), "utf-8")
        out.append(path)
    return out


def _stored(engine: Engine) -> tuple[int, ...]:
    """Rows in case_file, event and audit_log, and the data version."""
    with engine.connect() as conn:
        counts = [
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("case_file", "event", "audit_log")
        ]
    return (*counts, current_version(engine))


def test_preview_of_a_fresh_database_is_all_new(engine: Engine) -> None:
    before = _stored(engine)
    p = preview_files(engine, EXAMPLE_FILES)
    assert p.tables.rows() == [("cases", 2, 0, 0), ("events", 15, 0, 0)]
    assert _stored(engine) == before  # nothing written, nothing audited, version unchanged


def test_reimport_is_all_unchanged_not_updated(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES)
    before = _stored(engine)
    p = preview_files(engine, EXAMPLE_FILES)
    assert p.tables.rows() == [("cases", 0, 0, 2), ("events", 0, 0, 15)]
    assert p.cases.rows() == [("DOC-EVL", "unchanged", 0, 0, 6), ("DOC-ROZ", "unchanged", 0, 0, 9)]
    assert _stored(engine) == before


def test_preview_counts_each_change_exactly(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, EXAMPLE_FILES)
    before = _stored(engine)
    p = preview_files(engine, _edited(tmp_path))
    assert p.tables.rows() == [("cases", 1, 1, 1), ("events", 2, 1, 14)]
    assert p.cases.rows() == [
        ("DOC-EVL", "updated", 0, 0, 6),
        ("DOC-ROZ", "unchanged", 1, 1, 8),
        ("NEW-1", "new", 1, 0, 0),
    ]
    assert _stored(engine) == before
    # and the import then does what the preview said
    result = import_files(engine, _edited(tmp_path))
    assert (result.cases_inserted, result.events_inserted) == (1, 2)
    assert preview_files(engine, _edited(tmp_path)).tables.rows() == [
        ("cases", 0, 0, 3),
        ("events", 0, 0, 17),
    ]


def test_events_only_preview(engine: Engine) -> None:
    import_files(engine, EXAMPLE_FILES)
    p = preview_files(engine, [EXAMPLES / "events.csv"])
    assert p.tables.rows() == [("cases", 0, 0, 0), ("events", 0, 0, 15)]
    assert p.cases["case"].null_count() == 2  # the cases themselves are not in the files


def test_preview_reports_every_problem_as_the_import_does(engine: Engine) -> None:
    with pytest.raises(ImportValidationError) as err:
        preview_files(engine, [EXAMPLES / "events.csv"])  # their cases are nowhere
    assert {p.reason for p in err.value.problems} == {
        "no such case in the files or in the database"
    }
    assert _stored(engine)[:2] == (0, 0)
    with engine.connect() as conn:  # refused, as an import would be: audited
        failed = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'import_failed'")
        ).scalar_one()
    assert failed == 1


def test_cli_dry_run_prints_the_preview_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in EXAMPLE_FILES]
    assert main(["import", *files]) == 0
    capsys.readouterr()
    assert main(["import", "--dry-run", *[str(p) for p in _edited(tmp_path)]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "dry run, nothing written; cases.csv, events.csv would change:",
        "cases: 1 new, 1 updated, 1 unchanged",
        "events: 2 new, 1 updated, 14 unchanged",
        "  DOC-EVL: case updated; events 0 new, 0 updated, 6 unchanged",
        "  DOC-ROZ: case unchanged; events 1 new, 1 updated, 8 unchanged",
        "  NEW-1: case new; events 1 new, 0 updated, 0 unchanged",
    ]
    assert main(["import", "--dry-run", *files]) == 0
    assert "events: 0 new, 0 updated, 15 unchanged" in capsys.readouterr().out
