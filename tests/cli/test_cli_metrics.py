"""`python -m dashboard metrics`: the worked example from files and from the database."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from dashboard.data.importer import import_files
from tests.conftest import EXAMPLES, ROOT
from tests.ui.demo_data import demo_frames

EXPECTED = json.loads((EXAMPLES / "expected-2015-09-30.json").read_text())
FILES = [str(EXAMPLES / "cases.csv"), str(EXAMPLES / "events.csv")]


def _keys(obj: object, prefix: str = "") -> set[str]:
    """Every key path of a JSON document (case ids replaced by *)."""
    out: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            name = "*" if prefix == "cases" else k
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            out |= _keys(v, path)
    return out


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["metrics", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_files_reproduce_the_expected_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *FILES, "--as-of", "2015-09-30")
    assert code == 0
    got = json.loads(out)
    assert got == EXPECTED
    assert _keys(got) == _keys(EXPECTED)
    assert list(got) == ["cases", "indicators"]


def test_cohort_and_region_filters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *FILES, "--as-of", "2015-09-30", "--region", "KZ-59")
    got = json.loads(out)
    assert (code, list(got["cases"])) == (0, ["DOC-ROZ"])
    assert got["indicators"]["complaints"] == 1
    assert got["indicators"]["prosecution_rate"] == 1.0
    assert _keys(got) == _keys(EXPECTED)
    _, out, _ = run(
        capsys, *FILES, "--as-of", "2015-09-30", "--from", "2012-01-01", "--to", "2012-12-31"
    )
    got = json.loads(out)
    assert list(got["cases"]) == ["DOC-ROZ"]
    # before DOC-ROZ's criminal case (imputed 2012-07-01) it is open, in screening
    _, out, _ = run(capsys, *FILES, "--as-of", "2012-06-30")
    got = json.loads(out)
    assert list(got["cases"]) == ["DOC-EVL"]
    _, out, _ = run(capsys, *FILES, "--as-of", "2009-06-01")
    evl = json.loads(out)["cases"]["DOC-EVL"]
    assert (evl["state"], evl["info_delays"]) == ("refused", [])


def test_empty_cohort_has_no_cases_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, *FILES, "--as-of", "2015-09-30", "--from", "2020-01-01", "--to", "2020-12-31"
    )
    got = json.loads(out)
    assert code == 0 and got["cases"] == {}
    assert got["indicators"]["complaints"] == 0
    assert got["indicators"]["spu_involvement_rate"] is None
    assert _keys(got["indicators"]) == _keys(EXPECTED["indicators"])


def test_database_gives_the_same_json(
    capsys: pytest.CaptureFixture[str], sqlite_engine: Engine, tmp_path: Path
) -> None:
    import_files(sqlite_engine, FILES)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "--db", url, "--as-of", "2015-09-30")
    assert code == 0
    assert json.loads(out) == EXPECTED


def test_invalid_input_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, *FILES, "--as-of", "2015-09-30", "--region", "KZ-00")
    assert code == 1 and "KZ-00" in err
    code, _, err = run(capsys, "--as-of", "2015-09-30")
    assert code == 1
    bad = tmp_path / "events.csv"
    shutil.copy(EXAMPLES / "events.csv", bad)
    bad.write_text(bad.read_text().replace("refusal_to_open", "refusal"))
    code, out, err = run(capsys, FILES[0], str(bad), "--as-of", "2015-09-30")
    assert code == 1 and out == "" and "refusal" in err


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """`oversight metrics ... | head`: no traceback when the pipe closes (exit 141, SIGPIPE)."""
    cases, events = demo_frames(3000, first=date(2024, 1, 3))  # every date in the past
    paths = [tmp_path / "cases.csv", tmp_path / "events.csv"]
    cases.write_csv(paths[0])
    events.write_csv(paths[1])
    argv = [sys.executable, "-m", "dashboard", "metrics", *map(str, paths), "--as-of", "2026-11-30"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b"{")
    proc.stdout.close()  # far less than the whole document (about 1 MB) was read
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert "Traceback" not in err and err == ""
