"""How an import's rows reach the database: driver-level bulk upserts (issue 19).

SQLite: the driver's `executemany` of one `INSERT ... ON CONFLICT (keys) DO UPDATE`, rows
straight from polars (no SQLAlchemy parameter processing per row: that was most of an
import's time). PostgreSQL: COPY into a temporary table, then one `INSERT ... SELECT ... ON
CONFLICT (keys) DO UPDATE`, for first imports and re-imports alike. Both run inside the
caller's transaction, so an import stays all or nothing. bench/import_bench.py and
bench/postgres_bench.py measure them against a floor (the driver alone, no checks).

Values are stored as SQLAlchemy stores them (dates `YYYY-MM-DD`, timestamps
`YYYY-MM-DD HH:MM:SS.ffffff` in UTC, booleans 0/1 on SQLite), so the ORM reads them back.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection

#: rows per executemany or COPY chunk (and per progress report); bounds the memory a chunk of
#: Python tuples or CSV text takes
CHUNK = 20_000
Progress = Callable[[int, int], None]


def upsert(
    conn: Connection,
    table: str,
    frame: pl.DataFrame,
    keys: Sequence[str],
    *,
    keep: Sequence[str] = (),
    stored: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> None:
    """Insert `frame`'s rows into `table`; a row whose `keys` exist updates every column but
    `keys` and `keep` (e.g. the first import's timestamp).

    `stored`: the keys among `frame`'s that the table holds, when the caller knows them (read
    in the same transaction, after taking the write lock). On SQLite the other rows are then
    plainly inserted: an upsert of a new row costs twice as much there once foreign keys are
    on (measured: bench/import_bench.py).
    """
    if frame.is_empty():
        return
    update = [n for n in frame.columns if n not in set(keys) | set(keep)]
    name = conn.dialect.name
    cursor: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if name == "sqlite":
            _sqlite(cursor, table, frame, keys, update, stored, progress)
        elif name == "postgresql":
            _postgres(cursor, table, frame, keys, update, progress)
        else:
            raise NotImplementedError(f"import into {name} is not supported")
    finally:
        cursor.close()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _conflict(keys: Sequence[str], update: Sequence[str], source: str) -> str:
    sets = ", ".join(f"{_q(n)} = {source}.{_q(n)}" for n in update)
    action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    return f"ON CONFLICT ({', '.join(map(_q, keys))}) {action}"


def sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and timestamps as the text SQLAlchemy's SQLite types write."""
    out = []
    for n, t in frame.schema.items():
        col = pl.col(n)
        if t == pl.Date:
            col = col.dt.to_string("%Y-%m-%d")
        elif isinstance(t, pl.Datetime):
            if t.time_zone is not None:
                col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            col = col.dt.to_string("%Y-%m-%d %H:%M:%S.%6f")
        out.append(col)
    return frame.select(out)


def _sqlite(
    cursor: Any,
    table: str,
    frame: pl.DataFrame,
    keys: Sequence[str],
    update: Sequence[str],
    stored: pl.DataFrame | None,
    progress: Progress | None,
) -> None:
    columns = ", ".join(map(_q, frame.columns))
    marks = ", ".join("?" * frame.width)
    insert = f"INSERT INTO {_q(table)} ({columns}) VALUES ({marks})"
    upsert = f"{insert} {_conflict(keys, update, 'excluded')}"
    done = 0
    for sql, part in _split(frame, keys, stored, insert, upsert):
        # converted chunk by chunk: no second copy of a million rows
        for chunk in part.iter_slices(CHUNK):
            cursor.executemany(sql, sqlite_values(chunk).iter_rows())
            done += chunk.height
            if progress is not None:
                progress(done, frame.height)


def _split(
    frame: pl.DataFrame,
    keys: Sequence[str],
    stored: pl.DataFrame | None,
    insert: str,
    upsert: str,
) -> list[tuple[str, pl.DataFrame]]:
    """(statement, rows): new rows to `insert`, stored ones to `upsert` (all of them when the
    stored keys are unknown). A first import or a full re-import is one part, not a copy."""
    if stored is None:
        return [(upsert, frame)]
    if stored.is_empty():
        return [(insert, frame)]
    key = pl.struct(list(keys)) if len(keys) > 1 else pl.col(keys[0])
    held = stored.select(key.alias("_key")).to_series()
    is_stored = frame.select(key.is_in(held.implode()).alias("_stored")).to_series()
    count = int(is_stored.sum())
    if count == 0:
        return [(insert, frame)]
    if count == frame.height:
        return [(upsert, frame)]
    return [(insert, frame.filter(~is_stored)), (upsert, frame.filter(is_stored))]


def copy_csv(frame: pl.DataFrame) -> bytes:
    """`frame` as COPY ... (FORMAT csv, NULL '\\N') text: strings quoted, so a cell that reads
    `\\N` stays text; missing values unquoted `\\N`."""
    buf = io.BytesIO()
    naive = frame.with_columns(
        pl.col(n).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for n, t in frame.schema.items()
        if isinstance(t, pl.Datetime) and t.time_zone is not None
    )
    naive.write_csv(buf, include_header=False, quote_style="non_numeric", null_value="\\N")
    return buf.getvalue()


COPY_OPTIONS = "(FORMAT csv, NULL '\\N')"


def _postgres(
    cursor: Any,
    table: str,
    frame: pl.DataFrame,
    keys: Sequence[str],
    update: Sequence[str],
    progress: Progress | None,
) -> None:
    columns = ", ".join(map(_q, frame.columns))
    staging = _q(f"_import_{table}")
    # the target's column types, none of its defaults, keys or indexes: COPY into it is cheap
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {columns} FROM {_q(table)} WITH NO DATA"
    )
    done = 0
    with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN {COPY_OPTIONS}") as copy:
        for chunk in frame.iter_slices(CHUNK):
            copy.write(copy_csv(chunk))
            done += chunk.height
            if progress is not None:
                progress(done, frame.height)
    cursor.execute(
        f"INSERT INTO {_q(table)} ({columns}) SELECT {columns} FROM {staging} "
        f"{_conflict(keys, update, 'EXCLUDED')}"
    )
    cursor.execute(f"DROP TABLE {staging}")
