"""The registry of the systemic indicators (indicators.md, second half): for every figure its
name, kind, unit, title, plain-words description, headline flag, the boolean masks over
`case_metrics` that define its numerator and denominator, and the fields it needs. Every surface
(pages, PDF, public page and export, methodology, XLSX) reads an indicator's facts here;
`dashboard.engine.indicators` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from dashboard.data.contract import REACTIVE_TRIGGERS
from dashboard.i18n import N_

Kind = Literal["count", "rate", "median", "mean", "funnel"]
Part = Literal["numerator", "denominator"]
Unit = Literal["share", "days", "mean", "cases"]
#: each kind's unit: what every formatter (dashboard.i18n.format) prints the value as
UNITS: dict[str, Unit] = {
    "rate": "share",
    "median": "days",
    "mean": "mean",
    "count": "cases",
    "funnel": "cases",
}

_C = pl.col


def _flag(name: str) -> pl.Expr:
    return _C(name).fill_null(False)


#: every row (a column expression, not a literal, so that it sums to the number of rows)
_EVERY = _C("case_id").is_not_null()


# Named masks: figures that share a population share one list of ids.
MASKS: dict[str, pl.Expr] = {
    "cases": _EVERY,
    "procedural": _C("complaint_channel") == "procedural_complaint",
    "criminal_case": _flag("criminal_case"),
    "spu": _flag("spu_involved"),
    "open": _flag("open"),
    "medical_evidence": _C("medical_evidence").fill_null("none") != "none",
    "with_info": _C("info_delays").list.len() > 0,
    "negative": _C("negative_decisions") > 0,
}

#: what every figure needs: the complaint date places a case in its half-year
_COHORT_NEEDS = ("complaint_date",)


@dataclass(frozen=True)
class Indicator:
    """One systemic indicator: how to count its numerator and denominator over the cohort."""

    name: str
    kind: Kind
    #: msgid of the title every surface shows (pages, PDF, public page, exports, methodology)
    title: str
    #: rows behind the numerator (count, rate, funnel, mean) and the denominator mask's name
    numerator_mask: pl.Expr | None = None
    denominator: str | None = None
    #: the value column of a median or mean
    value_column: str | None = None
    #: aggregations for figures that do not count cases (timely_information_rate, mean)
    numerator_agg: pl.Expr | None = None
    denominator_agg: pl.Expr | None = None
    #: msgids: what the figure tells a committee member, and how it is computed
    plain: str = ""
    formula: str = ""
    #: shown among the headline figures (overview, public page), or also in a session's figures
    headline: bool = False
    session: bool = False
    #: the data a figure needs (names of `dashboard.engine.quality.QUALITY_FIELDS`): a case of
    #: its population lacking one, or holding it only as a month or year, is incomplete for it
    needs: tuple[str, ...] = _COHORT_NEEDS
    #: the mask of the cases its data quality is measured over, where that is not the
    #: denominator (timely information: a decision lacking the date is outside the denominator)
    quality_population: str | None = None
    #: which way is an improvement ("higher": more cases opened; "lower": less stagnation);
    #: None for a figure that is neither good nor bad (the number of complaints)
    better: Literal["higher", "lower"] | None = None

    @property
    def unit(self) -> Unit:
        """What the value measures: a share, days, a mean, or a number of cases."""
        return UNITS[self.kind]

    def numerator_expr(self) -> pl.Expr | None:
        """Aggregation: the numerator over the (filtered) rows."""
        if self.numerator_agg is not None:
            return self.numerator_agg
        if self.numerator_mask is None:
            return None
        mask = self.numerator_mask
        if self.denominator:
            mask = mask & MASKS[self.denominator]
        return mask.fill_null(False).sum().cast(pl.Int64)

    def denominator_expr(self) -> pl.Expr | None:
        if self.denominator_agg is not None:
            return self.denominator_agg
        if self.denominator is None:
            return None
        return MASKS[self.denominator].fill_null(False).sum().cast(pl.Int64)

    def median_expr(self) -> pl.Expr | None:
        if self.kind != "median" or self.value_column is None or self.denominator is None:
            return None
        m = _C(self.value_column).filter(MASKS[self.denominator]).median()
        return (m + 0.5).floor().cast(pl.Int64)

    def ids_mask(self, part: Part) -> pl.Expr | None:
        """Rows whose case_ids make up `part` (None: the figure has no such part)."""
        if part == "denominator":
            return MASKS[self.denominator] if self.denominator else None
        if self.kind == "median" or self.numerator_mask is None:
            return None
        mask = self.numerator_mask
        if self.denominator:
            mask = mask & MASKS[self.denominator]
        return mask.fill_null(False)


def _stag(days: int) -> pl.Expr:
    return _flag("open") & (_C("stagnation_days") > days).fill_null(False)


#: the funnel's stages after the complaint, in order, each a flag of `case_metrics`
_STAGES = ("criminal_case", "in_court", "convicted", "custodial")


def _reached(stage: str) -> pl.Expr:
    """The cases that reached `stage` or a later one (every case reached "complaints")."""
    if stage == "complaints":
        return _EVERY
    return pl.any_horizontal(*[_flag(c) for c in _STAGES[_STAGES.index(stage) :]])


# One builder per kind: each names what its figure counts, and over which population (a name
# in MASKS); the other facts (plain, formula, headline, session, better, ...) pass as they are.
# `needs` lists the data a figure needs besides the complaint date, which every figure needs.


def _figure(
    name: str, kind: Kind, title: str, *, needs: tuple[str, ...] = (), **facts: Any
) -> Indicator:
    return Indicator(name, kind, title, needs=(*_COHORT_NEEDS, *needs), **facts)


def _count(name: str, title: str, counted: pl.Expr, **facts: Any) -> Indicator:
    """The number of cases that `counted` selects."""
    return _figure(name, "count", title, numerator_mask=counted, **facts)


def _rate(name: str, title: str, counted: pl.Expr, *, over: str, **facts: Any) -> Indicator:
    """The share of the cases of population `over` that `counted` selects."""
    return _figure(name, "rate", title, numerator_mask=counted, denominator=over, **facts)


def _median(name: str, title: str, column: str, *, over: str, **facts: Any) -> Indicator:
    """The median of `column` (days) over population `over`."""
    return _figure(name, "median", title, value_column=column, denominator=over, **facts)


def _mean(name: str, title: str, column: str, *, over: str, **facts: Any) -> Indicator:
    """The mean of `column` over population `over`; its numerator's ids: the cases above 0."""
    return _figure(
        name,
        "mean",
        title,
        value_column=column,
        numerator_mask=_C(column) > 0,
        numerator_agg=_C(column).sum().cast(pl.Int64),
        denominator=over,
        **facts,
    )


