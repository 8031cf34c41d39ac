"""The process's database: engine from settings, migrated once, reference tables loaded."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine
from sqlmodel import select

from dashboard.config import get_settings
from dashboard.data.contract import AGENCIES, regions
from db import engine as db_engine
from db import models
from db.engine import make_engine, session_scope


def migrate(engine: Engine) -> None:
    """Schema to head (db.engine.migrate), then the reference tables from the contract."""
    db_engine.migrate(engine)
    load_reference_data(engine)


def load_reference_data(engine: Engine) -> None:
    """Regions and agencies from the contract; idempotent."""
    with session_scope(engine) as s:
        have_regions = set(s.exec(select(models.Region.code)).all())
        for r in regions():
            if r.code not in have_regions:
                s.add(
                    models.Region(
                        code=r.code, name_en=r.name_en, name_ru=r.name_ru, name_kk=r.name_kk
                    )
                )
        have_agencies = set(s.exec(select(models.Agency.code)).all())
        for code, (name, family) in AGENCIES.items():
            if code not in have_agencies:
                s.add(models.Agency(code=code, name_en=name, family=family))


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The migrated engine for `url` (default: OVERSIGHT_DATABASE_URL); one per URL per process."""
    return _engine_for(url or get_settings().database_url)
