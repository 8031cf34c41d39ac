"""The shared data version on both backends: moves with every committed write, never otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.data.versioning import cache_key, current_version
from db.engine import bump_version, make_engine, session_scope


def test_starts_at_zero_and_moves_with_each_commit(engine: Engine) -> None:
    assert current_version(engine) == 0
    for expected in (1, 2, 3):
        with session_scope(engine) as s:
            bump_version(s)
        assert current_version(engine) == expected


def test_rolled_back_write_does_not_move_it(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        bump_version(s)
        raise RuntimeError("write failed")
    assert current_version(engine) == 0


def test_a_second_engine_sees_the_bump_at_once(engine: Engine) -> None:
    """Two engines on one database stand for two app processes."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        before = cache_key(other)
        with session_scope(engine) as s:
            bump_version(s)
        after = cache_key(other)
        assert after[1] == before[1] + 1
        assert after[0] == before[0]
    finally:
        other.dispose()
