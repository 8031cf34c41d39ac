"""Cases and events from the database as canonical polars frames (contract.CASE_SCHEMA/EVENT_SCHEMA).

Frames are sorted in polars (case_id; case_id, seq) so the order does not depend on the
database's collation: SQLite and PostgreSQL give the same frames.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import URL, Connection, Engine, bindparam, make_url, text

from dashboard.data.contract import (
    CASE_COLUMNS,
    CASE_SCHEMA,
    EVENT_COLUMNS,
    EVENT_EXTENSIONS,
    EVENT_SCHEMA,
)
from dashboard.data.versioning import current_version

_CASES_SQL = f"SELECT {', '.join(CASE_COLUMNS)} FROM case_file"
_EVENTS_SQL = f"SELECT {', '.join(EVENT_COLUMNS + EVENT_EXTENSIONS)} FROM event"
#: events as the exporter writes them: the contract's columns and the retraction
EVENT_EXPORT_SCHEMA: dict[str, pl.DataType] = {
    **EVENT_SCHEMA,
    **{n: pl.String() for n in EVENT_EXTENSIONS},
}
#: ids per `IN (...)` query: well under SQLite's and PostgreSQL's parameter limits
ID_CHUNK = 500
#: above this many ids fetch_by_ids reads the whole table once, this many rows at a time
_SCAN_ABOVE = 20 * ID_CHUNK
_SCAN_BATCH = 100_000


def to_schema(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """`frame` with exactly the columns of `schema`, in its order and types (missing -> null)."""
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in schema.items()
    )


def load_frames(
    engine: Engine, *, include_retracted: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All cases and events, canonical and sorted.

    Retracted events (entered by mistake) are left out, so no figure counts them; with
    `include_retracted` (the exporter) they are kept and a `retracted` column says why.

    Read with connectorx (Arrow-native, columns straight into polars) where the URL allows it,
    else with `pl.read_database` over the engine (bench/read_bench.py measures both). The two
    tables are read by separate queries, so the data version is compared before and after and
    the read repeated when a write landed in between: cases and events always match.
    """
    for _ in range(_CONSISTENT_READ_TRIES):
        before = _version(engine)
        cases, events = _read_tables(engine)
        if _version(engine) == before:
            break
    return _cases_frame(cases), _events_frame(events, include_retracted)


#: reads of both tables before giving up on a write-free moment (each retry follows a write)
_CONSISTENT_READ_TRIES = 5
_log = logging.getLogger(__name__)
#: URLs connectorx failed on in this process: read them with read_database from then on
_arrow_failed: set[str] = set()


def _version(engine: Engine) -> int:

    return current_version(engine)


def _read_tables(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    uri = arrow_uri(engine.url)
    key = engine.url.render_as_string(hide_password=True)
    if uri is not None and key not in _arrow_failed:
        try:
            return (
                pl.read_database_uri(_CASES_SQL, uri, engine="connectorx"),
                pl.read_database_uri(_EVENTS_SQL, uri, engine="connectorx"),
            )
        except Exception as exc:  # driver missing or URL it cannot handle: the portable path
            _arrow_failed.add(key)
            _log.warning("connectorx cannot read %s (%s); using read_database", key, exc)
    # the driver's own connection (Python's sqlite3 on SQLite): SQLAlchemy's row processing
    # doubled the read of 10,000 cases, which every page pays after a data change (issue 19)
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert dbapi is not None
        return (
            pl.read_database(_CASES_SQL, dbapi, infer_schema_length=None),
            pl.read_database(_EVENTS_SQL, dbapi, infer_schema_length=None),
        )
    finally:
        raw.close()


def arrow_uri(url: URL | str, *, driver: str = "connectorx") -> str | None:
    """The URI `pl.read_database_uri(engine=driver)` needs for a SQLAlchemy URL, or None.

    >>> arrow_uri("postgresql+psycopg://u:p@db:5432/oversight")
    'postgresql://u:p@db:5432/oversight'
    >>> arrow_uri("sqlite:////srv/oversight.db") is None  # see below
    True

    SQLite gets None, whatever the driver: connectorx and ADBC each bring their own copy of the
    SQLite library, and two copies in one process break each other's POSIX file locks (SQLite's
    "How To Corrupt", 2.2.1). Measured here: a read right after an import returned no rows, and
    the app's next connection failed with "disk I/O error". Python's sqlite3 via read_database
    is the only safe path for SQLite.
    """
    url = make_url(url)
    if url.get_backend_name() == "postgresql" and driver in ("connectorx", "adbc"):
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


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
    """Rows of `select_sql` (a SELECT without WHERE) whose case_id is in `ids`, in chunks.

    For many ids (a re-import of a whole database) one read of the table, filtered in polars
    batch by batch, beats hundreds of `IN (...)` queries and holds one batch of rows at a time.
    """
    parts: list[pl.DataFrame] = []
    if len(ids) > _SCAN_ABOVE:
        wanted = pl.Series("case_id", ids, dtype=pl.String)
        result = conn.execute(text(select_sql))
        for rows in result.partitions(_SCAN_BATCH):
            batch = _rows_frame(rows, list(result.keys()))
            parts.append(batch.filter(pl.col("case_id").is_in(wanted.implode())))
    else:
        stmt = text(f"{select_sql} WHERE case_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        for i in range(0, len(ids), ID_CHUNK):
            result = conn.execute(stmt, {"ids": list(ids[i : i + ID_CHUNK])})
            rows = result.fetchall()
            if rows:
                parts.append(_rows_frame(rows, list(result.keys())))
    parts = [p for p in parts if p.height]
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="diagonal_relaxed")


def _rows_frame(rows: Sequence[Any], names: list[str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _cases_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return to_schema(frame, CASE_SCHEMA).sort("case_id")


def _events_frame(frame: pl.DataFrame, include_retracted: bool = False) -> pl.DataFrame:
    events = to_schema(frame, EVENT_EXPORT_SCHEMA)
    if not include_retracted:
        events = events.filter(pl.col("retracted").is_null()).select(list(EVENT_SCHEMA))
    return events.sort("case_id", "seq")
