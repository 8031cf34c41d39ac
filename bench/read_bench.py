"""Reading cases and events into polars: ORM objects vs pl.read_database vs Arrow-native drivers.

    .venv/bin/python bench/read_bench.py [--cases 100000] [--events 1000000] [--postgres URL]

Fills an SQLite file (and a PostgreSQL database when --postgres or OVERSIGHT_TEST_POSTGRES_URL
names a server: a database is created on it and dropped after) with generated contract-shaped
data, then times each way of reading both tables into canonical frames, best of --repeat runs,
and prints one table: rows = methods, columns = backends. dashboard/data/store.py uses the fastest
that is safe: connectorx on PostgreSQL; pl.read_database on SQLite (connectorx and ADBC bring a
second SQLite library into the process, which breaks SQLite's locks: see store.arrow_uri).

Measured (100,000 cases + 1,000,000 events, 2 cores shared with other jobs, best of 2):

    method                                         SQLite              PostgreSQL
    ORM objects (row by row)                      41.63 s                 88.60 s
    pl.read_database (SQLAlchemy)                  8.43 s                  6.48 s
    read_database_uri connectorx                   2.37 s                  3.58 s
    read_database_uri ADBC                         5.02 s                  5.36 s

and at 20,000 / 200,000 on a quieter machine: ORM 13.6 / 5.4 s, read_database 1.57 / 2.38 s,
connectorx 0.49 / 0.54 s, ADBC 0.55 / 0.45 s, store.load_frames 1.30 / 0.54 s. ADBC drivers
are not a dependency (`pip install adbc-driver-postgresql adbc-driver-sqlite` to measure them).
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._gen import generate  # noqa: E402
from dashboard.data import store  # noqa: E402
from dashboard.data.contract import CASE_COLUMNS, EVENT_COLUMNS, imputed_date  # noqa: E402
from dashboard.data.database import migrate  # noqa: E402
from db import models  # noqa: E402
from db.engine import make_engine  # noqa: E402

CASES_SQL = f"SELECT {', '.join(CASE_COLUMNS)} FROM case_file"
EVENTS_SQL = f"SELECT {', '.join(EVENT_COLUMNS)} FROM event"


# --- filling (not timed) ---------------------------------------------------------------------


def db_frames(cases: pl.DataFrame, events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical frames -> rows as the tables hold them (imputed *_on days, timestamps)."""
    now = pl.lit(models.utcnow().replace(tzinfo=None))
    c = cases.with_columns(
        imputed_date("incident_date").alias("incident_on"),
        imputed_date("complaint_date").alias("complaint_on"),
        pl.col("identity_public").fill_null(False),
        pl.col("synthetic").fill_null(False),
        pl.col("victim_sex").fill_null("unknown"),
        pl.col("medical_evidence").fill_null("none"),
        now.alias("imported_at"),
        now.alias("updated_at"),
    )
    e = events.with_columns(imputed_date("event_date").alias("event_on"))
    return c, e


def fill(engine: Engine, cases: pl.DataFrame, events: pl.DataFrame) -> None:
    """Bulk load: COPY on PostgreSQL, executemany on SQLite."""
    c, e = db_frames(cases, events)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            cur = raw.cursor()
            for table, frame in (("case_file", c), ("event", e)):
                buf = io.BytesIO()
                frame.write_csv(buf, null_value="\\N")
                cols = ", ".join(frame.columns)
                with cur.copy(  # type: ignore[attr-defined]
                    f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, HEADER, NULL '\\N')"
                ) as cp:
                    cp.write(buf.getvalue())
        else:
            cur = raw.cursor()
            for table, frame in (("case_file", c), ("event", e)):
                cols = ", ".join(frame.columns)
                marks = ", ".join("?" * len(frame.columns))
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", frame.iter_rows())
        raw.commit()
    finally:
        raw.close()


# --- the ways of reading -----------------------------------------------------------------------


