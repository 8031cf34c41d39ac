"""Import of the data contract into the database, all or nothing (reading and checking the
files: dashboard.data.reading).

Re-import upserts cases by case_id and events by (case_id, seq); stored events of a case that
the new files do not list are kept (delete them in the app, not by omission). Order rules are
checked on the result: stored events merged with imported ones. A problem found on a stored
row is reported as `database:0: ...`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from dashboard.data import bulk
from dashboard.data import contract as c
from dashboard.data.reading import (
    EVENT_INPUT,
    ContractFrames,
    ImportProblem,
    ImportValidationError,
    Raw,
    Stored,
    canonical,
    cell_problems,
    cross_problems,
    empty_raw,
    from_canonical,
    read_files,
    read_raw,
)
from dashboard.data.store import fetch_by_ids
from db.engine import bump_version
from db.models import AuditLog, utcnow

__all__ = [
    "ContractFrames",
    "ImportProblem",
    "ImportResult",
    "ImportValidationError",
    "RowCheck",
    "check_files",
    "check_rows",
    "import_files",
    "import_frames",
    "read_files",
]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportResult:
    files: tuple[str, ...]
    cases_inserted: int = 0
    cases_updated: int = 0
    events_inserted: int = 0
    events_updated: int = 0

    def __str__(self) -> str:
        return (
            f"cases: {self.cases_inserted} new, {self.cases_updated} updated; "
            f"events: {self.events_inserted} new, {self.events_updated} updated"
        )


# --- public API -------------------------------------------------------------------------------


def import_files(
    engine: Engine,
    paths: Sequence[Path | str],
    *,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate `paths` (also against the database) and write them in one transaction."""
    files = [Path(p) for p in paths]
    _report(progress, "read", 0, len(files))
    raw = read_raw(files)
    _report(progress, "read", len(files), len(files))
    names = tuple(p.name for p in files)
    return _import_raw(engine, raw, names, actor=actor, progress=progress)


def check_files(
    engine: Engine, paths: Sequence[Path | str], *, actor: str | None = None
) -> ContractFrames:
    """Validate `paths` against the database exactly as import_files does, writing no data
    (the import preview); raises ImportValidationError, audited as a refused import."""
    files = [Path(p) for p in paths]
    raw = read_raw(files)
    problems = raw.problems + cell_problems(raw)
    with engine.connect() as conn:
        problems += cross_problems(raw, _load_stored(conn, raw))
    if problems:
        exc = ImportValidationError(problems)
        _record_failure(engine, tuple(p.name for p in files), exc, actor)
        raise exc
    return canonical(raw)


