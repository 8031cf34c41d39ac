"""One engine per URL, sessions through one context manager, migrations on start."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event, text, update
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, col, create_engine

from db import models

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).parent / "migrations"
_lock = threading.Lock()


def private_file(path: str | Path) -> Path:
    """Create `path` readable by its owner only (0600), or make an existing file so.

    Files holding case data (the database, exports, restored databases) are created this way
    before anything is written into them, so no other account on the machine can read them.
    SQLite gives its -wal and -shm files the database file's mode.
    """
    p = Path(path)
    os.close(os.open(p, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(p, 0o600)
    return p


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get their folder created (the file 0600), WAL and
    foreign keys."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        in_memory = path in ("", ":memory:")
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            if not path.startswith("file:") and not Path(path).exists():
                private_file(path)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if in_memory else None,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        # Timestamps are stored as UTC wall-clock (as on SQLite) whatever the server's time zone.
        connect_args = {"options": "-c timezone=UTC"}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine_or_url: Engine | str) -> Config:
    # imported here, not at the top: Alembic is 0.14 s of every command's start-up (measured
    # with -X importtime), and `metrics` on files, a dry run or a page never migrates
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    if isinstance(engine_or_url, str):
        cfg.set_main_option("sqlalchemy.url", engine_or_url.replace("%", "%%"))
    else:
        cfg.attributes["engine"] = engine_or_url
    return cfg


def migrate(engine: Engine) -> None:
    """`alembic upgrade head`, and the data-version row every cache is keyed by.

    The reference tables (regions, agencies) come from the data contract, which db/ does not
    know: dashboard.data.database.migrate() runs this and then loads them."""

    from alembic import command  # see alembic_config

    with _lock, _migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")
        with session_scope(engine) as s:
            if s.get(models.DataVersion, 1) is None:
                s.add(models.DataVersion(id=1, version=0))


#: key of the PostgreSQL advisory lock that serialises migrations of several app processes
_MIGRATION_LOCK_KEY = 0x0F5E_2016


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, one process at a time migrates (app replicas may start together)."""
    if engine.dialect.name != "postgresql":
        yield
        return

    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            conn.commit()


def data_version(engine: Engine) -> int:
    """The shared data version (bumped by every write); keys every cache."""
    with Session(engine) as s:
        row = s.get(models.DataVersion, 1)
        return row.version if row else 0


def bump_version(session: Session | Connection) -> None:
    """Bump the data version inside the caller's transaction (a Session or a Connection)."""

    session.execute(
        update(models.DataVersion)
        .where(col(models.DataVersion.id) == 1)
        .values(version=col(models.DataVersion.version) + 1, changed_at=models.utcnow())
    )