def read_orm(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Row by row: ORM objects, then dicts, then a frame."""
    with Session(engine) as s:
        cases = [{k: getattr(o, k) for k in CASE_COLUMNS} for o in s.exec(select(models.Case))]
        events = [{k: getattr(o, k) for k in EVENT_COLUMNS} for o in s.exec(select(models.Event))]
    return (
        store.to_schema(pl.DataFrame(cases, infer_schema_length=None), store.CASE_SCHEMA),
        store.to_schema(pl.DataFrame(events, infer_schema_length=None), store.EVENT_SCHEMA),
    )


def read_sqlalchemy(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """pl.read_database over a SQLAlchemy connection (DB-API cursor, rows in Python)."""
    with engine.connect() as conn:
        cases = pl.read_database(CASES_SQL, conn, infer_schema_length=None)
        events = pl.read_database(EVENTS_SQL, conn, infer_schema_length=None)
    return store.to_schema(cases, store.CASE_SCHEMA), store.to_schema(events, store.EVENT_SCHEMA)


def _uri(engine: Engine, driver: str) -> str:
    """store.arrow_uri, plus SQLite files, which the app never reads this way (see there): the
    bench does, in a throw-away file, to show what the driver would give."""
    if engine.dialect.name == "sqlite":
        path = str(Path(engine.url.database or "").resolve())
        # connectorx wants sqlite:// + absolute path; polars strips up to 3 slashes for ADBC
        return ("sqlite://" if driver == "connectorx" else "sqlite:///") + path
    uri = store.arrow_uri(engine.url, driver=driver)
    assert uri, f"no {driver} URI for {engine.url}"
    return uri


def _read_uri(engine: Engine, driver: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    uri = _uri(engine, driver)
    cases = pl.read_database_uri(CASES_SQL, uri, engine=driver)  # type: ignore[arg-type]
    events = pl.read_database_uri(EVENTS_SQL, uri, engine=driver)  # type: ignore[arg-type]
    return store.to_schema(cases, store.CASE_SCHEMA), store.to_schema(events, store.EVENT_SCHEMA)


def read_connectorx(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """pl.read_database_uri with connectorx (Rust, Arrow-native)."""
    return _read_uri(engine, "connectorx")


def read_adbc(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """pl.read_database_uri with an ADBC driver (C, Arrow-native), if installed."""
    return _read_uri(engine, "adbc")


def read_store(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the app uses: dashboard.data.store.load_frames (sorted, canonical)."""
    return store.load_frames(engine)


METHODS: dict[str, Callable[[Engine], tuple[pl.DataFrame, pl.DataFrame]]] = {
    "ORM objects (row by row)": read_orm,
    "pl.read_database (SQLAlchemy)": read_sqlalchemy,
    "read_database_uri connectorx": read_connectorx,
    "read_database_uri ADBC": read_adbc,
    "store.load_frames (the app)": read_store,
}


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--postgres", default=os.environ.get("OVERSIGHT_TEST_POSTGRES_URL"))
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    cases, events = generate(args.cases, args.events)
    print(
        f"generated {args.cases:,} cases / {args.events:,} events in {time.perf_counter() - t0:.1f}s"
    )

    from contextlib import ExitStack

    results: dict[str, dict[str, str]] = {m: {} for m in METHODS}
    backends: list[str] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        urls = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        if args.postgres:
            from tests.pg import fresh_postgres_database

            urls["PostgreSQL"] = stack.enter_context(
                fresh_postgres_database(args.postgres, migrated=False)
            )
        for backend, url in urls.items():
            engine = make_engine(url)
            migrate(engine)
            t0 = time.perf_counter()
            fill(engine, cases, events)
            if engine.dialect.name == "postgresql":
                with engine.connect() as conn:
                    conn.execute(text("ANALYZE"))
                    conn.commit()
            print(f"{backend}: filled in {time.perf_counter() - t0:.1f}s")
            backends.append(backend)
            reference = read_store(engine)
            for name, fn in METHODS.items():
                try:
                    got = fn(engine)
                    same = got[0].sort("case_id").equals(reference[0]) and got[1].sort(
                        "case_id", "seq"
                    ).equals(reference[1])
                    secs = best_of(lambda fn=fn, engine=engine: fn(engine), args.repeat)
                    results[name][backend] = f"{secs:8.2f} s" + ("" if same else " (DIFFERS)")
                except Exception as exc:  # a driver that is not installed or cannot read this
                    results[name][backend] = f"n/a ({type(exc).__name__})"
            engine.dispose()
    sqlite3.connect(":memory:").close()

    width = max(len(m) for m in METHODS)
    print()
    print(f"read {args.cases:,} cases + {args.events:,} events into polars (best of {args.repeat})")
    print(f"{'method':<{width}}  " + "  ".join(f"{b:>22}" for b in backends))
    for name in METHODS:
        print(f"{name:<{width}}  " + "  ".join(f"{results[name].get(b, ''):>22}" for b in backends))
    return 0


if __name__ == "__main__":
    sys.exit(main())
