"""`python -m dashboard import/export`: exit codes, stderr problem list, progress."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import data as cli_data
from dashboard.cli import main
from tests.conftest import EXAMPLES, ROOT

BROKEN = Path(__file__).parents[1] / "fixtures" / "broken"
EXAMPLE_FILES = [str(EXAMPLES / "cases.csv"), str(EXAMPLES / "events.csv")]


def test_import_then_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", *EXAMPLE_FILES]) == 0
    assert "cases: 2 new, 0 updated; events: 15 new, 0 updated" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "out"), "--format", "xlsx"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out" / "oversight.xlsx")
    assert main(["export", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "events.csv").read_text("utf-8").count("\n") == 16


def test_invalid_import_exits_1_with_problems(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(BROKEN / n) for n in ("cases_values.csv", "events_values.csv", "cases_header.csv")]
    assert main(["import", *files]) == 1
    captured = capsys.readouterr()
    lines = [line.replace(f"{BROKEN}/", "") for line in captured.err.splitlines()]
    expected = (BROKEN / "expected.txt").read_text("utf-8").splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problem(s); nothing was imported"
    assert captured.out == ""


def test_progress_for_long_imports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_data, "PROGRESS_FROM", 10)
    assert main(["import", *EXAMPLE_FILES]) == 0
    assert "events: 15/15 rows written" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "dashboard", "--database-url", url, "import", *EXAMPLE_FILES],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert "imported cases.csv, events.csv" in run.stdout
