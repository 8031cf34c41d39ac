"""Export of cases and events in the data contract, to CSV or XLSX, that the importer reads back.

Files: `cases.csv` + `events.csv`, or `oversight.xlsx` with sheets `cases` and `events`.
Rows are sorted (case_id; case_id, seq), columns in the contract's order, every cell is text
(`true`/`false`, whole numbers, dates as recorded); a missing value is an empty cell.

Formula escape: a cell that would start with `=`, `+`, `-`, `@`, TAB or CR (after any run of
leading apostrophes) gets one more leading apostrophe: `=1+1` -> `'=1+1`, `'=x` -> `''=x`. The importer
removes exactly one, so import -> export -> import and export -> import -> export are exact.
The XLSX is reproducible: fixed document dates, text cells only, no formulas or links.

A `retracted` events column (README, "Case register") is written only when an exported event
is retracted.

Exports contain personal data (victim names): they are for the secretariat, not the public.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl
import xlsxwriter
from sqlalchemy import Engine

from dashboard.data.contract import BOOL_FALSE, BOOL_TRUE
from dashboard.data.importer import NEEDS_ESCAPE
from dashboard.data.store import load_frames
from db.engine import private_file

Format = Literal["csv", "xlsx"]
XLSX_NAME = "oversight.xlsx"
#: document date written into every XLSX so the same data gives the same bytes
_FIXED_DATE = datetime(2000, 1, 1)
#: every XLSX Oversight writes keeps text as text: xlsxwriter would otherwise turn a text
#: beginning with "=" into a live formula (a HYPERLINK to anywhere), and URLs and numerals too
XLSX_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def workbook(target: str | Path | IO[bytes], **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter Workbook with XLSX_OPTIONS (in memory when `target` is a buffer)."""
    opts = {**XLSX_OPTIONS, **options}
    if not isinstance(target, str | Path):
        opts["in_memory"] = True
    return xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, opts)


def export_dir(engine: Engine, directory: Path | str, *, fmt: Format = "csv") -> list[Path]:
    """Write all cases and events into `directory`; returns the files written."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    cases, events = load_frames(engine, include_retracted=True)
    if events["retracted"].null_count() == events.height:  # nothing retracted: the contract
        events = events.drop("retracted")
    tables = {"cases": as_text(cases), "events": as_text(events)}
    if fmt == "csv":
        return [_write_csv(frame, out / f"{name}.csv") for name, frame in tables.items()]
    if fmt == "xlsx":
        return [_write_xlsx(tables, out / XLSX_NAME)]
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Canonical frame -> contract text cells, formula-escaped (see module docstring)."""
    return frame.select(_cell(name, dtype) for name, dtype in frame.schema.items())


def escape_formula(cell: pl.Expr) -> pl.Expr:
    """Prefix one apostrophe to text that a spreadsheet would take for a formula.

    >>> pl.select(escape_formula(pl.lit("=SUM(A1)"))).item()
    "'=SUM(A1)"
    """
    return pl.when(cell.str.contains(NEEDS_ESCAPE)).then(pl.lit("'") + cell).otherwise(cell)


def _cell(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit(BOOL_TRUE)).when(~col).then(pl.lit(BOOL_FALSE)).alias(name)
    if dtype == pl.String:
        return escape_formula(col).alias(name)
    return col.cast(pl.String).alias(name)


def _write_csv(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(private_file(path), null_value="", line_terminator="\n")
    return path


def _write_xlsx(tables: dict[str, pl.DataFrame], path: Path) -> Path:
    with workbook(private_file(path), constant_memory=True) as book:
        book.set_properties({"created": _FIXED_DATE})
        for name, frame in tables.items():
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, frame.columns)
            for r, row in enumerate(frame.iter_rows(), start=1):
                for col, value in enumerate(row):
                    if value is not None:
                        sheet.write_string(r, col, value)
    return path
