"""The contract's rules on each cell: required columns, vocabularies, dates (each distinct value
parsed once), lengths, numbers, and the event types' required and forbidden columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dashboard.data import contract as c
from dashboard.data.reading.frames import EVENT_INPUT, ImportProblem, Raw, is_in_order
from dashboard.i18n import N_, Message


@dataclass(frozen=True)
class _Check:
    """A rule on one column: `bad` marks failing rows; `msgid` (or an expression giving one per
    row) says why, with `params` (expressions evaluated on the failing rows; on the whole frame
    when `windowed`: a window expression, such as the first occurrence of a repeated id, needs
    the rows that pass too)."""

    column: str
    msgid: str | pl.Expr
    bad: pl.Expr
    params: dict[str, pl.Expr] = field(default_factory=dict)
    windowed: bool = False


def cell_problems(raw: Raw) -> list[ImportProblem]:
    cases = with_dates(raw.cases, CASE_DATES)
    events = with_dates(raw.events, EVENT_DATES)
    ordered = not events.is_empty() and is_in_order(events, SEQ_KEY)
    return _run_checks(cases, _case_checks(raw.missing)) + _run_checks(
        events, _event_checks(raw.missing, ordered)
    )


def _run_checks(frame: pl.DataFrame, checks: list[_Check]) -> list[ImportProblem]:
    if frame.is_empty():
        return []
    # lazily, so that the expressions the checks share are computed once (polars' CSE); only
    # the counts, on the in-memory engine (a third less time than the streaming default at a
    # million events); the rows of a failing check are found again below
    counts = (
        frame.lazy()
        .select(ch.bad.fill_null(False).sum().alias(f"_{i}") for i, ch in enumerate(checks))
        .collect(engine="in-memory")
        .row(0)
    )
    problems: list[ImportProblem] = []
    for check, count in zip(checks, counts, strict=True):
        if count:
            msgid = pl.lit(check.msgid) if isinstance(check.msgid, str) else check.msgid
            names = list(check.params)
            # the failing rows first, then the reason and the parameters on them alone (a window
            # parameter on the whole frame first)
            params = [expr.cast(pl.String).alias(f"_p_{n}") for n, expr in check.params.items()]
            hits = (
                (frame.with_columns(params) if check.windowed else frame)
                .filter(frame.select(check.bad.fill_null(False)).to_series())
                .with_columns([] if check.windowed else params)
                .select(
                    "_file",
                    "_line",
                    pl.col(check.column).alias("_value"),
                    msgid.alias("_msgid"),
                    *(f"_p_{n}" for n in names),
                )
            )
            for file, line, value, why, *params in hits.iter_rows():
                message = Message(why, dict(zip(names, params, strict=True)))
                problems.append(ImportProblem(file, line, check.column, message, value))
    return problems


def _required(columns: tuple[str, ...], required: frozenset[str], missing) -> list[_Check]:
    checks = []
    for name in columns:
        if name in required:
            files = [f for f, cols in missing.items() if name in cols]
            bad = pl.col(name).is_null() & ~pl.col("_file").is_in(files)
            checks.append(_Check(name, N_("required"), bad))
    return checks


def _vocab(name: str, values: Sequence[str], what: str | None = None) -> _Check:
    col = pl.col(name)
    bad = col.is_not_null() & ~col.is_in(list(values))
    if what:
        return _Check(name, what, bad)
    return _Check(name, N_("must be one of {values}"), bad, {"values": pl.lit(", ".join(values))})


#: the date columns of each table (each gets its interval and check from with_dates)
CASE_DATES = ("incident_date", "complaint_date")
EVENT_DATES = ("event_date", "victim_informed_date")


def with_dates(frame: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """`frame` with each date column's interval and check: `_start`, `_end` and `_bad` of it.

    Parsed once per distinct value and joined back: a million event dates hold a few thousand
    distinct ones (parsing every cell, in the checks and again for the order, took five times
    as long; issue 19).
    """
    for n in names:
        frame = c.per_distinct(
            frame,
            n,
            c.date_start(n).alias(f"{n}:start"),
            c.date_end(n).alias(f"{n}:end"),
            _bad_date(n).alias(f"{n}:bad"),
        )
    return frame


def date_start(name: str) -> pl.Expr:
    """The first day of date column `name` (of a frame from with_dates)."""
    return pl.col(f"{name}:start")


def date_end(name: str) -> pl.Expr:
    return pl.col(f"{name}:end")


def is_bad_date(name: str) -> pl.Expr:
    """Whether date column `name` holds something that is not a contract date (of a frame from
    with_dates; a missing cell is not bad)."""
    return pl.col(f"{name}:bad").fill_null(False)


def _bad_date(name: str) -> pl.Expr:
    """Whether a cell is not a contract date (YYYY-MM-DD, YYYY-MM or YYYY, years 1900-2100)."""
    col = pl.col(name)
    shape = col.str.contains(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    # one parse: an impossible day or month gives a null start, hence a null year
    in_range = c.date_start(col).dt.year().is_between(1900, 2100).fill_null(False)
    return col.is_not_null() & (~shape | ~in_range)


#: what contract.ImpreciseDate.parse says of a bad date (its ValueError's text), as msgids
DATE_REASONS = (
    N_("not a date of the form YYYY-MM-DD, YYYY-MM or YYYY"),
    N_("year outside 1900-2100"),
    N_("month must be 01-12"),
    N_("no such day in the calendar"),
)


def _date_reasons(cells: pl.Series) -> pl.Series:
    """What contract.ImpreciseDate.parse says of each bad date cell (a DATE_REASONS msgid), in
    one vectorised pass over the failing cells.

    As `re`'s `\\d` and `int()` do, any Unicode decimal digit counts as a digit (`٢٠١٢-١٣`:
    "month must be 01-12"), and `$` allows one trailing newline.

    >>> _date_reasons(pl.Series(["12.05.2012", "1899", "2012-13", "2011-02-29"])).to_list()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['not a date of the form YYYY-MM-DD, YYYY-MM or YYYY', 'year outside 1900-2100',
     'month must be 01-12', 'no such day in the calendar']
    """
    others = cells.str.extract_all(r"[^0-9\x00-\x7f]").explode().drop_nulls().unique()
    digits = [ch for ch in others.to_list() if ch.isdecimal()]
    ascii_digits = [str(unicodedata.decimal(ch)) for ch in digits]
    text = pl.col("t").str.replace_many(digits, ascii_digits) if digits else pl.col("t")
    length = text.str.strip_suffix("\n").str.len_chars()
    year, month, day = (text.str.slice(at, n).cast(pl.Int64, strict=False) for at, n in DATE_PARTS)
    month_days = pl.date(year.clip(1900, 2100), month.clip(1, 12), 1).dt.month_end().dt.day()
    form, year_range, month_range, calendar = (pl.lit(r) for r in DATE_REASONS)
    reason = (
        pl.when(~text.str.contains(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\n?$"))
        .then(form)
        .when(~year.is_between(1900, 2100))
        .then(year_range)
        .when(length == 4)
        .then(form)  # a valid year: ImpreciseDate accepts what the polars check refused
        .when(~month.is_between(1, 12))
        .then(month_range)
        .when(length == 7)
        .then(form)
        .when(~day.is_between(1, month_days))
        .then(calendar)
        .otherwise(form)
    )
    return pl.DataFrame({"t": cells}).select(reason).to_series()


#: where a contract date's year, month and day sit in its text (offset, length)
DATE_PARTS = ((0, 4), (5, 2), (8, 2))


def _date_check(name: str) -> list[_Check]:
    reason = pl.col(name).map_batches(_date_reasons, return_dtype=pl.String)
    today = date.today()
    future = ~is_bad_date(name) & (date_start(name) > today)
    return [
        _Check(name, reason, is_bad_date(name)),
        _Check(
            name, N_("in the future (today is {date})"), future, {"date": pl.lit(today.isoformat())}
        ),
    ]


def _length_checks(columns: tuple[str, ...]) -> list[_Check]:
    """Free text no longer than the contract's MAX_CHARS (a page must be able to show it)."""
    return [
        _Check(
            n,
            N_("longer than {limit} characters"),
            pl.col(n).str.len_chars() > c.MAX_CHARS[n],
            {"limit": pl.lit(str(c.MAX_CHARS[n]))},
        )
        for n in columns
        if n in c.MAX_CHARS
    ]


