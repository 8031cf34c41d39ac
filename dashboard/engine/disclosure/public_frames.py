"""What the public sees: the public frames for a set of marks."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.engine.disclosure.tables import (
    CELL,
    DISPLAY,
    KEY,
    PARTS_FRAME,
    TABLES,
    WITHHELD,
    Rules,
    figure_cells,
)
from dashboard.engine.indicators import format_figure

_C = pl.col


#: what a rule shows instead of the count
_MARK = {"group": "group", "small": "small", "complement": "withheld", "secondary": "withheld"}


def _mark_text(mark: pl.Expr, value: pl.Expr, small: str) -> pl.Expr:
    return (
        pl.when(mark == "exact")
        .then(value.cast(pl.String))
        .when(mark == "small")
        .then(pl.lit(small))
        .when(mark == "withheld")
        .then(pl.lit(WITHHELD))
    )


def render(
    tables: Mapping[str, pl.DataFrame], marks: pl.DataFrame, rules: Rules
) -> dict[str, pl.DataFrame]:
    """The public frames (group/half_year/region, indicator, value, display, status,
    numerator, denominator) for the given marks."""
    mk = marks.select(
        *KEY,
        _C("value").alias("v"),
        _C("rule").replace_strict(_MARK, default="exact", return_dtype=pl.String).alias("mark"),
    )
    num = mk.rename({"stat": "num_stat", "v": "num_v", "mark": "num_mark"})
    den = mk.rename({"stat": "den_stat", "v": "den_v", "mark": "den_mark"})
    cells = (
        figure_cells(tables)
        .with_row_index("_order")
        .join(PARTS_FRAME, on="indicator", how="left")
        .join(num, on=[*CELL, "num_stat"], how="left", nulls_equal=True)
        .join(den, on=[*CELL, "den_stat"], how="left", nulls_equal=True)
        .sort("_order")
    )
    counts = _C("kind").is_in(["count", "funnel"])
    dm, dv, nm = _C("den_mark"), _C("den_v"), _C("num_mark")
    status = (
        pl.when(counts)
        .then(
            pl.when(nm == "exact")
            .then(pl.lit("shown"))
            .when(nm == "small")
            .then(pl.lit("fewer_than_5"))
            .when(nm == "group")
            .then(pl.lit("too_few_cases"))
            .otherwise(pl.lit("withheld"))
        )
        .when((dm == "exact") & (dv == 0))
        .then(pl.lit("no_cases"))
        .when(dm.is_in(["small", "group"]) | ((dm == "exact") & (dv < rules.rate_min)))
        .then(pl.lit("too_few_cases"))
        .when(dm == "withheld")
        .then(pl.lit("withheld"))
        .when((_C("kind") == "median") | (nm == "exact"))
        .then(pl.lit("shown"))
        .otherwise(pl.lit("withheld"))
    )
    cells = cells.with_columns(status.alias("status"))
    shown = _C("status") == "shown"
    display = (
        pl.when(shown)
        .then(
            pl.struct("kind", "value").map_elements(
                lambda r: None if r["value"] is None else format_figure(r["kind"], r["value"]),
                return_dtype=pl.String,
            )
        )
        .otherwise(
            _C("status").replace_strict(
                {**DISPLAY, "fewer_than_5": rules.small}, default=None, return_dtype=pl.String
            )
        )
    )
    cells = cells.with_columns(
        pl.when(shown).then(_C("value")).alias("value"),
        display.alias("display"),
        _mark_text(nm, _C("num_v"), rules.small).alias("numerator"),
        _mark_text(dm, dv, rules.small).alias("denominator"),
    )
    cols = ["indicator", "value", "display", "status", "numerator", "denominator"]
    out = {}
    for table in TABLES:
        part = cells.filter(_C("table") == table)
        if table == "half_year":
            out[table] = part.select(_C("half_year").alias("group"), *cols)
        elif table == "region":
            out[table] = part.select(_C("region").alias("group"), *cols)
        else:
            out[table] = part.select("half_year", "region", *cols)
    return out


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """A public frame with every column as text (as the CSV has it)."""
    return frame.with_columns(
        pl.col(c).cast(pl.String) for c, dt in frame.schema.items() if dt != pl.String
    )
