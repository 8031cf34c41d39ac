"""Docket suggestions: which cases the committee should look at first (indicators.md, Docket).

Each open or recently closed case gets a score: the sum of the weights of the rules it meets
(weights from settings, `OVERSIGHT_DOCKET_<RULE>`), and the names of those rules as reasons.

Choices (the methodology page quotes this section):

- "Recently closed": a case that is not open and whose last_action_date is within
  `docket_recent_days` (settings, default 365) days before T, T included.
- Every eligible case is listed, also with score 0 and no reasons, so the docket shows the
  whole field; sorted by score (highest first), then case_id.
- masked_qualification reads the case's allegations (`;`-separated) for `asphyxiation`,
  `burns` or `sexual_violence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from dashboard.config import DocketWeights, get_settings

_C = pl.col


@dataclass(frozen=True)
class DocketRule:
    name: str
    description: str
    condition: pl.Expr


def _flag(name: str) -> pl.Expr:
    return _C(name).fill_null(False)


_SEVERE_ALLEGATIONS = ("asphyxiation", "burns", "sexual_violence")

#: The default rules of indicators.md, in its order; weights are DocketWeights' fields.
DOCKET_RULES: dict[str, DocketRule] = {
    r.name: r
    for r in (
        DocketRule(
            "death_in_custody",
            "The victim died and nobody has been convicted.",
            (_C("harm") == "death") & ~_flag("convicted"),
        ),
        DocketRule(
            "stagnant",
            "Open, with no authority action for more than 180 days.",
            _flag("open") & (_C("stagnation_days") > 180).fill_null(False),
        ),
        DocketRule(
            "pingpong",
            "Refused or closed and reopened three times or more.",
            _C("reversals") >= 3,
        ),
        DocketRule(
            "no_spu_serious",
            "Death or serious injury, and the Special Prosecutor's Unit never involved.",
            _C("harm").is_in(["death", "serious_injury"]) & ~_flag("spu_involved"),
        ),
        DocketRule(
            "retaliation",
            "The victim reported retaliation.",
            _flag("retaliation"),
        ),
        DocketRule(
            "masked_qualification",
            "Qualified as abuse of power although the allegations include asphyxiation, "
            "burns or sexual violence.",
            (_C("qualification") == "abuse_of_power")
            & _C("allegations")
            .str.split(";")
            .list.eval(pl.element().str.strip_chars().is_in(_SEVERE_ALLEGATIONS))
            .list.any(),
        ),
        DocketRule(
            "victim_uninformed",
            "The victim learned of a negative decision more than 30 days after it.",
            _C("info_delays").list.eval(pl.element() > 30).list.any(),
        ),
        DocketRule(
            "same_family",
            "Checked or investigated by the accused's own agency family.",
            _flag("same_family_investigation"),
        ),
        DocketRule(
            "evidence_dismissed",
            "Medical evidence exists, yet the case was refused or terminated.",
            (_C("medical_evidence").fill_null("none") != "none")
            & _C("state").is_in(["refused", "terminated"]),
        ),
    )
}

DOCKET_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "score": pl.Float64(),
    "reasons": pl.List(pl.String()),
    "region": pl.String(),
    "accused_agency": pl.String(),
    "state": pl.String(),
    "open": pl.Boolean(),
    "last_action_date": pl.Date(),
    "stagnation_days": pl.Int64(),
}


def eligible(as_of: date, recent_days: int) -> pl.Expr:
    """Open, or closed with a last action within `recent_days` before `as_of`."""
    since = as_of - timedelta(days=recent_days)
    return _flag("open") | (_C("last_action_date") >= since).fill_null(False)


def docket_suggestions(
    metrics: pl.DataFrame,
    *,
    as_of: date,
    weights: DocketWeights | None = None,
    recent_days: int | None = None,
) -> pl.DataFrame:
    """Eligible cases with score (sum of fired rules' weights) and reasons (rule names).

    Columns: case_id, score, reasons, region, accused_agency, state, open, last_action_date,
    stagnation_days; sorted by score descending, then case_id.
    """
    settings = get_settings()
    w = weights if weights is not None else settings.docket_weights
    days = settings.docket_recent_days if recent_days is None else recent_days
    fired = [
        pl.when(rule.condition.fill_null(False)).then(pl.lit(name)).alias(f"rule:{name}")
        for name, rule in DOCKET_RULES.items()
    ]
    score = pl.sum_horizontal(
        [
            pl.when(rule.condition.fill_null(False))
            .then(pl.lit(float(getattr(w, name))))
            .otherwise(0.0)
            for name, rule in DOCKET_RULES.items()
        ]
    )
    rows = metrics.filter(eligible(as_of, days))
    if rows.is_empty():
        return pl.DataFrame(schema=DOCKET_SCHEMA)
    return (
        rows.with_columns(
            score.alias("score"),
            pl.concat_list(fired).list.drop_nulls().alias("reasons"),
        )
        .select([_C(c).cast(t) for c, t in DOCKET_SCHEMA.items()])
        .sort(["score", "case_id"], descending=[True, False])
    )
