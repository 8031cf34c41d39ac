"""The process's database: engine from settings, migrated once."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from dashboard.config import get_settings
from db.engine import make_engine, migrate


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The migrated engine for `url` (default: OVERSIGHT_DATABASE_URL); one per URL per process."""
    return _engine_for(url or get_settings().database_url)
