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

Reports (the tracker, case lists) are another kind of XLSX: for people, not for import. They go
through `report_xlsx`, so every one looks the same: headers and vocabulary values in the
interface language, region and agency names, yes/no, dates as dates; a bold header row that
stays in view (frozen) with filters. The full export above keeps the contract's raw columns
and codes, because it is a data file that must round-trip with import.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl
import xlsxwriter
from sqlalchemy import Engine

from dashboard.data.contract import BOOL_FALSE, BOOL_TRUE
from dashboard.data.reading import NEEDS_ESCAPE
from dashboard.data.store import load_frames
from dashboard.i18n import column_label, get_language, label_columns, region_name, t
from db.engine import private_file

Format = Literal["csv", "xlsx"]
XLSX_NAME = "oversight.xlsx"
#: document date written into every XLSX so the same data gives the same bytes
FIXED_DATE = datetime(2000, 1, 1)
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
        book.set_properties({"created": FIXED_DATE})
        for name, frame in tables.items():
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, frame.columns)
            for r, row in enumerate(frame.iter_rows(), start=1):
                for col, value in enumerate(row):
                    if value is not None:
                        sheet.write_string(r, col, value)
    return path


# --- reports: localized, one look for every report-style XLSX ------------------------------------

#: columns holding a region code, shown by the region's name
REGION_COLUMNS = ("region", "target_region")
#: Excel number formats for dates per interface language (Excel itself is not told the locale)
_DATE_FORMATS = {"en": "d mmm yyyy"}
_DATETIME_FORMATS = {"en": "d mmm yyyy hh:mm"}
_MAX_WIDTH = 60


def localized(frame: pl.DataFrame) -> pl.DataFrame:
    """A report's values in the interface language: vocabulary codes (agencies, states, event
    types ...) as their names, region codes as region names, booleans as yes/no."""
    names = {code: region_name(code) for code in _region_codes(frame)}
    out = label_columns(frame).with_columns(
        pl.col(n).replace_strict(names, default=pl.col(n))
        for n in REGION_COLUMNS
        if n in frame.columns
    )
    yes, no = t("yes"), t("no")
    return out.with_columns(
        pl.when(pl.col(n)).then(pl.lit(yes)).when(~pl.col(n)).then(pl.lit(no)).alias(n)
        for n, dtype in out.schema.items()
        if dtype == pl.Boolean
    )


def report_xlsx(sheets: Mapping[str, pl.DataFrame], headers: Mapping[str, str]) -> bytes:
    """A report workbook: one sheet per frame, values `localized`, each header `headers[name]`
    (a msgid) translated, else the glossary's column label."""
    buf = io.BytesIO()
    with workbook(buf) as book:
        book.set_properties({"created": FIXED_DATE})
        for name, frame in sheets.items():
            write_report_sheet(book, name, localized(frame), headers)
    return buf.getvalue()


def write_report_sheet(
    book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame, headers: Mapping[str, str]
) -> None:
    """One sheet in the house style: bold header row, frozen, with an autofilter; text as text,
    numbers as numbers, dates as dates; columns as wide as their content (up to a limit)."""
    lang = get_language()
    bold = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF7"}
    )
    day = book.add_format({"num_format": _DATE_FORMATS.get(lang, "dd.mm.yyyy")})
    moment = book.add_format({"num_format": _DATETIME_FORMATS.get(lang, "dd.mm.yyyy hh:mm")})
    sheet = book.add_worksheet(name[:31])
    titles = [t(headers[n]) if n in headers else column_label(n) for n in frame.columns]
    sheet.write_row(0, 0, titles, bold)
    widths = [len(x) for x in titles]
    for r, row in enumerate(frame.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, col, value.replace(tzinfo=None), moment)
                size = 16
            elif isinstance(value, date):
                sheet.write_datetime(r, col, value, day)
                size = 11
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
                size = len(str(value))
            else:
                text = str(value)
                sheet.write_string(r, col, text)
                size = len(text)
            widths[col] = max(widths[col], size)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, _MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(frame.height, 1), max(len(titles) - 1, 0))


def _region_codes(frame: pl.DataFrame) -> set[str]:
    cols = [frame[n] for n in REGION_COLUMNS if n in frame.columns]
    return {v for s in cols for v in s.drop_nulls().cast(pl.String).to_list()}
