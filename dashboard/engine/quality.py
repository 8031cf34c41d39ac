"""Data quality beside each figure: which cases of a figure's population lack data it needs.

A case is *incomplete* for a figure when one of the fields the figure needs (the registry's
`Indicator.needs`) is missing, unknown, or given only as a month or a year (data-contract.md
allows `YYYY-MM` and `YYYY`; the engine imputes day 15 or 1 July, so a duration built on it may
be off by up to half a year). The share is over the figure's population: its denominator's cases,
the counted cases for a count, or `Indicator.quality_population` where the denominator itself
leaves the incomplete cases out (timely information counts only decisions with a known date).

Pure polars: `with_gaps` adds one boolean `gap.<field>` column per field of `QUALITY_FIELDS` to
the metrics frame; the other functions aggregate it.

>>> sorted(QUALITY_FIELDS)[:3]
['accused_agency', 'action_dates', 'complaint_date']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.data.contract import AUTHORITY_ACTIONS, NEGATIVE_DECISIONS, imputed_date
from dashboard.engine.indicators import cohort
from dashboard.engine.registry import INDICATORS, MASKS
from dashboard.i18n import N_

#: field -> msgid of what is missing; the order in which pages list them
QUALITY_FIELDS: dict[str, str] = {
    "complaint_date": N_("Complaint date only as a month or year"),
    "criminal_case_date": N_("Date of the criminal case only as a month or year"),
    "spu_date": N_("Date of the SPU's involvement only as a month or year"),
    "action_dates": N_("An authority action dated only by month or year"),
    "victim_informed_date": N_("A negative decision without the date the victim learned of it"),
    "spu_trigger": N_("SPU involvement without a known trigger"),
    "accused_agency": N_("Accused agency not identified (other)"),
}

#: field -> msgid of a short name, for a case list's "data to complete" column
QUALITY_FIELD_SHORT: dict[str, str] = {
    "complaint_date": N_("complaint date"),
    "criminal_case_date": N_("date of the criminal case"),
    "spu_date": N_("date of the SPU's involvement"),
    "action_dates": N_("dates of actions"),
    "victim_informed_date": N_("date the victim was informed"),
    "spu_trigger": N_("SPU trigger"),
    "accused_agency": N_("accused agency"),
}

#: the accused_agency code that names no agency
UNKNOWN_AGENCY = "OTHER"

_C = pl.col


def gap_column(name: str) -> str:
    """The boolean column of `with_gaps` that marks cases lacking field `name`."""
    return f"gap.{name}"


def _imprecise(column: str) -> pl.Expr:
    return _C(column).str.len_chars() < 10


def _event_gaps(events: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """case_id -> the gaps found in the events known at `as_of` (seq order, like the metrics)."""
    known = events.filter(imputed_date("event_date") <= as_of).sort("case_id", "seq")
    et = _C("event_type")
    return known.group_by("case_id").agg(
        _imprecise("event_date").filter(et == "criminal_case_opened").first().alias("cc"),
        _imprecise("event_date").filter(et == "spu_involved").first().alias("spu"),
        (_imprecise("event_date") & et.is_in(AUTHORITY_ACTIONS)).any().alias("actions"),
        (et.is_in(NEGATIVE_DECISIONS) & _C("victim_informed_date").is_null()).any().alias("vid"),
    )


def with_gaps(
    metrics: pl.DataFrame, cases: pl.DataFrame, events: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """`metrics` (of `case_metrics(cases, events, as_of)`) with a `gap.<field>` column per
    field of QUALITY_FIELDS: True where the case lacks that field or has it imprecisely."""
    ev = _event_gaps(events, as_of)
    complaint = cases.select("case_id", _imprecise("complaint_date").alias("complaint"))
    joined = metrics.join(complaint, on="case_id", how="left").join(ev, on="case_id", how="left")
    no = pl.lit(False)
    return joined.with_columns(
        _C("complaint").fill_null(False).alias(gap_column("complaint_date")),
        _C("cc").fill_null(False).alias(gap_column("criminal_case_date")),
        _C("spu").fill_null(False).alias(gap_column("spu_date")),
        _C("actions").fill_null(False).alias(gap_column("action_dates")),
        _C("vid").fill_null(False).alias(gap_column("victim_informed_date")),
        (_C("spu_involved").fill_null(False) & (_C("spu_trigger") == "unknown"))
        .fill_null(no)
        .alias(gap_column("spu_trigger")),
        (_C("accused_agency") == UNKNOWN_AGENCY).fill_null(no).alias(gap_column("accused_agency")),
    ).drop("complaint", "cc", "spu", "actions", "vid")


def population(name: str) -> pl.Expr:
    """The cases figure `name`'s data quality is measured over."""
    ind = INDICATORS[name]
    mask_name = ind.quality_population or ind.denominator
    if mask_name:
        return MASKS[mask_name].fill_null(False)
    if ind.numerator_mask is None:  # pragma: no cover - every figure counts something
        return MASKS["cases"]
    return ind.numerator_mask.fill_null(False)


def incomplete(name: str) -> pl.Expr:
    """True for a case lacking any field figure `name` needs (it may be outside the population)."""
    return pl.any_horizontal(*[_C(gap_column(f)) for f in INDICATORS[name].needs])


