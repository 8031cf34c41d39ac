"""The frozen figures of a session: indicators, breakdowns, docket suggestions as of a date."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine

from dashboard.committee.common import DOCKET_SIZE, SNAPSHOT_BREAKDOWNS, utc_now
from dashboard.data.contract import PERSONAL_FIELDS, half_year_bounds
from dashboard.data.store import load_frames
from dashboard.engine import indicators
from dashboard.engine.docket import docket_suggestions
from dashboard.engine.indicators import breakdown, compute_indicators
from dashboard.engine.metrics import case_metrics


def indicator_names() -> tuple[str, ...]:
    """Names of the systemic indicators a recommendation may target (indicators.md)."""
    reg = indicators.INDICATORS
    if isinstance(reg, dict):
        return tuple(reg)
    return tuple(getattr(i, "name", i) for i in reg)


def jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, pl.Series):
        return [jsonable(v) for v in value.to_list()]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def figure_dict(fig: Any) -> dict[str, Any]:
    """A Figure as plain JSON: value, numerator, denominator and the case ids behind them."""
    return {
        "value": jsonable(getattr(fig, "value", None)),
        "numerator": jsonable(getattr(fig, "numerator", None)),
        "denominator": jsonable(getattr(fig, "denominator", None)),
        "numerator_ids": jsonable(list(getattr(fig, "numerator_ids", None) or [])),
        "denominator_ids": jsonable(list(getattr(fig, "denominator_ids", None) or [])),
    }


def metrics_as_of(engine: Engine, as_of: date) -> pl.DataFrame:

    cases, events = load_frames(engine)
    return case_metrics(cases, events, as_of)


def compute_snapshot(
    metrics: pl.DataFrame,
    *,
    period: str,
    as_of: date,
    docket_size: int = DOCKET_SIZE,
    weights: Any = None,
) -> dict[str, Any]:
    """The frozen figures of a session, as plain JSON-able data (pure: metrics in, dict out)."""

    start, end = half_year_bounds(period)
    figures = compute_indicators(metrics, start=start, end=end)
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for by in SNAPSHOT_BREAKDOWNS:
        frame = breakdown(metrics, start=start, end=end, by=by)
        keep = [
            c
            for c in ("group", "indicator", "value", "numerator", "denominator")
            if c in frame.columns
        ]
        breakdowns[by] = jsonable(frame.select(keep).to_dicts())
    # the engine lists every eligible case; only those where at least one rule fired are suggested
    suggestions = docket_suggestions(metrics, as_of=as_of, weights=weights).filter(
        pl.col("score") > 0
    )
    top = suggestions.sort(["score", "case_id"], descending=[True, False]).head(docket_size)
    docket = [
        {"case_id": r["case_id"], "score": float(r["score"]), "reasons": list(r["reasons"] or [])}
        for r in top.iter_rows(named=True)
    ]
    ids = [d["case_id"] for d in docket]
    safe_cols = [c for c in metrics.columns if c not in PERSONAL_FIELDS]
    case_rows = metrics.filter(pl.col("case_id").is_in(ids)).select(safe_cols).to_dicts()
    return {
        "period": period,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "taken_at": utc_now().isoformat(timespec="seconds"),
        "indicators": {name: figure_dict(fig) for name, fig in figures.items()},
        "breakdowns": breakdowns,
        "docket": docket,
        "suggested_total": suggestions.height,
        "case_metrics": {r["case_id"]: jsonable(r) for r in case_rows},
    }
