"""The migrations and db/models.py describe the same schema, with a single head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

from db.engine import alembic_config


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_one_head(engine: Engine) -> None:
    assert len(ScriptDirectory.from_config(alembic_config(engine)).get_heads()) == 1
