"""Systemic indicators of a cohort (indicators.md, second half), breakdowns, drill-down ids,
and the public (suppressed) mode.

Input is the frame of `dashboard.engine.metrics.case_metrics` (already as of T); the cohort is the
cases whose imputed complaint_date (`complaint_on`) is in [start, end], both ends included.
Every indicator is defined once, in `INDICATORS`, by boolean masks over that frame, so that a
figure, its breakdowns and its list of cases can never disagree.

Choices (where indicators.md leaves room; the methodology page quotes this section):

- A rate, mean or median over no cases is None ("no cases"), never 0.
- Medians are of whole days; where the middle falls between two cases the mean of the two is
  rounded to the nearest day, halves up (a median of 1 and 2 days is 2).
- The funnel is `funnel.complaints`, `funnel.criminal_case`, `funnel.in_court`,
  `funnel.convicted`, `funnel.custodial` (figures of kind "funnel"; `funnel()` returns them in
  order). A stage counts the cases that reached it *or any later stage*: a conviction
  recorded without an indictment still passed through court. So the funnel never widens.
- timely_information_rate counts negative decisions, not cases: its numerator and
  denominator are numbers of decisions; its ids are the cases holding those decisions.
- mean_reversals: numerator = total reversals, denominator = cases; its numerator ids are the
  cases with at least one reversal. Medians have no numerator (None, no ids); their
  denominator is the cases the median is taken over.
- Counts (complaints, open_cases, stagnant_180, stagnant_365, funnel stages) have no
  denominator (None, no ids).
- The half-year breakdown is the trend: it covers every half-year, whatever start and end are
  (a page shows the period among its neighbours). Region and agency breakdowns use the cohort.
- Public mode: a count of 1-4 is "<5"; a rate, mean or median over fewer than 10 cases (10
  decisions for timely_information_rate) is "too few cases", and then its numerator is withheld
  too; over 0 it is "no cases". Numerators and denominators shown beside a figure follow the
  count rule. Public figures never carry case ids.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO, Literal

import polars as pl

from dashboard.data.contract import EVER_END, EVER_START
from dashboard.engine.json_text import write_rows_object
from dashboard.engine.metrics import METRIC_NAMES, case_metrics, metrics_json
from dashboard.engine.registry import FUNNEL_STAGES, INDICATORS, Indicator, Kind, Part

BreakdownBy = Literal["region", "accused_agency", "half_year"]
BREAKDOWNS: tuple[str, ...] = ("region", "accused_agency", "half_year")

#: the thresholds of the public mode (indicators.md, Public figures)
PUBLIC_MIN_COUNT = 5
PUBLIC_MIN_DENOMINATOR = 10

_C = pl.col


@dataclass
class Figure:
    """One figure with the case ids behind it (for drill-down)."""

    name: str
    value: int | float | None
    numerator: int | None
    denominator: int | None
    numerator_ids: list[str] = field(default_factory=list)
    denominator_ids: list[str] = field(default_factory=list)
    kind: Kind = "count"

    @property
    def case_ids(self) -> list[str]:
        """The cases "behind" the figure: the numerator's, else the denominator's."""
        if self.kind in ("median", "mean"):
            return self.denominator_ids
        return self.numerator_ids


def cohort(metrics: pl.DataFrame, *, start: date | None, end: date | None) -> pl.DataFrame:
    """Rows of `metrics` whose complaint_on is in [start, end] (None: unbounded)."""
    cond = pl.lit(True)
    if start is not None:
        cond = cond & (_C("complaint_on") >= start)
    if end is not None:
        cond = cond & (_C("complaint_on") <= end)
    return metrics.filter(cond)


def _aggregations() -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for name, ind in INDICATORS.items():
        for suffix, e in (
            ("num", ind.numerator_expr()),
            ("den", ind.denominator_expr()),
            ("med", ind.median_expr()),
        ):
            if e is not None:
                exprs.append(e.alias(f"{name}\x1f{suffix}"))
    return exprs


def _value(ind: Indicator, num: int | None, den: int | None, med: int | None) -> int | float | None:
    if ind.kind in ("count", "funnel"):
        return int(num or 0)
    if not den:
        return None
    if ind.kind == "median":
        return med
    return float(num or 0) / den


def compute_indicators(
    metrics: pl.DataFrame, *, start: date, end: date, with_ids: bool = True
) -> dict[str, Figure]:
    """Every indicator of `INDICATORS` for the cohort complained in [start, end].

    `with_ids=False` skips the lists of case ids (for callers that only need the numbers).
    """
    rows = cohort(metrics, start=start, end=end)
    agg = rows.select(_aggregations()).row(0, named=True)
    ids: dict[str, list[str]] = {}
    if with_ids:
        ids = _ids_by_mask(rows)
    figures: dict[str, Figure] = {}
    for name, ind in INDICATORS.items():
        num = agg.get(f"{name}\x1fnum")
        den = agg.get(f"{name}\x1fden")
        med = agg.get(f"{name}\x1fmed")
        if ind.kind == "median":
            num = None
        figures[name] = Figure(
            name=name,
            value=_value(ind, num, den, med),
            numerator=num,
            denominator=den,
            numerator_ids=ids.get(f"{name}\x1fnumerator", []),
            denominator_ids=ids.get(f"{name}\x1fdenominator", []),
            kind=ind.kind,
        )
    return figures


def _ids_by_mask(rows: pl.DataFrame) -> dict[str, list[str]]:
    """(indicator, part) -> case ids, computed in one pass; shared populations share a list."""
    exprs: dict[str, pl.Expr] = {}
    keys: dict[str, str] = {}
    for name, ind in INDICATORS.items():
        for part in ("numerator", "denominator"):
            mask = ind.ids_mask(part)  # type: ignore[arg-type]
            if mask is None:
                continue
            shared = ind.denominator if part == "denominator" else None
            key = f"mask:{shared}" if shared else f"{name}\x1f{part}"
            keys[f"{name}\x1f{part}"] = key
            if key not in exprs:
                exprs[key] = _C("case_id").filter(mask).implode().alias(key)
    if rows.is_empty():
        return {k: [] for k in keys}
    lists = rows.select(list(exprs.values())).row(0, named=True)
    return {k: lists[key] for k, key in keys.items()}


def funnel(figures: dict[str, Figure]) -> list[Figure]:
    """The funnel's stages, in order: complaints → criminal case → court → convicted → custodial."""
    return [figures[n] for n in FUNNEL_STAGES]


