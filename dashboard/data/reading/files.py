"""Reading the files: CSVs (encoding and delimiter detected, told apart by name or header) and
XLSX sheets (size limits checked first) into raw frames, the formula escape undone."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import fastexcel
import polars as pl

from dashboard.config import get_settings
from dashboard.data import contract as c
from dashboard.data import csvformat
from dashboard.data.reading.frames import ESCAPED, EVENT_INPUT, ImportProblem, Raw
from dashboard.data.xlsxguard import Limits, XlsxProblem, check_xlsx
from dashboard.i18n import N_, Message


def read_raw(paths: Sequence[Path]) -> Raw:
    cases: list[pl.DataFrame] = []
    events: list[pl.DataFrame] = []
    raw = Raw(cases=empty_raw(c.CASE_COLUMNS), events=empty_raw(EVENT_INPUT))
    for path in paths:
        for kind, label, frame in _read_path(path, raw.problems):
            columns, required = _table_spec(kind)
            if kind == "events":
                raw.extensions |= set(c.EVENT_EXTENSIONS) & set(frame.columns)
            prepared = _prepare(frame, label, columns, required, raw)
            (cases if kind == "cases" else events).append(prepared)
    if cases:
        raw.cases = pl.concat(cases)
    if events:
        raw.events = pl.concat(events)
    if raw.cases.is_empty() and raw.events.is_empty():
        for label in raw.missing:  # every table read had a header and nothing under it
            raw.problems.append(
                ImportProblem(label, 2, "-", Message(N_("no data rows under the header")), "")
            )
    return raw


def _read_path(path: Path, problems: list[ImportProblem]) -> list[tuple[str, str, pl.DataFrame]]:
    """(kind, label, all-text frame) for each table in `path`; file problems go to `problems`."""
    label = str(path)
    if not path.is_file():
        problems.append(ImportProblem(label, 0, "-", Message(N_("no such file")), label))
        return []
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, problems)
    if suffix != ".csv":
        problems.append(
            ImportProblem(label, 0, "-", Message(N_("not a .csv or .xlsx file")), path.suffix)
        )
        return []
    fmt = csvformat.detect(path, c.CASE_COLUMNS + c.EVENT_COLUMNS)
    if fmt is None:
        problems.extend(_diagnose_csv(path, None))
        return []
    header = _csv_header(path, fmt, problems)
    if header is None:
        return []
    kind = _csv_kind(path, header)
    dupes = sorted({h for h in header if header.count(h) > 1})
    for name in dupes:
        problems.append(
            ImportProblem(label, 1, name, Message(N_("column appears more than once")), name)
        )
    # UTF-8 is read from the file as it is; another encoding is decoded to UTF-8 first
    source = path if fmt.is_utf8 else io.BytesIO(csvformat.as_utf8(path, fmt))
    try:
        frame = pl.read_csv(source, infer_schema=False, encoding="utf8", separator=fmt.separator)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
        problems.extend(_diagnose_csv(path, fmt))
        return []
    if dupes:  # polars renamed the repeats; they are reported above
        frame = frame.select(header_name for header_name in frame.columns if header_name in header)
    limit = get_settings().import_max_rows
    if frame.height > limit:
        reason = Message(N_("more rows than the limit of {limit}"), {"limit": limit})
        problems.append(ImportProblem(label, 0, "-", reason, f"{frame.height:,}"))
        return []
    return [(kind, label, frame)]


def _csv_header(
    path: Path, fmt: csvformat.CsvFormat, problems: list[ImportProblem]
) -> list[str] | None:
    header = csvformat.header(path, fmt)
    if not header:
        problems.append(
            ImportProblem(str(path), 1, "-", Message(N_("empty file: no header row")), "")
        )
    return header or None


def _csv_kind(path: Path, header: list[str]) -> str:
    stem = path.name.lower()
    if stem.startswith("cases"):
        return "cases"
    if stem.startswith("events"):
        return "events"
    return "events" if {"seq", "event_type"} & set(header) else "cases"


#: what to do with a file whose encoding or columns cannot be recognised (one home for the advice)
SAVE_AS_ADVICE = N_(
    "In Excel choose File > Save As > “CSV UTF-8 (comma delimited)” or “Excel Workbook "
    "(.xlsx)”, and keep the column names of the template (Import page) in the first row"
)


def _diagnose_csv(path: Path, fmt: csvformat.CsvFormat | None) -> list[ImportProblem]:
    """Problems polars only reports as a whole: an unknown encoding, rows longer than the header."""
    label, problems = str(path), []
    data = path.read_bytes()
    if fmt is None:
        for number, raw_line in enumerate(data.splitlines(), start=1):
            try:
                raw_line.decode("utf-8")
            except UnicodeDecodeError:
                shown = raw_line[:40].decode("utf-8", "replace")
                reason = Message(
                    N_("neither UTF-8 nor Windows-1251 text. {advice}"),
                    {"advice": Message(SAVE_AS_ADVICE)},
                )
                problems.append(ImportProblem(label, number, "-", reason, shown))
                break  # one line names the problem; the rest of the file is the same file
        return problems or [
            ImportProblem(label, 0, "-", Message(N_("not a readable CSV file")), "")
        ]
    rows = list(
        csv.reader(csvformat.decode(data, fmt).splitlines(keepends=True), delimiter=fmt.separator)
    )
    width = len(rows[0]) if rows else 0
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width:
            value = fmt.separator.join(row[width:])
            problems.append(
                ImportProblem(label, number, "-", Message(N_("more cells than columns")), value)
            )
    return problems or [ImportProblem(label, 0, "-", Message(N_("not a readable CSV file")), "")]


def _read_xlsx(path: Path, problems: list[ImportProblem]) -> list[tuple[str, str, pl.DataFrame]]:
    refused = check_xlsx(path, _xlsx_limits())
    if refused:  # the reader never sees a file that could exhaust memory or lie about cells
        problems.extend(_from_xlsx_problem(path, p) for p in refused)
        return []
    tables: list[tuple[str, str, pl.DataFrame]] = []
    try:
        reader = fastexcel.read_excel(path)
        found = [s for s in ("cases", "events") if s in reader.sheet_names]
        if not found:
            reason = Message(N_("no sheet named cases or events"))
            problems.append(ImportProblem(str(path), 0, "-", reason, ", ".join(reader.sheet_names)))
        for sheet in found:
            frame = reader.load_sheet_by_name(sheet, dtypes="string").to_polars()
            blank = [n for n in frame.columns if n.startswith("__UNNAMED__")]
            frame = frame.drop(n for n in blank if frame[n].null_count() == frame.height)
            tables.append((sheet, f"{path}[{sheet}]", frame))
    except Exception as exc:  # fastexcel raises its own family of errors
        problems.append(
            ImportProblem(str(path), 0, "-", Message(N_("not a readable XLSX file")), str(exc))
        )
        return []
    return tables


def _xlsx_limits() -> Limits:
    settings = get_settings()
    return Limits(
        max_rows=settings.import_max_rows,
        max_uncompressed=settings.import_max_xlsx_mb << 20,
        memory=settings.import_memory_mb << 20,
        # XML escapes (&amp;) and UTF-8 make a character up to 6 bytes in the file
        max_cell_bytes=6 * max(c.MAX_CHARS.values()),
    )


def _from_xlsx_problem(path: Path, p: XlsxProblem) -> ImportProblem:
    """`FILE[sheet]:ROW: CELL: reason`; a problem of the whole file is `FILE:0: -`."""
    label = str(path) if p.part == "-" else f"{path}[{p.part}]"
    row = int("".join(ch for ch in p.cell if ch.isdigit()) or 0)
    return ImportProblem(label, row, p.cell, p.message, p.value)


def _table_spec(kind: str) -> tuple[tuple[str, ...], frozenset[str]]:
    if kind == "cases":
        return c.CASE_COLUMNS, c.CASE_REQUIRED
    return EVENT_INPUT, c.EVENT_REQUIRED


def _prepare(
    frame: pl.DataFrame,
    label: str,
    columns: tuple[str, ...],
    required: frozenset[str],
    raw: Raw,
) -> pl.DataFrame:
    """Header checks, then the frame as contract text columns + _file, _line."""
    if frame.columns and not set(frame.columns) & set(columns):
        # not a list of unknown and missing columns: the file is not in the contract's shape
        reason = Message(
            N_("the first row names no column of the data contract. {advice}"),
            {"advice": Message(SAVE_AS_ADVICE)},
        )
        raw.problems.append(ImportProblem(label, 1, "-", reason, ", ".join(frame.columns)[:100]))
        return empty_raw(columns)
    for name in frame.columns:
        if name not in columns:
            raw.problems.append(ImportProblem(label, 1, name, Message(N_("unknown column")), name))
    missing = [n for n in columns if n in required and n not in frame.columns]
    for name in missing:
        raw.problems.append(
            ImportProblem(label, 1, name, Message(N_("required column missing")), "")
        )
    raw.missing[label] = set(missing)
    frame = frame.with_row_index("_line", offset=2)
    touched = _needs_normalising(frame, [n for n in columns if n in frame.columns])
    cells = [
        (_normalise(pl.col(n).cast(pl.String)) if n in touched else pl.col(n).cast(pl.String))
        if n in frame.columns
        else pl.lit(None, pl.String)
        for n in columns
    ]
    out = frame.select(
        pl.lit(label).alias("_file"),
        pl.col("_line").cast(pl.Int64),
        *(cell.alias(n) for cell, n in zip(cells, columns, strict=True)),
    )
    return out.filter(~pl.all_horizontal(pl.col(n).is_null() for n in columns))


def _needs_normalising(frame: pl.DataFrame, names: list[str]) -> set[str]:
    """The columns with a cell `_normalise` may change: a cheap test of every cell first, so
    the regular expressions run only on columns that hold such cells (few, in most files)."""
    if not names or frame.is_empty():
        return set()
    probes = frame.select(
        ((col == "") | col.str.ends_with(" 00:00:00") | col.str.starts_with("'")).any().alias(n)
        for n in names
        for col in [pl.col(n).cast(pl.String)]
    ).row(0, named=True)
    return {n for n, hit in probes.items() if hit}


def _normalise(cell: pl.Expr) -> pl.Expr:
    """Empty -> missing; a spreadsheet's midnight datetime -> its date; formula escape removed."""
    cell = pl.when(cell == "").then(None).otherwise(cell)
    midnight = cell.str.contains(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
    cell = pl.when(midnight).then(cell.str.slice(0, 10)).otherwise(cell)
    return pl.when(cell.str.contains(ESCAPED)).then(cell.str.slice(1)).otherwise(cell)


def empty_raw(columns: tuple[str, ...]) -> pl.DataFrame:
    schema = {"_file": pl.String(), "_line": pl.Int64(), **{n: pl.String() for n in columns}}
    return pl.DataFrame(schema=schema)


def from_canonical(frame: pl.DataFrame, columns: tuple[str, ...], label: str) -> pl.DataFrame:
    """A canonical frame back as contract text (true/false, whole numbers), lines from 2."""
    cells = []
    for n in columns:
        col = pl.col(n) if n in frame.columns else pl.lit(None)
        if n in frame.columns and frame.schema[n] == pl.Boolean:
            col = pl.when(col).then(pl.lit(c.BOOL_TRUE)).when(~col).then(pl.lit(c.BOOL_FALSE))
        cells.append(col.cast(pl.String).alias(n))
    out = frame.with_row_index("_line", offset=2).select(
        pl.lit(label).alias("_file"), pl.col("_line").cast(pl.Int64), *cells
    )
    return out
