"""Backup and restore: consistent while writes go on; the restored database is identical."""

from __future__ import annotations

import io
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.accounts import audit, auth
from dashboard.cli import main
from dashboard.data.backup import BackupError, backup, restore
from dashboard.data.database import migrate
from db.engine import make_engine, session_scope


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _filled(tmp_path: Path, name: str = "live.db") -> tuple[Engine, Path]:
    path = tmp_path / name
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    auth.create_user(engine=engine, username="boss", password="Long-enough-1", role="secretariat")
    for i in range(50):
        audit.record_now(
            engine, actor="boss", action="view_case", entity="case", entity_id=f"K-{i}"
        )
    return engine, path


def test_backup_then_restore_is_identical(tmp_path: Path) -> None:
    engine, live = _filled(tmp_path)
    original = _dump(live)
    copy = backup(engine, tmp_path / "b" / "copy.db")
    assert _dump(copy) == original
    # the live database changes after the backup ...
    auth.create_user(engine=engine, username="late", password="Long-enough-1", role="member")
    assert _dump(live) != original
    # ... and restoring brings back exactly the backed-up state
    restore(copy, f"sqlite:///{live}", force=True)
    assert _dump(live) == original
    engine.dispose()
    # still usable by the app afterwards
    eng2 = make_engine(f"sqlite:///{live}")
    assert auth.authenticate(engine=eng2, username="boss", password="Long-enough-1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=eng2, username="late", password="Long-enough-1")
    eng2.dispose()


def test_restore_into_a_fresh_location(tmp_path: Path) -> None:
    engine, live = _filled(tmp_path)
    copy = backup(engine, tmp_path / "copy.db")
    target = tmp_path / "new" / "restored.db"
    restore(copy, f"sqlite:///{target}")
    assert _dump(target) == _dump(live)


def test_backup_is_consistent_while_writes_go_on(tmp_path: Path) -> None:
    engine, live = _filled(tmp_path)
    stop = threading.Event()

    def writer() -> None:
        # every transaction writes two rows: a consistent copy has an even number of extra rows
        while not stop.is_set():
            with session_scope(engine) as s:
                audit.record(s, actor="w", action="pair")
                audit.record(s, actor="w", action="pair")

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for th in threads:
        th.start()
    try:
        copies = [backup(engine, tmp_path / f"copy{i}.db") for i in range(5)]
    finally:
        stop.set()
        for th in threads:
            th.join()
    counts = []
    for copy in copies:
        con = sqlite3.connect(copy)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (n,) = con.execute("SELECT count(*) FROM audit_log WHERE action='pair'").fetchone()
        con.close()
        assert n % 2 == 0
        counts.append(n)
    assert counts == sorted(counts)


def test_restore_refuses_to_overwrite_data_without_force(tmp_path: Path) -> None:
    engine, live = _filled(tmp_path)
    copy = backup(engine, tmp_path / "copy.db")
    with pytest.raises(BackupError, match="--force"):
        restore(copy, f"sqlite:///{live}")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not an SQLite database"):
        restore(junk, f"sqlite:///{tmp_path / 'x.db'}")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match="not an Oversight backup"):
        restore(other, f"sqlite:///{tmp_path / 'x.db'}")


def test_postgres_is_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        backup("postgresql+psycopg://u@localhost/oversight", tmp_path / "x.db")
    with pytest.raises(BackupError, match="pg_dump"):
        restore(tmp_path / "x.db", "postgresql+psycopg://u@localhost/oversight")


def test_cli_backup_restore_and_create_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("Very-secret-9\n"))
    assert main(["--database-url", url, "create-user", "boss", "--password-stdin"]) == 0
    assert "Very-secret-9" not in capsys.readouterr().out
    copy = tmp_path / "cli-copy.db"
    assert main(["--database-url", url, "backup", str(copy)]) == 0
    assert main(["--database-url", url, "restore", str(copy)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--database-url", url, "restore", str(copy), "--force"]) == 0
    eng = make_engine(url)
    assert auth.authenticate(engine=eng, username="boss", password="Very-secret-9").role == (
        "secretariat"
    )
    eng.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--database-url", url, "create-user", "x", "--password-stdin"]) == 1


def test_cli_create_user_without_password_for_oidc(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oidc.db'}"
    assert main(["--database-url", url, "create-user", "A.Nur@example.kz", "--no-password"]) == 0
    eng = make_engine(url)
    assert auth.principal_for_email(engine=eng, email="a.nur@example.kz") is not None
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=eng, username="a.nur@example.kz", password="")
    eng.dispose()