def indicators_json(figures: dict[str, Figure]) -> dict[str, Any]:
    """Name -> value, with the funnel as one nested object (the CLI's "indicators" shape).

    >>> figs = {"complaints": Figure("complaints", 2, 2, None)}
    >>> indicators_json(figs)
    {'complaints': 2}
    """
    out: dict[str, Any] = {}
    for name, fig in figures.items():
        if name.startswith("funnel."):
            out.setdefault("funnel", {})[name.removeprefix("funnel.")] = fig.value
        else:
            out[name] = fig.value
    return out


# --- breakdowns and drill-down ------------------------------------------------------------------

BREAKDOWN_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "indicator": pl.String(),
    "value": pl.Float64(),
    "numerator": pl.Int64(),
    "denominator": pl.Int64(),
}


def _breakdown_rows(
    metrics: pl.DataFrame, start: date | None, end: date | None, by: str
) -> pl.DataFrame:
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by {by!r}: choose one of {', '.join(BREAKDOWNS)}")
    if by == "half_year":
        return metrics
    return cohort(metrics, start=start, end=end)


def breakdown(
    metrics: pl.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    by: BreakdownBy | str,
) -> pl.DataFrame:
    """Every indicator per region, accused_agency or half-year, long format.

    Columns: group, indicator, value, numerator, denominator; groups sorted, indicators in
    `INDICATORS` order; only groups with at least one case. The half-year breakdown covers
    all half-years (the trend); start and end restrict the other two.
    """
    rows = _breakdown_rows(metrics, start, end, by)
    if rows.is_empty():
        return pl.DataFrame(schema=BREAKDOWN_SCHEMA)
    wide = rows.group_by(_C(by).alias("group")).agg(_aggregations()).sort("group")
    parts = []
    for name, ind in INDICATORS.items():
        num = _C(f"{name}\x1fnum") if ind.numerator_expr() is not None else pl.lit(None)
        den = _C(f"{name}\x1fden") if ind.denominator_expr() is not None else pl.lit(None)
        if ind.kind in ("count", "funnel"):
            value = num.cast(pl.Float64)
        elif ind.kind == "median":
            value = pl.when(den > 0).then(_C(f"{name}\x1fmed").cast(pl.Float64))
            num = pl.lit(None)
        else:
            value = pl.when(den > 0).then(num.cast(pl.Float64) / den)
        parts.append(
            wide.select(
                "group",
                pl.lit(name).alias("indicator"),
                value.alias("value"),
                num.alias("numerator"),
                den.alias("denominator"),
            ).cast(BREAKDOWN_SCHEMA)  # type: ignore[arg-type]
        )
    return pl.concat(parts).sort("group", maintain_order=True)