def whole_number(name: str, low: int | None = None, high: int | None = None) -> pl.Expr:
    """True where the cell is a whole number (in low..high when given)."""
    col = pl.col(name)
    ok = col.str.contains(r"^\d{1,9}$")
    if low is not None and high is not None:
        ok = ok & col.cast(pl.Int64, strict=False).is_between(low, high)
    return ok


def _case_checks(missing: dict[str, set[str]]) -> list[_Check]:
    cid = pl.col("case_id")
    # case ids are one regardless of letter case: SEC-DI and sec-di are the same case
    key = cid.str.to_lowercase()
    first = pl.format("{}:{}", pl.col("_file").first(), pl.col("_line").first()).over(key)
    parts_bad = pl.col("allegations").str.split(";").list.eval(~pl.element().is_in(c.ALLEGATIONS))
    return [
        *_required(c.CASE_COLUMNS, c.CASE_REQUIRED, missing),
        *_length_checks(c.CASE_COLUMNS),
        _Check(
            "case_id",
            N_("case_id repeated (first at {first})"),
            cid.is_not_null() & ~key.is_first_distinct(),
            {"first": first},
            windowed=True,
        ),
        _vocab("region", c.region_codes(), N_("not a region code of regions.csv")),
        *(_vocab(n, (c.BOOL_TRUE, c.BOOL_FALSE)) for n in c.CASE_BOOL_COLUMNS),
        _vocab("victim_sex", c.VICTIM_SEX),
        _Check(
            "victim_age",
            N_("must be a whole number 10-110"),
            pl.col("victim_age").is_not_null() & ~whole_number("victim_age", 10, 110),
        ),
        _vocab("victim_status", c.VICTIM_STATUS),
        *_date_check("incident_date"),
        _vocab("place_type", c.PLACE_TYPE),
        _vocab("accused_agency", c.AGENCY_CODES, N_("not an agency code")),
        _Check(
            "allegations",
            N_("each ';'-separated value must be one of {values}"),
            pl.col("allegations").is_not_null() & parts_bad.list.any(),
            {"values": pl.lit(", ".join(c.ALLEGATIONS))},
        ),
        _vocab("harm", c.HARM),
        _vocab("medical_evidence", c.MEDICAL_EVIDENCE),
        *_date_check("complaint_date"),
        _Check(
            "complaint_date",
            N_("before incident_date '{date}'"),
            date_end("complaint_date") < date_start("incident_date"),
            {"date": pl.col("incident_date")},
        ),
        _vocab("complaint_channel", c.COMPLAINT_CHANNEL),
    ]


