"""The public tables and the counts ("statistics") each of their figures is made of;
the rules' parameters and the package's result types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from dashboard.data.contract import EVER_START, half_year_bounds
from dashboard.engine.indicators import breakdown
from dashboard.engine.registry import INDICATORS

#: the three public tables, in this order, and the file each is published as
TABLES: tuple[str, ...] = ("half_year", "region", "half_year_region")
FILES: dict[str, str] = {t: f"public_by_{t}.csv" for t in TABLES}
CELL = ("table", "half_year", "region")

#: display texts of the public mode (msgids; the CSV keeps them in English)
WITHHELD = "withheld"
DISPLAY = {"too_few_cases": "too few cases", "no_cases": "no cases", "withheld": WITHHELD}


@dataclass(frozen=True)
class Rules:
    """The parameters of the rule (settings OVERSIGHT_DISCLOSURE_K, OVERSIGHT_DISCLOSURE_RATE_MIN)."""

    k: int = 5
    rate_min: int = 10
    #: possible values an attacker must be left with for every withheld count
    protection: int = 3

    @property
    def small(self) -> str:
        """How a count from 1 to k-1 is shown ("<5")."""
        return f"<{self.k}"

    @classmethod
    def from_settings(cls, settings: Any) -> Rules:
        return cls(
            k=settings.disclosure_k,
            rate_min=settings.disclosure_rate_min,
            protection=settings.disclosure_protection,
        )


@dataclass(frozen=True)
class Statistic:
    """A count behind the figures. `group`: the population it is a part of (rules "group" and
    "complement"); `within`: a count it can never exceed (what an outsider knows)."""

    name: str
    group: str | None = None
    within: str | None = None


def _s(name: str, group: str | None = None, within: str | None = None) -> tuple[str, Statistic]:
    return name, Statistic(name, group, within or group)


#: every statistic, parents before children
STATISTICS: dict[str, Statistic] = dict(
    [
        _s("cases"),
        _s("procedural", "cases"),
        _s("reclassified", "procedural"),
        _s("reclassified_promptly", "procedural", "reclassified"),
        _s("criminal_case", "cases"),
        _s("torture", "criminal_case"),
        _s("spu", "cases"),
        _s("spu_investigating", "cases", "spu"),
        _s("spu_reactive", "spu"),
        _s("open", "cases"),
        _s("stagnant_90", "open"),
        _s("stagnant_180", "open", "stagnant_90"),
        _s("stagnant_365", "open", "stagnant_180"),
        _s("reversals"),
        _s("pingpong", "cases"),
        _s("same_family", "cases"),
        _s("reached_criminal_case", "cases"),
        _s("reached_court", "cases", "reached_criminal_case"),
        _s("reached_conviction", "cases", "reached_court"),
        _s("custodial", "cases", "reached_conviction"),
        _s("in_court", "cases", "reached_court"),
        _s("decisions"),
        _s("informed_in_time", "decisions"),
        _s("medical_evidence", "cases"),
        _s("evidence_dismissed", "medical_evidence"),
    ]
)

#: indicator -> (numerator statistic, denominator statistic); a count's value is its numerator
PARTS: dict[str, tuple[str | None, str | None]] = {
    "complaints": ("cases", None),
    "reclassification_rate": ("reclassified", "procedural"),
    "prompt_reclassification_rate": ("reclassified_promptly", "procedural"),
    "median_days_to_criminal_case": (None, "criminal_case"),
    "torture_qualification_rate": ("torture", "criminal_case"),
    "spu_involvement_rate": ("spu", "cases"),
    "spu_lead_rate": ("spu_investigating", "cases"),
    "spu_reactive_share": ("spu_reactive", "spu"),
    "median_days_to_spu": (None, "spu"),
    "open_cases": ("open", None),
    "stagnant_share": ("stagnant_90", "open"),
    "stagnant_180": ("stagnant_180", None),
    "stagnant_365": ("stagnant_365", None),
    "median_stagnation_days": (None, "open"),
    "mean_reversals": ("reversals", "cases"),
    "pingpong_share": ("pingpong", "cases"),
    "same_family_share": ("same_family", "cases"),
    "funnel.complaints": ("cases", None),
    "funnel.criminal_case": ("reached_criminal_case", None),
    "funnel.in_court": ("reached_court", None),
    "funnel.convicted": ("reached_conviction", None),
    "funnel.custodial": ("custodial", None),
    "prosecution_rate": ("in_court", "cases"),
    "timely_information_rate": ("informed_in_time", "decisions"),
    "evidence_dismissed_share": ("evidence_dismissed", "medical_evidence"),
}
assert set(PARTS) == set(INDICATORS), "every indicator needs its statistics in PARTS"

_C = pl.col
KEY = [*CELL, "stat"]
PARTS_FRAME = pl.DataFrame(
    {
        "indicator": list(PARTS),
        "num_stat": [p[0] for p in PARTS.values()],
        "den_stat": [p[1] for p in PARTS.values()],
        "kind": [INDICATORS[n].kind for n in PARTS],
    }
)
#: statistic -> the statistics that bound it: its group, what it lies within, what lies in it
RELATED: dict[str, tuple[str, ...]] = {
    name: tuple(
        sorted(
            {r for r in (s.group, s.within) if r is not None}
            | {o.name for o in STATISTICS.values() if name in (o.group, o.within)}
        )
    )
    for name, s in STATISTICS.items()
}

STATS_FRAME = pl.DataFrame(
    {
        "stat": list(STATISTICS),
        "group": [s.group for s in STATISTICS.values()],
        "within": [s.within for s in STATISTICS.values()],
    },
    schema={"stat": pl.String, "group": pl.String, "within": pl.String},
)


# --- the tables and their statistics ---------------------------------------------------------


def breakdowns(metrics: pl.DataFrame, *, as_of: date) -> dict[str, pl.DataFrame]:
    """The three unsuppressed tables of the public export (`indicators.breakdown` frames; the
    half-year x region one with half_year and region instead of group)."""
    frames = {
        "half_year": breakdown(metrics, start=EVER_START, end=as_of, by="half_year"),
        "region": breakdown(metrics, start=EVER_START, end=as_of, by="region"),
    }
    parts = []
    for label in frames["half_year"]["group"].unique().sort().to_list():
        start, end = half_year_bounds(label)
        part = breakdown(metrics, start=start, end=min(end, as_of), by="region")
        parts.append(part.select(pl.lit(label).alias("half_year"), pl.all()))
    cross = (
        pl.concat(parts).rename({"group": "region"})
        if parts
        else breakdown(metrics.clear(), by="region")
        .rename({"group": "region"})
        .select(pl.lit(None, pl.String).alias("half_year"), pl.all())
    )
    frames["half_year_region"] = _full_grid(cross, frames)
    return frames


def _full_grid(cross: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every half-year x region, with the figures of no cases where there are none: which
    regions had complaints in a half-year would otherwise be public, and with the national
    total it can pin every regional count."""
    grid = (
        frames["half_year"]
        .select(_C("group").unique().alias("half_year"))
        .join(frames["region"].select(_C("group").unique().alias("region")), how="cross")
        .join(_EMPTY_FIGURES, how="cross")
    )
    missing = grid.join(cross, on=["half_year", "region", "indicator"], how="anti")
    return (
        pl.concat([cross, missing.select(cross.columns)], how="vertical_relaxed")
        .with_columns(_C("indicator").replace_strict(_ORDER, return_dtype=pl.Int64).alias("_o"))
        .sort("half_year", "region", "_o")
        .drop("_o")
    )