def import_frames(
    engine: Engine,
    frames: ContractFrames,
    *,
    source_names: Sequence[str] = ("cases", "events"),
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import canonical frames (e.g. generated ones) with the same checks as files.

    `source_names` label the cases and events frames in problems and in the audit log.
    """
    raw = Raw(
        cases=from_canonical(frames.cases, c.CASE_COLUMNS, source_names[0]),
        events=from_canonical(frames.events, EVENT_INPUT, source_names[-1]),
        extensions={n for n in c.EVENT_EXTENSIONS if n in frames.events.columns},
    )
    return _import_raw(engine, raw, tuple(source_names), actor=actor, progress=progress)


@dataclass(frozen=True)
class RowCheck:
    """Rows typed in a form, checked by the import's own rules against the database."""

    problems: list[ImportProblem]
    _raw: Raw
    _stored: Stored

    def write(self, conn: Connection) -> ContractFrames:
        """Write the checked rows exactly as an import writes them (defaults, upsert)."""
        if self.problems:
            raise ImportValidationError(self.problems)
        frames = canonical(self._raw)
        _write(conn, frames, self._stored, None)
        return frames


def check_rows(
    conn: Connection,
    *,
    cases: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    label: str = "form",
) -> RowCheck:
    """The import's checks (same rules, same messages) on a few rows of contract text, e.g. one
    case or one event typed in a form; each problem's `column` is the field it concerns.

    Run it in the writing transaction (after its first write took the lock), so that what it
    checks against is what the write will change. Empty strings count as missing.
    """
    raw = Raw(
        cases=_from_text(cases, c.CASE_COLUMNS, label),
        events=_from_text(events, EVENT_INPUT, label),
        extensions=set(c.EVENT_EXTENSIONS) & set(() if events is None else events.columns),
    )
    stored = _load_stored(conn, raw)
    return RowCheck(cell_problems(raw) + cross_problems(raw, stored), raw, stored)


def _from_text(frame: pl.DataFrame | None, columns: tuple[str, ...], label: str) -> pl.DataFrame:
    if frame is None:
        return empty_raw(columns)
    text_frame = from_canonical(frame, columns, label)
    return text_frame.with_columns(
        pl.when(pl.col(n).str.strip_chars() == "").then(None).otherwise(pl.col(n)).alias(n)
        for n in columns
    )


# --- database -------------------------------------------------------------------------------------


def _import_raw(
    engine: Engine,
    raw: Raw,
    names: tuple[str, ...],
    *,
    actor: str | None,
    progress: Progress | None,
) -> ImportResult:
    _report(progress, "validate", 0, 1)
    problems = raw.problems + cell_problems(raw)
    try:
        with engine.begin() as conn:
            # The first statement writes (the data-version bump): it takes SQLite's write lock
            # and PostgreSQL's lock on the version row, so concurrent imports run one after
            # the other and each validates against what the one before it committed.
            bump_version(conn)
            stored = _load_stored(conn, raw)
            problems += cross_problems(raw, stored)
            _report(progress, "validate", 1, 1)
            if problems:
                raise ImportValidationError(problems)
            frames = canonical(raw)
            result = _counts(frames, stored, names)
            _write(conn, frames, stored, progress)
            _record(conn, result, actor)
    except ImportValidationError as exc:
        _record_failure(engine, names, exc, actor)
        raise
    return result


def _load_stored(conn: Connection, raw: Raw) -> Stored:
    """Stored cases (case_id, incident_date) and events (case_id, seq, event_date) touched."""
    empty = Stored(
        cases=pl.DataFrame(schema={"case_id": pl.String, "incident_date": pl.String}),
        events=pl.DataFrame(
            schema={
                "case_id": pl.String,
                "seq": pl.Int64,
                "event_date": pl.String,
                "retracted": pl.String,
            }
        ),
    )
    if conn.execute(text("SELECT 1 FROM case_file LIMIT 1")).first() is None:
        return empty  # a fresh database: nothing to fetch (the usual bulk case)
    ids = pl.concat([raw.cases["case_id"], raw.events["case_id"]]).drop_nulls().unique().sort()
    cases = fetch_by_ids(conn, "SELECT case_id, incident_date FROM case_file", ids.to_list())
    events = fetch_by_ids(
        conn, "SELECT case_id, seq, event_date, retracted FROM event", ids.to_list()
    )
    every_id = pl.DataFrame(
        {"case_id": conn.execute(text("SELECT case_id FROM case_file")).scalars().all()},
        schema={"case_id": pl.String},
    )
    return Stored(
        ids=every_id,
        cases=pl.concat([empty.cases, cases], how="diagonal_relaxed")
        if len(cases)
        else empty.cases,
        events=pl.concat([empty.events, events], how="diagonal_relaxed")
        if len(events)
        else empty.events,
    )


def _counts(frames: ContractFrames, stored: Stored, names: tuple[str, ...]) -> ImportResult:
    cases_updated = frames.cases.join(stored.cases, on="case_id", how="semi").height
    events_updated = frames.events.join(stored.events, on=["case_id", "seq"], how="semi").height
    return ImportResult(
        files=names,
        cases_inserted=frames.cases.height - cases_updated,
        cases_updated=cases_updated,
        events_inserted=frames.events.height - events_updated,
        events_updated=events_updated,
    )


def _write(
    conn: Connection, frames: ContractFrames, stored: Stored, progress: Progress | None
) -> None:
    now = utcnow()
    cases = frames.cases.with_columns(
        incident_on=c.imputed_date("incident_date"),
        complaint_on=c.imputed_date("complaint_date"),
        imported_at=pl.lit(now),
        updated_at=pl.lit(now),
    )
    events = frames.events.with_columns(event_on=c.imputed_date("event_date"))
    for table, frame, keys, held, stage in (
        ("case_file", cases, ("case_id",), stored.cases, "cases"),
        ("event", events, ("case_id", "seq"), stored.events, "events"),
    ):
        report = None if progress is None else partial(progress, stage)
        bulk.upsert(conn, table, frame, keys, keep=("imported_at",), stored=held, progress=report)


def _record(conn: Connection, result: ImportResult, actor: str | None) -> None:
    """Data version bump and audit row, in the import's transaction (no personal data)."""
    detail = {
        "files": list(result.files),
        "cases_inserted": result.cases_inserted,
        "cases_updated": result.cases_updated,
        "events_inserted": result.events_inserted,
        "events_updated": result.events_updated,
    }
    with Session(bind=conn) as session:
        session.add(
            AuditLog(username=actor, action="import", entity="case_file", detail=json.dumps(detail))
        )
        session.commit()


def _record_failure(
    engine: Engine, names: tuple[str, ...], exc: ImportValidationError, actor: str | None
) -> None:
    """A refused import is audited too: who tried, which files, how many problems (no cells)."""
    detail = {"files": list(names), "problems": len(exc.problems)}
    with Session(engine) as session:
        session.add(
            AuditLog(
                username=actor,
                action="import_failed",
                entity="case_file",
                detail=json.dumps(detail, ensure_ascii=False),
            )
        )
        session.commit()


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