def drilldown_ids(
    metrics: pl.DataFrame,
    indicator: str,
    part: Part = "numerator",
    *,
    start: date | None = None,
    end: date | None = None,
    group_by: BreakdownBy | str | None = None,
    group: str | None = None,
) -> list[str]:
    """The case_ids behind one figure's numerator or denominator, sorted.

    With group_by/group: the same for one row of `breakdown(..., by=group_by)`.
    """
    ind = INDICATORS[indicator]
    if group_by is None:
        rows = cohort(metrics, start=start, end=end)
    else:
        rows = _breakdown_rows(metrics, start, end, group_by).filter(_C(group_by) == group)
    mask = ind.ids_mask(part)
    if mask is None:
        return []
    return rows.filter(mask)["case_id"].sort().to_list()


# --- public mode ------------------------------------------------------------------------------

Status = Literal["shown", "fewer_than_5", "too_few_cases", "no_cases", "withheld"]
DISPLAY = {"fewer_than_5": "<5", "too_few_cases": "too few cases", "no_cases": "no cases"}


@dataclass(frozen=True)
class PublicFigure:
    """A figure as the observer role sees it: no case ids, small numbers suppressed.

    `value` is None whenever `status` is not "shown"; `display` is the text to print.
    """

    name: str
    kind: Kind
    value: int | float | None
    display: str
    status: Status
    numerator: str | None
    denominator: str | None


def public_count(n: int | None) -> str | None:
    """A count as the public may see it: 1-4 become "<5".

    >>> [public_count(n) for n in (0, 3, 12, None)]
    ['0', '<5', '12', None]
    """
    if n is None:
        return None
    return DISPLAY["fewer_than_5"] if 0 < n < PUBLIC_MIN_COUNT else str(int(n))


def format_figure(kind: str, value: float) -> str:
    """A shown figure as the public text has it: a rate as "22.2%", a mean with 2 decimals.

    >>> format_figure("rate", 0.2222), format_figure("mean", 0.3077), format_figure("count", 5.0)
    ('22.2%', '0.31', '5')
    """
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "mean":
        return f"{value:.2f}"
    return str(int(value))


def _public(
    name: str, kind: str, value: Any, numerator: int | None, denominator: int | None
) -> tuple[Any, str, Status, str | None, str | None]:
    if kind in ("count", "funnel"):
        n = int(value or 0)
        if 0 < n < PUBLIC_MIN_COUNT:
            return None, DISPLAY["fewer_than_5"], "fewer_than_5", None, None
        return n, str(n), "shown", public_count(n), None
    den = public_count(denominator)
    if not denominator or value is None or (isinstance(value, float) and math.isnan(value)):
        return None, DISPLAY["no_cases"], "no_cases", None, den
    if denominator < PUBLIC_MIN_DENOMINATOR:
        return None, DISPLAY["too_few_cases"], "too_few_cases", None, den
    return value, format_figure(kind, value), "shown", public_count(numerator), den


def public_figures(figures: dict[str, Figure]) -> dict[str, PublicFigure]:
    """The public version of `compute_indicators`' figures (indicators.md, Public figures)."""
    out: dict[str, PublicFigure] = {}
    for name, fig in figures.items():
        value, display, status, num, den = _public(
            name, fig.kind, fig.value, fig.numerator, fig.denominator
        )
        if fig.kind in ("count", "funnel"):
            value = None if status != "shown" else int(value)
        out[name] = PublicFigure(name, fig.kind, value, display, status, num, den)
    return out


