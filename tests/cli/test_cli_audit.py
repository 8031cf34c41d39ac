"""Command-line actions are audited with the operating-system user as actor: imports
(refused ones too), full exports, account unlocks, backups and restores."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import pytest

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.cli import main
from db.engine import make_engine
from tests.conftest import EXAMPLES

SEC = Principal("boss", "secretariat")
ME = f"cli:{getpass.getuser()}"
FILES = [str(EXAMPLES / "cases.csv"), str(EXAMPLES / "events.csv")]


def _log(url: str, action: str):
    engine = make_engine(url)
    try:
        return audit.read(engine, SEC, action=action)
    finally:
        engine.dispose()


def test_import_and_export_audited_as_the_os_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "import", *FILES]) == 0
    assert main(["--database-url", url, "import", str(tmp_path / "missing.csv")]) == 1
    assert main(["--database-url", url, "export", str(tmp_path / "out")]) == 0
    assert main(["--database-url", url, "export", str(tmp_path / "pub"), "--public"]) == 0
    assert _log(url, "import")["username"].to_list() == [ME]
    failed = _log(url, "import_failed")
    assert failed["username"].to_list() == [ME]
    assert json.loads(failed["detail"][0]) == {"files": ["missing.csv"], "problems": 1}
    exports = _log(url, "export")
    assert exports["username"].to_list() == [ME, ME]
    assert exports["detail"].to_list() == ["public csv", f"full csv: {tmp_path / 'out'}"]


def test_restore_is_the_one_row_added_to_the_restored_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert main(["--database-url", url, "import", *FILES]) == 0
    copy = tmp_path / "copy.db"
    assert main(["--database-url", url, "backup", str(copy)]) == 0
    assert _log(url, "backup")["username"].to_list() == [ME]
    assert main(["--database-url", url, "restore", str(copy), "--force"]) == 0
    restored = _log(url, "restore")
    assert restored["username"].to_list() == [ME]
    assert restored["detail"].to_list() == [str(copy)]

    def rows(path: Path) -> dict[str, list[tuple]]:
        con = sqlite3.connect(path)
        try:
            tables = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        finally:
            con.close()

    before, after = rows(copy), rows(tmp_path / "live.db")
    assert after["audit_log"][:-1] == before["audit_log"]  # the backup's log, then the restore
    assert {t: v for t, v in after.items() if t != "audit_log"} == {
        t: v for t, v in before.items() if t != "audit_log"
    }
