"""Import benchmark: N valid cases with 10 events each, imported into a fresh SQLite file.

    python bench/import_bench.py                 # 100,000 cases, 1,000,000 events
    python bench/import_bench.py --cases 5000    # a quick run

Prints, for one generated data set, the time and peak memory of
  - floor:     polars reads the CSVs, stdlib sqlite3 inserts every row into two tables keyed
               like ours, in one transaction, with no checks (what the import cannot beat),
  - import:    dashboard.data.importer.import_files (every contract rule, upsert, audit, one
               transaction) into a fresh database, and
  - re-import: the same files again (every row an update),
each in its own process so peak memory (max RSS) is that phase's alone.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._proc import python, run  # noqa: E402
from dashboard.data import contract as c  # noqa: E402

#: one procedural history, repeated for every case: (event_type, agency, qualification, detail, trigger)
HISTORY = [
    ("complaint_lodged", "PROS_LOCAL", None, None, None),
    ("screening_started", "MVD_IID", None, None, None),
    ("refusal_to_open", "MVD_IID", None, "insufficient_evidence", None),
    ("appeal_lodged", "PROS_REGIONAL", None, None, None),
    ("decision_overturned", "PROS_REGIONAL", None, None, None),
    ("criminal_case_opened", "SPU", "torture", None, None),
    ("spu_involved", "SPU", None, "investigating", "lawyer_request"),
    ("indictment_to_court", "SPU", None, None, None),
    ("verdict", "COURT", "torture", "conviction", None),
    ("sentence", "COURT", None, "custodial", None),
]


def generate(n_cases: int, directory: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write cases.csv and events.csv (valid, with mixed date precision) into `directory`."""
    cases = _cases(n_cases, seed)
    events = _events(cases, seed)
    cases_path, events_path = directory / "cases.csv", directory / "events.csv"
    cases.drop("_start").write_csv(cases_path)
    events.write_csv(events_path)
    return cases_path, events_path


def _pick(values: tuple[str, ...] | list[str], n: int, seed: int) -> pl.Series:
    return pl.Series(list(values)).sample(n, with_replacement=True, seed=seed)


def _cases(n: int, seed: int) -> pl.DataFrame:
    idx = pl.int_range(0, n, eager=True)
    start = pl.date(2008, 1, 1) + pl.duration(days=(pl.col("_i") * 7919) % 4000)
    base = pl.DataFrame({"_i": idx}).with_columns(_start=start)
    day = pl.col("_start").dt.strftime("%Y-%m-%d")
    month = pl.col("_start").dt.strftime("%Y-%m")
    return base.select(
        pl.format("BEN-{}", pl.col("_i").cast(pl.String).str.zfill(7)).alias("case_id"),
        _pick(c.region_codes(), n, seed).alias("region"),
        pl.format("Victim {}", pl.col("_i")).alias("victim_name"),
        pl.lit("false").alias("identity_public"),
        _pick(c.VICTIM_SEX, n, seed + 1).alias("victim_sex"),
        (18 + pl.col("_i") % 60).cast(pl.String).alias("victim_age"),
        _pick(c.VICTIM_STATUS, n, seed + 2).alias("victim_status"),
        pl.when(pl.col("_i") % 5 == 0).then(month).otherwise(day).alias("incident_date"),
        _pick(c.PLACE_TYPE, n, seed + 3).alias("place_type"),
        pl.lit(None, pl.String).alias("unregistered_detention"),
        _pick(c.AGENCY_CODES, n, seed + 4).alias("accused_agency"),
        _pick(["beating", "beating;threats", "asphyxiation;psychological"], n, seed + 5).alias(
            "allegations"
        ),
        _pick(c.HARM, n, seed + 6).alias("harm"),
        pl.lit("none").alias("medical_evidence"),
        pl.lit("true").alias("lawyer"),
        pl.lit("Coalition of NGOs against Torture").alias("ngo"),
        (pl.col("_start") + pl.duration(days=40)).dt.strftime("%Y-%m-%d").alias("complaint_date"),
        _pick(c.COMPLAINT_CHANNEL, n, seed + 7).alias("complaint_channel"),
        pl.lit("Generated case for the import benchmark.").alias("summary"),
        pl.lit(None, pl.String).alias("source"),
        pl.lit("true").alias("synthetic"),
        "_start",
    )