def public_json(figures: dict[str, Figure]) -> dict[str, Any]:
    """Public figures in the shape of `indicators_json`, suppressed cells as their text."""
    out: dict[str, Any] = {}
    for name, p in public_figures(figures).items():
        cell = p.value if p.status == "shown" else p.display
        if name.startswith("funnel."):
            out.setdefault("funnel", {})[name.removeprefix("funnel.")] = cell
        else:
            out[name] = cell
    return out


PUBLIC_BREAKDOWN_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "indicator": pl.String(),
    "value": pl.Float64(),
    "display": pl.String(),
    "status": pl.String(),
    "numerator": pl.String(),
    "denominator": pl.String(),
}


def public_breakdown(frame: pl.DataFrame) -> pl.DataFrame:
    """Suppress a `breakdown` frame for the public: value (null when withheld), display text,
    status, and numerator/denominator as text under the count rule. No ids, ever."""
    kinds = {n: i.kind for n, i in INDICATORS.items()}
    records = []
    for r in frame.select("group", "indicator", "value", "numerator", "denominator").iter_rows():
        group, name, value, num, den = r
        kind = kinds.get(name, "rate")
        if kind in ("count", "funnel"):
            value = None if value is None else int(value)
        v, display, status, pnum, pden = _public(name, kind, value, num, den)
        records.append((group, name, None if v is None else float(v), display, status, pnum, pden))
    return pl.DataFrame(records, schema=PUBLIC_BREAKDOWN_SCHEMA, orient="row")


# --- command line -----------------------------------------------------------------------------


#: indentation of the metrics command's JSON (the spec example's)
CLI_JSON_INDENT = 1


def cli_cohort(
    cases: pl.DataFrame,
    events: pl.DataFrame,
    as_of: date,
    start: date = EVER_START,
    end: date = EVER_END,
    region: str | None = None,
) -> tuple[pl.DataFrame, dict[str, Figure]]:
    """What `python -m dashboard metrics` reports: the cohort's metric rows and its figures.

    The cohort is the cases with complaint_date in [start, end], in `region` if given.
    """

    m = case_metrics(cases, events, as_of)
    if region is not None:
        m = m.filter(_C("region") == region)
    rows = cohort(m, start=start, end=end)
    figures = compute_indicators(rows, start=start, end=end, with_ids=False)
    return rows.select("case_id", *METRIC_NAMES), figures


def metrics_for_cli(rows: pl.DataFrame, figures: dict[str, Figure]) -> dict[str, Any]:
    """`cli_cohort`'s result as the command's JSON document, in dicts (tests compare with it)."""

    return {"cases": metrics_json(rows), "indicators": indicators_json(figures)}


def metrics_cli_text(rows: pl.DataFrame, figures: dict[str, Figure]) -> str:
    """The JSON text of `python -m dashboard metrics` for `cli_cohort`'s result.

    The same characters as `json.dumps(metrics_for_cli(...), indent=1, sort_keys=True,
    ensure_ascii=False)`, the cases written by polars (dashboard.engine.json_text): at 100,000 cases
    json.dumps of the dicts took most of the command's time.
    """
    buffer = io.BytesIO()
    write_metrics_cli(rows, figures, buffer)
    return buffer.getvalue().decode()


def write_metrics_cli(rows: pl.DataFrame, figures: dict[str, Figure], out: BinaryIO) -> None:
    """Write `metrics_cli_text` to `out` as UTF-8 (what the command does)."""
    indicators = {"cases": {}, "indicators": indicators_json(figures)}
    doc = json.dumps(indicators, indent=CLI_JSON_INDENT, sort_keys=True, ensure_ascii=False)
    # "cases" sorts first: its empty object is the first '"cases": {}' of the text
    head, tail = doc.encode().split(b'"cases": {}', 1)
    out.write(head + b'"cases": ')
    write_rows_object(rows, out, key="case_id", indent=CLI_JSON_INDENT, depth=1)
    out.write(tail)
