"""The reading half of the import: contract files (shared/spec/data-contract.md) -> checked
canonical frames, without a database (dashboard.data.importer writes them).

Its own module so that `python -m dashboard metrics FILES` reads and checks files without
importing SQLAlchemy, SQLModel and the table models (0.33 s of start-up, issue 19).

Files: CSVs are told apart by name (`cases*.csv`, `events*.csv`) or, failing that, by header
(a `seq` or `event_type` column means events); an XLSX holds sheets `cases` and/or `events`.
Any number of files may be given; either table may be absent (events may refer to cases
already in the database). LINE counts the header as line 1 and is the CSV record (or sheet
row) number: a quoted cell spanning several physical lines counts once.

Cells: empty = missing. A cell starting with `'` followed by `=`, `+`, `-`, `@`, TAB or CR is
the exporter's formula escape: one apostrophe is removed (`'=1+1` -> `=1+1`, `''=x` -> `'=x`);
every other cell is stored exactly as written, as text. The contract's defaults are filled
(identity_public/synthetic false, victim_sex unknown, medical_evidence none, the trigger of
`spu_involved` unknown), so an export writes them out.

Given what the database holds (`Stored`), the order rules are checked on the result of the
import: stored events merged with imported ones. A problem found on a stored row is reported
as `database:0: ...`.

Validation is vectorised with polars; messages are built only for failing rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dashboard.data.reading.cells import cell_problems
from dashboard.data.reading.cross import cross_problems
from dashboard.data.reading.files import empty_raw, from_canonical, read_raw
from dashboard.data.reading.frames import (
    EVENT_INPUT,
    NEEDS_ESCAPE,
    ContractFrames,
    ImportProblem,
    ImportValidationError,
    Raw,
    Stored,
    canonical,
)

__all__ = [
    "EVENT_INPUT",
    "NEEDS_ESCAPE",
    "ContractFrames",
    "ImportProblem",
    "ImportValidationError",
    "Raw",
    "Stored",
    "canonical",
    "cell_problems",
    "cross_problems",
    "empty_raw",
    "from_canonical",
    "read_files",
    "read_raw",
]


def read_files(paths: Sequence[Path | str]) -> ContractFrames:
    """Read and validate files without a database; raises ImportValidationError.

    Events whose case is not in the files are checked against the database by import_files.
    """
    raw = read_raw([Path(p) for p in paths])
    problems = raw.problems + cell_problems(raw) + cross_problems(raw, None)
    if problems:
        raise ImportValidationError(problems)
    return canonical(raw)