def _events(cases: pl.DataFrame, seed: int) -> pl.DataFrame:
    history = pl.DataFrame(
        HISTORY,
        schema=["event_type", "agency", "qualification", "detail", "trigger"],
        orient="row",
    ).with_row_index("seq", offset=1)
    days = pl.col("_start") + pl.duration(days=60 + 45 * pl.col("seq").cast(pl.Int64))
    return (
        cases.select("case_id", "_start")
        .join(history, how="cross")
        .select(
            "case_id",
            pl.col("seq").cast(pl.Int64),
            pl.when(pl.col("seq") == 4)
            .then(days.dt.strftime("%Y-%m"))
            .otherwise(days.dt.strftime("%Y-%m-%d"))
            .alias("event_date"),
            "event_type",
            "agency",
            pl.lit(None, pl.String).alias("to_agency"),
            "qualification",
            "detail",
            "trigger",
            pl.lit(None, pl.String).alias("victim_informed_date"),
            pl.when(pl.col("seq") == 9).then(pl.lit("=HYPERLINK(x)")).alias("note"),
            pl.lit(None, pl.String).alias("source"),
        )
    )


# --- phases, each run in a child process ---------------------------------------------------------


def phase_import(folder: Path, db: str) -> dict:
    """dashboard.data.importer.import_files into `db` (created and migrated if new)."""
    from dashboard.data.database import migrate
    from dashboard.data.importer import import_files
    from db.engine import make_engine

    engine = make_engine(f"sqlite:///{folder / db}")
    migrate(engine)
    t0 = time.perf_counter()
    result = import_files(engine, [folder / "cases.csv", folder / "events.csv"])
    return {"seconds": time.perf_counter() - t0, "rows": _rows(result)}


def _rows(result) -> int:
    return (
        result.cases_inserted
        + result.cases_updated
        + result.events_inserted
        + result.events_updated
    )


def phase_floor(folder: Path) -> dict:
    """The floor: polars reads the CSVs, stdlib sqlite3 inserts every row into two tables keyed
    like ours (case_file by case_id, event by case_id + seq), one transaction, no checks."""
    path = folder / "floor.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as db/engine.py sets them
    conn.execute("PRAGMA synchronous=NORMAL")
    t0 = time.perf_counter()
    cases = pl.read_csv(folder / "cases.csv", infer_schema=False)
    events = pl.read_csv(folder / "events.csv", infer_schema=False)
    tables = ((cases, "case_file", "case_id"), (events, "event", "case_id, seq"))
    with conn:
        for frame, table, key in tables:
            columns = ", ".join(f'"{n}"' for n in frame.columns)
            conn.execute(f"CREATE TABLE {table} ({columns}, PRIMARY KEY ({key}))")
            marks = ", ".join("?" * frame.width)
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", frame.iter_rows())
    conn.close()
    return {"seconds": time.perf_counter() - t0, "rows": cases.height + events.height}


PHASES = {
    "floor": phase_floor,
    "import": lambda folder: phase_import(folder, "import.db"),
    # the same files again into the same database: every row an update
    "re-import": lambda folder: phase_import(folder, "import.db"),
}


def _run_phase(phase: str, folder: Path) -> None:
    print(json.dumps(PHASES[phase](folder)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _run_phase(args.phase, args.folder)
        return
    with tempfile.TemporaryDirectory(prefix="import_bench_") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(args.cases, folder)
        print(
            f"generated {args.cases:,} cases, {args.cases * len(HISTORY):,} events "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        runs = {}
        for name in PHASES:
            child = run(python(__file__, "--phase", name, "--folder", str(folder)))
            runs[name] = (json.loads(child.stdout.decode().strip().splitlines()[-1]), child)
    for name, (r, child) in runs.items():
        print(
            f"{name:>10}: {r['seconds']:7.2f} s  {r['rows'] / r['seconds']:>10,.0f} rows/s  "
            f"process cpu {child.cpu:6.2f} s  peak {child.peak_mib:,.0f} MiB"
        )
    floor = runs["floor"][0]["seconds"]
    peak = runs["import"][1].peak_mib
    print(
        f"import / floor: {runs['import'][0]['seconds'] / floor:.2f}x, "
        f"re-import / floor: {runs['re-import'][0]['seconds'] / floor:.2f}x (target <= 2x); "
        f"import peak {peak / 1024:.2f} GiB (target < 1 GiB)"
    )


if __name__ == "__main__":
    main()
