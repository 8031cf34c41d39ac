"""The frozen figures of a session: indicators, breakdowns, docket suggestions as of a date."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import polars as pl
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from dashboard.committee.common import DOCKET_SIZE, SNAPSHOT_BREAKDOWNS, utc_now
from dashboard.data.contract import PERSONAL_FIELDS, half_year_bounds
from dashboard.data.store import load_frames
from dashboard.engine.docket import docket_suggestions
from dashboard.engine.indicators import breakdown, compute_indicators
from dashboard.engine.metrics import case_metrics
from dashboard.engine.registry import INDICATORS


class FrozenFigure(BaseModel):
    """One indicator as the session saw it, with the case ids behind it (committee only)."""

    value: int | float | None = None
    numerator: int | None = None
    denominator: int | None = None
    numerator_ids: list[str] = Field(default_factory=list)
    denominator_ids: list[str] = Field(default_factory=list)


class FrozenBreakdownRow(BaseModel):
    """One indicator for one group (a region, an accused agency) of the reviewed half-year."""

    group: str | None = None
    indicator: str
    value: int | float | None = None
    numerator: int | None = None
    denominator: int | None = None


class DocketSuggestion(BaseModel):
    case_id: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class Snapshot(BaseModel):
    """The frozen figures of a session (stored as JSON in committee_session.snapshot_json)."""

    period: str
    period_start: date
    period_end: date
    as_of: date
    taken_at: datetime | None = None
    indicators: dict[str, FrozenFigure] = Field(default_factory=dict)
    breakdowns: dict[str, list[FrozenBreakdownRow]] = Field(default_factory=dict)
    docket: list[DocketSuggestion] = Field(default_factory=list)
    suggested_total: int = 0
    #: the docket cases' per-case metrics (never personal fields)
    case_metrics: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def load(cls, text: str | None) -> Snapshot:
        """The stored snapshot; every session is created with one."""
        if not text:
            raise ValueError("this session has no frozen snapshot")
        return cls.model_validate_json(text)

    def dump(self) -> str:
        return self.model_dump_json()

    def region_figure(self, indicator: str, region: str) -> FrozenFigure:
        """`indicator` in `region` as frozen; a region without cases is an empty figure."""
        return group_figure(self.breakdowns.get("region", []), indicator, region)

    def for_public(self) -> Snapshot:
        """What a role outside the committee sees: the systemic figures, no docket, no case ids."""
        figures = {
            n: f.model_copy(update={"numerator_ids": [], "denominator_ids": []})
            for n, f in self.indicators.items()
        }
        return self.model_copy(update={"indicators": figures, "docket": [], "case_metrics": {}})


def breakdown_rows(frame: pl.DataFrame) -> list[FrozenBreakdownRow]:
    """An engine breakdown (group, indicator, value, numerator, denominator, ids...) as rows."""
    keep = [c for c in FrozenBreakdownRow.model_fields if c in frame.columns]
    return [FrozenBreakdownRow.model_validate(jsonable(r)) for r in frame.select(keep).to_dicts()]


def group_figure(rows: list[FrozenBreakdownRow], indicator: str, group: str) -> FrozenFigure:
    """`indicator` for `group` among `rows`; a group without cases is an empty figure."""
    for r in rows:
        if r.indicator == indicator and r.group == group:
            return FrozenFigure(value=r.value, numerator=r.numerator, denominator=r.denominator)
    return FrozenFigure(value=None, numerator=0, denominator=0)


def indicator_names() -> tuple[str, ...]:
    """Names of the systemic indicators a recommendation may target (indicators.md)."""
    reg = INDICATORS
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
) -> Snapshot:
    """The frozen figures of a session (pure: metrics in, Snapshot out)."""

    start, end = half_year_bounds(period)
    figures = compute_indicators(metrics, start=start, end=end)
    breakdowns = {
        by: breakdown_rows(breakdown(metrics, start=start, end=end, by=by))
        for by in SNAPSHOT_BREAKDOWNS
    }
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
    return Snapshot.model_validate(
        {
            "period": period,
            "period_start": start,
            "period_end": end,
            "as_of": as_of,
            "taken_at": utc_now().replace(microsecond=0),
            "indicators": {name: figure_dict(fig) for name, fig in figures.items()},
            "breakdowns": breakdowns,
            "docket": docket,
            "suggested_total": suggestions.height,
            "case_metrics": {r["case_id"]: jsonable(r) for r in case_rows},
        }
    )
