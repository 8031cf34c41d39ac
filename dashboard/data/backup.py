"""Backup and restore of the embedded SQLite database.

`backup()` uses SQLite's online backup API: it copies a consistent snapshot while the app keeps
reading and writing (WAL mode). `restore()` copies a backup back, page by page, through the
same API, so the restored database is identical to the one that was backed up.
PostgreSQL is backed up with its own tools (`pg_dump -Fc`, `pg_restore`); both functions say so.

>>> # backup("sqlite:///data/oversight.db", "oversight-2026-01-31.db")
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from db.engine import private_file

#: tables a file must have to be accepted as an Oversight backup
REQUIRED_TABLES = frozenset({"alembic_version", "case_file", "event", "app_user", "audit_log"})


class BackupError(RuntimeError):
    """Backup or restore refused (message fit for the user)."""


def sqlite_path(engine_or_url: Engine | str) -> Path:
    """The database file of an SQLite URL; BackupError for anything else."""
    url = make_url(engine_or_url if isinstance(engine_or_url, str) else engine_or_url.url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"{url.get_backend_name()}: back up PostgreSQL with its own tools, e.g. "
            "`pg_dump -Fc -f oversight.dump DATABASE` and `pg_restore --clean -d DATABASE "
            "oversight.dump`; this command handles the embedded SQLite database only"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def backup(engine_or_url: Engine | str, file: str | Path) -> Path:
    """Write a consistent copy of the database to `file` (replaced atomically if it exists)."""
    source = sqlite_path(engine_or_url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    target = Path(file)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=target.parent)
    os.close(fd)
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            # one step (pages=-1): the whole copy is taken under one read snapshot
            src.backup(dst)
            # a self-contained file: no -wal alongside it
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        check_backup(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def check_backup(file: str | Path) -> None:
    """BackupError unless `file` is an intact SQLite database with Oversight's tables."""
    path = Path(file)
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} is not an SQLite database ({e})") from e
    if not ok or ok[0] != "ok":
        raise BackupError(f"{path} is damaged: {ok[0] if ok else 'no answer'}")
    missing = REQUIRED_TABLES - tables
    if missing:
        raise BackupError(
            f"{path} is not an Oversight backup (missing {', '.join(sorted(missing))})"
        )


def has_data(engine_or_url: Engine | str) -> bool:
    """True when the target database exists and holds any case, account or audit row."""
    path = sqlite_path(engine_or_url)
    if not path.exists() or path.stat().st_size == 0:
        return False
    con = sqlite3.connect(path)
    try:
        for table in ("case_file", "app_user", "audit_log"):
            try:
                if con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                    return True
            except sqlite3.OperationalError:
                continue
        return False
    finally:
        con.close()


def restore(file: str | Path, url: Engine | str, *, force: bool = False) -> Path:
    """Replace the database at `url` with the backup `file`.

    Refused when the target already holds data unless `force`. Running app processes see the
    restored data at their next query; restart them so no cache keeps figures from before.
    """
    target = sqlite_path(url)
    check_backup(file)
    if not force and has_data(url):
        raise BackupError(
            f"{target} already holds data; restoring would replace it (use --force to confirm)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    private_file(target)  # the restored database is as private as the backup (0600)
    src = sqlite3.connect(f"file:{Path(file)}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