_ORDER = {n: i for i, n in enumerate(INDICATORS)}
#: the figures of a group without cases (as `breakdown` would give them)
_EMPTY_FIGURES = pl.DataFrame(
    {
        "indicator": list(INDICATORS),
        "value": [0.0 if i.kind in ("count", "funnel") else None for i in INDICATORS.values()],
        "numerator": [
            None if i.kind == "median" or i.numerator_expr() is None else 0
            for i in INDICATORS.values()
        ],
        "denominator": [None if i.denominator_expr() is None else 0 for i in INDICATORS.values()],
    },
    schema={
        "indicator": pl.String,
        "value": pl.Float64,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
    },
)


def figure_cells(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """All tables in one long frame keyed by (table, half_year, region, indicator)."""
    out = []
    for table in TABLES:
        f = tables[table]
        if table == "half_year":
            f = f.rename({"group": "half_year"}).with_columns(
                pl.lit(None, pl.String).alias("region")
            )
        elif table == "region":
            f = f.rename({"group": "region"}).with_columns(
                pl.lit(None, pl.String).alias("half_year")
            )
        out.append(
            f.with_columns(pl.lit(table).alias("table")).select(
                "table",
                _C("half_year").cast(pl.String),
                _C("region").cast(pl.String),
                pl.exclude("table", "half_year", "region"),
            )
        )
    return pl.concat(out, how="diagonal_relaxed")


def statistics(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """(table, half_year, region, stat, value): every count behind the tables' figures."""
    cells = figure_cells(tables).join(PARTS_FRAME, on="indicator")
    num = cells.select(*CELL, _C("num_stat").alias("stat"), _C("numerator").alias("value"))
    den = cells.select(*CELL, _C("den_stat").alias("stat"), _C("denominator").alias("value"))
    stats = (
        pl.concat([num, den])
        .drop_nulls("stat")
        .with_columns(_C("value").cast(pl.Int64))
        .unique(KEY, keep="first", maintain_order=True)
    )
    return stats


@dataclass(frozen=True)
class Publication:
    """The public tables and how they were protected."""

    frames: dict[str, pl.DataFrame]  # table -> public frame (the CSV's columns)
    marks: pl.DataFrame  # table, half_year, region, stat, value, rule
    rounds: int
    as_of: date | None = None  # the date the figures are as of (set by `publish`)

    def summary(self) -> dict[str, int]:
        """Counts of figures (rows) and statistics shown and withheld."""
        rows = pl.concat([f.select("status") for f in self.frames.values()])
        rule = self.marks["rule"]
        return {
            "figures": rows.height,
            "figures_withheld": int((rows["status"] != "shown").sum()),
            "counts": self.marks.height,
            "counts_primary": int(rule.is_in(["group", "small", "complement"]).sum()),
            "counts_secondary": int((rule == "secondary").sum()),
        }


#: how much a complementary suppression costs per case, by table: the national figures per


class DisclosureError(ValueError):
    """The published figures cannot be attacked as given (they contradict each other)."""


class DisclosureFailure(RuntimeError):
    """The protection found no safe suppression pattern: nothing may be published."""


# --- shared by the suppression and the attack ----------------------------------------------


def with_group(stats: pl.DataFrame) -> pl.DataFrame:
    groups = stats.select(*CELL, _C("stat").alias("group"), _C("value").alias("group_value"))
    return stats.join(STATS_FRAME, on="stat", how="left").join(
        groups, on=[*CELL, "group"], how="left", nulls_equal=True
    )


TOTAL = "\x00T"  # the total row / column node of the margins network


def node_exprs() -> tuple[pl.Expr, pl.Expr]:
    """The (row, column) node of a cell in the margins network (see `_stat_intervals`)."""
    row = pl.when(_C("table") == "region").then(pl.lit(TOTAL)).otherwise(_C("half_year"))
    col = pl.when(_C("table") == "half_year").then(pl.lit(TOTAL)).otherwise(_C("region"))
    return row.alias("row_node"), col.alias("col_node")
