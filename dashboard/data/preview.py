"""What an import would change, before anything is written: new, updated and unchanged rows.

A row is *new* when the database has no row with its key (case_id; case_id + seq), *unchanged*
when every contract column equals the stored one (an empty cell equals a stored empty value),
*updated* otherwise. The files are validated against the database exactly as the import does
(`importer.check_files`), so a preview that shows counts is an import that will succeed, as
long as the data do not change in between: `version` is the data version it was computed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from dashboard.data.importer import ContractFrames, check_files
from dashboard.data.store import load_frames_for_cases
from dashboard.data.versioning import current_version

#: the three outcomes of a row, in the order they are shown
STATUSES = ("new", "updated", "unchanged")
CASE_KEY = ("case_id",)
EVENT_KEY = ("case_id", "seq")


@dataclass(frozen=True)
class ImportPreview:
    """`tables`: table, new, updated, unchanged (one row each for cases and events).
    `cases`: per case in the files: case_id, case (new/updated/unchanged, or null when only
    its events are imported), events_new, events_updated, events_unchanged."""

    files: tuple[str, ...]
    version: int
    tables: pl.DataFrame
    cases: pl.DataFrame

    def count(self, table: str, status: str) -> int:
        return int(self.tables.filter(pl.col("table") == table)[status].item())

    def __str__(self) -> str:
        lines = [
            f"{row['table']}: {row['new']} new, {row['updated']} updated, "
            f"{row['unchanged']} unchanged"
            for row in self.tables.iter_rows(named=True)
        ]
        for r in self.cases.iter_rows(named=True):
            lines.append(
                f"  {r['case_id']}: case {r['case'] or '-'}; events {r['events_new']} new, "
                f"{r['events_updated']} updated, {r['events_unchanged']} unchanged"
            )
        return "\n".join(lines)


def preview_files(
    engine: Engine, paths: Sequence[Path | str], *, actor: str | None = None
) -> ImportPreview:
    """Validate `paths` and compare them with the database; writes no data.

    Raises importer.ImportValidationError with every problem, as the import would (and, as
    for the import, the refusal is audited: who, which files, how many problems).
    """
    version = current_version(engine)
    frames = check_files(engine, paths, actor=actor)
    ids = pl.concat([frames.cases["case_id"], frames.events["case_id"]]).unique().to_list()
    stored_cases, stored_events = load_frames_for_cases(engine, ids)
    tables, cases = compare(frames, ContractFrames(stored_cases, stored_events))
    return ImportPreview(tuple(Path(p).name for p in paths), version, tables, cases)


def compare(imported: ContractFrames, stored: ContractFrames) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(counts per table, counts per case) of new / updated / unchanged rows.

    >>> cases = pl.DataFrame({"case_id": ["A", "B"], "region": ["KZ-39", "KZ-75"]})
    >>> old = pl.DataFrame({"case_id": ["A"], "region": ["KZ-39"]})
    >>> ev = pl.DataFrame(schema={"case_id": pl.String, "seq": pl.Int64})
    >>> tables, _ = compare(ContractFrames(cases, ev), ContractFrames(old, ev))
    >>> tables.row(0)
    ('cases', 1, 0, 1)
    """
    case_status = _status(imported.cases, stored.cases, CASE_KEY)
    event_status = _status(imported.events, stored.events, EVENT_KEY)
    tables = pl.DataFrame(
        [_counts("cases", case_status), _counts("events", event_status)],
        schema={"table": pl.String, **{s: pl.Int64 for s in STATUSES}},
        orient="row",
    )
    per_event = (
        event_status.group_by("case_id")
        .agg((pl.col("_status") == s).sum().cast(pl.Int64).alias(f"events_{s}") for s in STATUSES)
        .lazy()
    )
    per_case = (
        pl.concat([case_status.select("case_id"), event_status.select("case_id")])
        .unique()
        .lazy()
        .join(case_status.lazy().rename({"_status": "case"}), on="case_id", how="left")
        .join(per_event, on="case_id", how="left")
        .with_columns(pl.col(f"events_{s}").fill_null(0) for s in STATUSES)
        .sort("case_id")
        .collect()
    )
    return tables, per_case


def _status(new: pl.DataFrame, old: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """Key columns and `_status` for each imported row."""
    columns = [n for n in new.columns if n not in key]
    if old.is_empty():
        return new.select(*key, _status=pl.lit("new"))
    old = old.select(*key, *(pl.col(n).alias(f"{n}_old") for n in columns if n in old.columns))
    joined = new.join(old.with_columns(_found=pl.lit(True)), on=list(key), how="left")
    same = pl.all_horizontal(
        [pl.lit(True)]
        + [
            pl.col(n).eq_missing(pl.col(f"{n}_old").cast(new.schema[n]))
            for n in columns
            if f"{n}_old" in joined.columns
        ]
    )
    status = (
        pl.when(pl.col("_found").is_null())
        .then(pl.lit("new"))
        .when(same)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated"))
    )
    return joined.select(*key, _status=status)


def _counts(table: str, status: pl.DataFrame) -> tuple[str, int, int, int]:
    found = status["_status"].value_counts()
    n = dict(zip(found["_status"].to_list(), found["count"].to_list(), strict=True))
    return (table, *(int(n.get(s, 0)) for s in STATUSES))  # type: ignore[return-value]