QUALITY_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "indicator": pl.String(),
    "cases": pl.Int64(),
    "incomplete": pl.Int64(),
    "share": pl.Float64(),
}


def quality(
    frame: pl.DataFrame,
    *,
    start: date | None,
    end: date | None,
    by: str | None = None,
    names: list[str] | None = None,
) -> pl.DataFrame:
    """Per indicator (and group of column `by`): cases of its population, how many of them are
    incomplete, and the share (None over no cases). `frame` comes from `with_gaps`.

    Columns: group (None without `by`), indicator, cases, incomplete, share.
    """
    rows = cohort(frame, start=start, end=end)
    chosen = names or list(INDICATORS)
    aggs: list[pl.Expr] = []
    for n in chosen:
        pop = population(n)
        aggs.append(pop.sum().cast(pl.Int64).alias(f"{n}\x1fcases"))
        aggs.append((pop & incomplete(n)).sum().cast(pl.Int64).alias(f"{n}\x1fincomplete"))
    if rows.is_empty():
        return pl.DataFrame(schema=QUALITY_SCHEMA)
    if by is None:
        wide = rows.select(pl.lit(None, pl.String).alias("group"), *aggs)
    else:
        wide = rows.group_by(_C(by).alias("group")).agg(aggs).sort("group")
    parts = [
        wide.select(
            "group",
            pl.lit(n).alias("indicator"),
            _C(f"{n}\x1fcases").alias("cases"),
            _C(f"{n}\x1fincomplete").alias("incomplete"),
            pl.when(_C(f"{n}\x1fcases") > 0)
            .then(_C(f"{n}\x1fincomplete") / _C(f"{n}\x1fcases"))
            .alias("share"),
        ).cast(QUALITY_SCHEMA)  # type: ignore[arg-type]
        for n in chosen
    ]
    return pl.concat(parts).sort("group", maintain_order=True)


@dataclass(frozen=True)
class Quality:
    """One figure's data quality: of `cases` in its population, `incomplete` lack data."""

    cases: int
    incomplete: int
    share: float | None

    def flagged(self, threshold: float) -> bool:
        """True when the share of incomplete cases reaches `threshold` (a setting)."""
        return self.share is not None and self.share >= threshold


def shares(frame: pl.DataFrame, *, start: date, end: date) -> dict[str, Quality]:
    """Indicator -> its data quality over the cohort complained in [start, end]."""
    q = quality(frame, start=start, end=end)
    return {r["indicator"]: Quality(r["cases"], r["incomplete"], r["share"]) for r in q.to_dicts()}


def completeness(
    frame: pl.DataFrame, *, start: date | None, end: date | None, by: str
) -> pl.DataFrame:
    """Per group of column `by` and field of QUALITY_FIELDS: cases, missing, share missing.

    Columns: group, field, cases, missing, share; only fields missing in some case of the group.
    """
    rows = cohort(frame, start=start, end=end)
    if rows.is_empty():
        return pl.DataFrame(
            schema={"group": pl.String, "field": pl.String, "cases": pl.Int64, "missing": pl.Int64}
        ).with_columns(pl.lit(None, pl.Float64).alias("share"))
    wide = rows.group_by(_C(by).alias("group")).agg(
        pl.len().cast(pl.Int64).alias("cases"),
        *[_C(gap_column(f)).sum().cast(pl.Int64).alias(f) for f in QUALITY_FIELDS],
    )
    long = wide.unpivot(
        index=["group", "cases"],
        on=list(QUALITY_FIELDS),
        variable_name="field",
        value_name="missing",
    )
    order = {f: i for i, f in enumerate(QUALITY_FIELDS)}
    return (
        long.filter(_C("missing") > 0)
        .with_columns((_C("missing") / _C("cases")).alias("share"))
        .sort(["group", _C("field").replace_strict(order, return_dtype=pl.Int64)])
        .select("group", "field", "cases", "missing", "share")
    )


def incomplete_ids(
    frame: pl.DataFrame,
    *,
    start: date | None,
    end: date | None,
    indicator: str | None = None,
    field: str | None = None,
    by: str | None = None,
    group: str | None = None,
) -> list[str]:
    """The case ids (sorted) of one row of `quality` (indicator) or `completeness` (field)."""
    rows = cohort(frame, start=start, end=end)
    if by is not None:
        rows = rows.filter(_C(by) == group)
    if indicator is not None:
        mask = population(indicator) & incomplete(indicator)
    elif field is not None:
        mask = _C(gap_column(field))
    else:
        raise ValueError("name an indicator or a field")
    return rows.filter(mask)["case_id"].sort().to_list()


def missing_fields(frame: pl.DataFrame) -> pl.DataFrame:
    """case_id -> the fields (QUALITY_FIELDS order) the case lacks, as a list; from `with_gaps`.

    >>> f = pl.DataFrame({"case_id": ["A"], **{gap_column(n): [n == "spu_date"] for n in QUALITY_FIELDS}})
    >>> missing_fields(f)["missing"].to_list()
    [['spu_date']]
    """
    return frame.select(
        "case_id",
        pl.concat_list([pl.when(_C(gap_column(f))).then(pl.lit(f)) for f in QUALITY_FIELDS])
        .list.drop_nulls()
        .alias("missing"),
    )