def _funnel(stage: str, title: str) -> Indicator:
    """A stage of the funnel: the cases that reached it or a later stage."""
    return _figure(f"funnel.{stage}", "funnel", title, numerator_mask=_reached(stage))


#: The systemic indicators, in the order of indicators.md (the funnel as five stage figures).
INDICATORS: dict[str, Indicator] = {
    ind.name: ind
    for ind in (
        _count(
            "complaints",
            N_("Complaints"),
            _EVERY,
            plain=N_("How many complaints of torture were lodged in the period."),
            formula=N_("cases with complaint_date in the period"),
            headline=True,
        ),
        _rate(
            "reclassification_rate",
            N_("Procedural complaints turned into criminal cases"),
            _flag("criminal_case"),
            over="procedural",
            plain=N_(
                "Of the complaints filed as procedural 'wrongdoing', how many became a criminal case."
            ),
            formula=N_(
                "procedural-complaint cases with a criminal case / procedural-complaint cases"
            ),
            headline=True,
            better="higher",
        ),
        _rate(
            "prompt_reclassification_rate",
            N_("…within 3 days"),
            (_C("days_to_criminal_case") <= 3).fill_null(False),
            over="procedural",
            plain=N_(
                "The same, but only where the criminal case was opened within 3 days, as the law requires for a crime report."
            ),
            formula=N_(
                "procedural-complaint cases with days_to_criminal_case ≤ 3 / procedural-complaint cases"
            ),
            needs=("criminal_case_date",),
            better="higher",
        ),
        _median(
            "median_days_to_criminal_case",
            N_("Median days to a criminal case"),
            "days_to_criminal_case",
            over="criminal_case",
            plain=N_("Typical wait between complaint and the opening of a criminal case."),
            formula=N_("median of days_to_criminal_case over cases with a criminal case"),
            needs=("criminal_case_date",),
            better="lower",
        ),
        _rate(
            "torture_qualification_rate",
            N_("Qualified as torture"),
            _C("qualification") == "torture",
            over="criminal_case",
            plain=N_(
                "Of the criminal cases, how many are treated as torture rather than a lesser offence."
            ),
            formula=N_("criminal cases with qualification torture / criminal cases"),
            headline=True,
            better="higher",
        ),
        _rate(
            "spu_involvement_rate",
            N_("SPU involvement"),
            _flag("spu_involved"),
            over="cases",
            plain=N_("Share of complaints in which the Special Prosecutor's Unit took part."),
            formula=N_("cases with spu_involved / cases"),
            headline=True,
            better="higher",
        ),
        _rate(
            "spu_lead_rate",
            N_("SPU leads the investigation"),
            _C("spu_mode") == "investigating",
            over="cases",
            plain=N_(
                "Share of complaints the SPU investigated itself rather than only supervised."
            ),
            formula=N_("cases with spu_mode investigating / cases"),
            session=True,
            better="higher",
        ),
        _rate(
            "spu_reactive_share",
            N_("SPU brought in from outside"),
            _C("spu_trigger").is_in(REACTIVE_TRIGGERS),
            over="spu",
            plain=N_(
                "Of the SPU cases, how many reached the SPU only because a lawyer, a court or the media pushed."
            ),
            formula=N_("SPU cases with trigger lawyer_request, court_order or media / SPU cases"),
            needs=("spu_trigger",),
            better="lower",
        ),
        _median(
            "median_days_to_spu",
            N_("Median days to SPU"),
            "days_to_spu",
            over="spu",
            plain=N_("Typical wait between complaint and the SPU's involvement."),
            formula=N_("median of days_to_spu over SPU cases"),
            needs=("spu_date",),
            better="lower",
        ),
        _count(
            "open_cases",
            N_("Open cases"),
            _flag("open"),
            plain=N_("Complaints of the period still being handled on the as-of date."),
            formula=N_("cases with open = true"),
        ),
        _rate(
            "stagnant_share",
            N_("Stagnant (> 90 days)"),
            _stag(90),
            over="open",
            plain=N_("Of the open cases, how many had no authority action for over three months."),
            formula=N_("open cases with stagnation_days > 90 / open cases"),
            headline=True,
            needs=("action_dates",),
            better="lower",
        ),
        _count(
            "stagnant_180",
            N_("Stagnant > 180 days"),
            _stag(180),
            plain=N_("Open cases without action for over six months."),
            formula=N_("open cases with stagnation_days > 180 (count)"),
            needs=("action_dates",),
            better="lower",
        ),
        _count(
            "stagnant_365",
            N_("Stagnant > 365 days"),
            _stag(365),
            plain=N_("Open cases without action for over a year."),
            formula=N_("open cases with stagnation_days > 365 (count)"),
            needs=("action_dates",),
            better="lower",
        ),
        _median(
            "median_stagnation_days",
            N_("Median days without action"),
            "stagnation_days",
            over="open",
            plain=N_("Typical time open cases have waited."),
            formula=N_("median of stagnation_days over open cases"),
            needs=("action_dates",),
            better="lower",
        ),
        _mean(
            "mean_reversals",
            N_("Mean reversals"),
            "reversals",
            over="cases",
            plain=N_("How often, on average, a case bounced between refusal and reopening."),
            formula=N_("mean of reversals over the cases"),
            better="lower",
        ),
        _rate(
            "pingpong_share",
            N_("Ping-pong cases"),
            _C("reversals") >= 3,
            over="cases",
            plain=N_("Share of cases reversed three times or more."),
            formula=N_("cases with reversals ≥ 3 / cases"),
            headline=True,
            better="lower",
        ),
        _rate(
            "same_family_share",
            N_("Checked by the same family"),
            _flag("same_family_investigation"),
            over="cases",
            plain=N_("Share of cases where the accused's own agency family checked them."),
            formula=N_("cases with same_family_investigation / cases"),
            session=True,
            needs=("accused_agency",),
            better="lower",
        ),
        _funnel("complaints", N_("Complaints")),
        _funnel("criminal_case", N_("Criminal case opened")),
        _funnel("in_court", N_("Sent to court")),
        _funnel("convicted", N_("Conviction")),
        _funnel("custodial", N_("Custodial sentence")),
        _rate(
            "prosecution_rate",
            N_("Sent to court"),
            _flag("in_court"),
            over="cases",
            plain=N_("Share of complaints that reached a court."),
            formula=N_("cases in court / cases"),
            headline=True,
            better="higher",
        ),
        _rate(
            "timely_information_rate",
            N_("Victim informed in time"),
            _C("info_delays").list.eval(pl.element() <= 30).list.any(),
            over="with_info",
            numerator_agg=_C("info_delays")
            .list.eval(pl.element() <= 30)
            .list.sum()
            .sum()
            .cast(pl.Int64),
            denominator_agg=_C("info_delays").list.len().sum().cast(pl.Int64),
            plain=N_(
                "Of the negative decisions whose notification date is known, how many reached the victim within 30 days."
            ),
            formula=N_(
                "negative decisions with info delay ≤ 30 days / negative decisions with a known victim_informed_date"
            ),
            headline=True,
            needs=("victim_informed_date",),
            quality_population="negative",
            better="higher",
        ),
        _rate(
            "evidence_dismissed_share",
            N_("Medical evidence, case closed"),
            _C("state").is_in(["refused", "terminated"]),
            over="medical_evidence",
            plain=N_(
                "Of the cases with medical evidence, how many were refused or terminated anyway."
            ),
            formula=N_(
                "cases with medical_evidence ≠ none in state refused or terminated / cases with medical_evidence ≠ none"
            ),
            session=True,
            better="lower",
        ),
    )
}

FUNNEL_STAGES: tuple[str, ...] = tuple(n for n, i in INDICATORS.items() if i.kind == "funnel")
#: the headline figures (overview, public page), in the registry's order
HEADLINE: tuple[str, ...] = tuple(n for n, i in INDICATORS.items() if i.headline)
#: a session's figures (snapshot, pack, trends): the headline and a few more
SESSION_FIGURES: tuple[str, ...] = tuple(
    n for n, i in INDICATORS.items() if i.headline or i.session
)


def unit_of(name: str) -> Unit | None:
    """The unit of indicator `name`; None for a name that is not an indicator.

    >>> unit_of("spu_involvement_rate"), unit_of("median_days_to_spu"), unit_of("nope")
    ('share', 'days', None)
    """
    ind = INDICATORS.get(name)
    return ind.unit if ind else None


def is_rate(name: str) -> bool:
    """True for figures that are shares of a denominator (shown as %, with their n)."""
    return unit_of(name) == "share"