#: an event's key: its case and its seq as a number
SEQ_KEY = (pl.col("case_id"), pl.col("seq").cast(pl.Int64, strict=False))


def _event_checks(missing: dict[str, set[str]], ordered: bool = False) -> list[_Check]:
    """The events' cell rules; `ordered`: the rows are in SEQ_KEY order (is_in_order)."""
    etype = pl.col("event_type")
    known_type = etype.is_in(list(c.EVENT_TYPES))
    seq_key = list(SEQ_KEY)
    first = pl.format("{}:{}", pl.col("_file").first(), pl.col("_line").first()).over(seq_key)
    # in key order (as files usually are) a repeat is the row above's key again: no hashing
    # of every key (a third of the events' checks at a million events)
    repeated = (
        pl.all_horizontal(k == k.shift(1) for k in seq_key).fill_null(False)
        if ordered
        else pl.struct(seq_key).is_first_distinct().not_()
    )
    dup = repeated & whole_number("seq") & pl.col("case_id").is_not_null()
    return [
        *_required(c.EVENT_COLUMNS, c.EVENT_REQUIRED, missing),
        _Check(
            "seq", N_("must be a whole number"), pl.col("seq").is_not_null() & ~whole_number("seq")
        ),
        _Check(
            "seq",
            N_("seq repeated for this case (first at {first})"),
            dup,
            {"first": first},
            windowed=True,
        ),
        *_length_checks(EVENT_INPUT),
        *_date_check("event_date"),
        _vocab("event_type", c.EVENT_TYPES, N_("not an event type of the contract")),
        _vocab("agency", c.AGENCY_CODES, N_("not an agency code")),
        _vocab("to_agency", c.AGENCY_CODES, N_("not an agency code")),
        *_qualification_checks(etype, known_type),
        *_detail_checks(etype, known_type),
        *_trigger_checks(etype, known_type),
        *_date_check("victim_informed_date"),
    ]


def _qualification_checks(etype: pl.Expr, known_type: pl.Expr) -> list[_Check]:
    allowed = etype.is_in(list(c.QUALIFICATION_REQUIRED_FOR + c.QUALIFICATION_OPTIONAL_FOR))
    return [
        _required_for("qualification", etype, c.QUALIFICATION_REQUIRED_FOR),
        _empty_unless("qualification", etype, known_type, allowed),
        _vocab("qualification", c.QUALIFICATION),
    ]


def _detail_checks(etype: pl.Expr, known_type: pl.Expr) -> list[_Check]:
    d = pl.col("detail")
    pairs = [f"{t}|{v}" for t, values in c.DETAIL_VALUES.items() for v in values]
    allowed_text = {t: ", ".join(v) for t, v in c.DETAIL_VALUES.items()}
    allowed_here = etype.replace_strict(allowed_text, default="", return_dtype=pl.String)
    with_values = etype.is_in(list(c.DETAIL_VALUES))
    return [
        _required_for("detail", etype, c.DETAIL_REQUIRED_FOR),
        _empty_unless("detail", etype, known_type, with_values),
        _Check(
            "detail",
            N_("must be one of {values} for event_type {event_type}"),
            d.is_not_null() & with_values & ~pl.concat_str([etype, d], separator="|").is_in(pairs),
            {"values": allowed_here, "event_type": etype},
        ),
    ]


def _trigger_checks(etype: pl.Expr, known_type: pl.Expr) -> list[_Check]:
    return [
        _empty_unless("trigger", etype, known_type, etype == "spu_involved"),
        _vocab("trigger", c.TRIGGERS),
    ]


def _required_for(name: str, etype: pl.Expr, types: Sequence[str]) -> _Check:
    """`name` must be filled on events of the `types`."""
    bad = pl.col(name).is_null() & etype.is_in(list(types))
    return _Check(name, N_("required for event_type {event_type}"), bad, {"event_type": etype})


def _empty_unless(name: str, etype: pl.Expr, known_type: pl.Expr, allowed: pl.Expr) -> _Check:
    """`name` must be empty on events of a known type unless `allowed` (an unknown type has
    its own problem)."""
    bad = pl.col(name).is_not_null() & known_type & ~allowed
    return _Check(name, N_("must be empty for event_type {event_type}"), bad, {"event_type": etype})
