"""Cases and events from the database as canonical polars frames (contract.CASE_SCHEMA/EVENT_SCHEMA).

Frames are sorted in polars (case_id; case_id, seq) so the order does not depend on the
database's collation: SQLite and PostgreSQL give the same frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl
from sqlalchemy import Connection, Engine, bindparam, text

from dashboard.contract import CASE_COLUMNS, CASE_SCHEMA, EVENT_COLUMNS, EVENT_SCHEMA

_CASES_SQL = f"SELECT {', '.join(CASE_COLUMNS)} FROM case_file"
_EVENTS_SQL = f"SELECT {', '.join(EVENT_COLUMNS)} FROM event"
#: ids per `IN (...)` query: well under SQLite's and PostgreSQL's parameter limits
ID_CHUNK = 500


def to_schema(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """`frame` with exactly the columns of `schema`, in its order and types (missing -> null)."""
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in schema.items()
    )


def load_frames(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All cases and events, canonical and sorted."""
    with engine.connect() as conn:
        cases = pl.read_database(_CASES_SQL, conn, infer_schema_length=None)
        events = pl.read_database(_EVENTS_SQL, conn, infer_schema_length=None)
    return _cases_frame(cases), _events_frame(events)


def load_frames_for_cases(
    engine: Engine, case_ids: Iterable[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The given cases and their events, canonical and sorted."""
    ids = sorted(set(case_ids))
    with engine.connect() as conn:
        cases = fetch_by_ids(conn, _CASES_SQL, ids)
        events = fetch_by_ids(conn, _EVENTS_SQL, ids)
    return _cases_frame(cases), _events_frame(events)


def fetch_by_ids(conn: Connection, select_sql: str, ids: Sequence[str]) -> pl.DataFrame:
    """Rows of `select_sql` (a SELECT without WHERE) whose case_id is in `ids`, in chunks."""
    stmt = text(f"{select_sql} WHERE case_id IN :ids").bindparams(bindparam("ids", expanding=True))
    parts: list[pl.DataFrame] = []
    for i in range(0, len(ids), ID_CHUNK):
        result = conn.execute(stmt, {"ids": list(ids[i : i + ID_CHUNK])})
        rows = result.fetchall()
        if rows:
            parts.append(
                pl.DataFrame(
                    rows, schema=list(result.keys()), orient="row", infer_schema_length=None
                )
            )
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="diagonal_relaxed")


def _cases_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return to_schema(frame, CASE_SCHEMA).sort("case_id")


def _events_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return to_schema(frame, EVENT_SCHEMA).sort("case_id", "seq")
