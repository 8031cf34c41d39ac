"""The indicator charts: the funnel, trends, ranked bars, SPU triggers, stagnation.

>>> fig = stagnation_chart(pl.DataFrame({"stagnation_days": [10, 100, 200, 400, None]}))
>>> [int(v) for v in fig.data[0].y]
[1, 1, 1, 1]
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, layout
from dashboard.data.contract import (
    REACTIVE_TRIGGERS,
    TRIGGERS,
)
from dashboard.i18n import N_, t
from dashboard.i18n.format import fmt_number, fmt_rate

# --- funnel ------------------------------------------------------------------------------------

FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("complaints", N_("Complaints")),
    ("criminal_case", N_("Criminal case opened")),
    ("in_court", N_("Sent to court")),
    ("convicted", N_("Conviction")),
    ("custodial", N_("Custodial sentence")),
)


def funnel_frame(stages: list[Any]) -> pl.DataFrame:
    """The engine's funnel figures (indicators.funnel) -> stage, label, count, case_ids.

    A stage counts the cases that reached it or a later one, so the funnel never widens.
    """
    labels = dict(FUNNEL_STAGES)
    rows = []
    for fig in stages:
        stage = fig.name.removeprefix("funnel.")
        rows.append(
            {
                "stage": stage,
                "label": t(labels.get(stage, stage)),
                "count": int(fig.value or 0),
                "case_ids": list(fig.case_ids),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "stage": pl.String,
            "label": pl.String,
            "count": pl.Int64,
            "case_ids": pl.List(pl.String),
        },
    )


def funnel_chart(funnel: pl.DataFrame) -> go.Figure:
    """Complaints → criminal case → in court → convicted → custodial, with % of complaints."""
    counts = funnel["count"].to_list()
    first = counts[0] if counts else 0
    # our own text, in the locale and saying what the share is of (the overview's tiles carry
    # shares of other populations); a stage with no cases still says "0"
    text = [
        t("{n} · {share} of all complaints", n=fmt_number(n), share=fmt_rate(n / first))
        if first and i
        else fmt_number(n)
        for i, n in enumerate(counts)
    ]
    fig = go.Figure(
        go.Funnel(
            y=funnel["label"].to_list(),
            x=counts,
            customdata=funnel["stage"].to_list(),
            text=text,
            textinfo="text",
            textposition=["outside" if n == 0 else "inside" for n in counts],
            hovertemplate="%{y}: %{text}<extra></extra>",
            marker={"color": [BLUE, BLUE, ORANGE, GREEN, GREEN][: funnel.height]},
            connector={"line": {"color": GREY, "width": 1}},
        )
    )
    return layout(fig, height=320)


# --- trends and breakdowns --------------------------------------------------------------------


def trend_chart(long: pl.DataFrame, indicators: list[str], labels: dict[str, str]) -> go.Figure:
    """One line per indicator over half-years (long: group, indicator, value); rates in %."""
    fig = go.Figure()
    # from the first half-year with a value to the last: decades of empty half-years before the
    # first complaint would squeeze the line into a corner
    drawn = long.filter(pl.col("indicator").is_in(indicators) & pl.col("value").is_not_null())
    groups = sorted(set(drawn["group"].to_list()))
    if groups:  # every half-year in the range, so a half-year without cases is a visible gap
        y0, h0 = int(groups[0][:4]), int(groups[0][-1])
        y1, h1 = int(groups[-1][:4]), int(groups[-1][-1])
        groups = [f"{y}-H{h}" for y in range(y0, y1 + 1) for h in (1, 2)]
        groups = [g for g in groups if f"{y0}-H{h0}" <= g <= f"{y1}-H{h1}"]
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    colours = [BLUE, RED, GREEN, ORANGE, PURPLE]
    for i, name in enumerate(indicators):
        part = long.filter(pl.col("indicator") == name)
        by_group = dict(zip(part["group"].to_list(), part["value"].to_list(), strict=True))
        # one point per half-year of the axis; None breaks the line where there were no cases
        vals = [None if by_group.get(g) is None else by_group[g] * 100 for g in groups]
        fig.add_trace(
            go.Scatter(
                x=groups,
                y=vals,
                mode="lines+markers",
                name=labels.get(name, name),
                connectgaps=False,
                marker={"symbol": symbols[i % 5], "size": 8, "color": colours[i % 5]},
                line={"color": colours[i % 5], "width": 2},
                customdata=groups,
            )
        )
    fig.update_yaxes(title=t("% of cases"), rangemode="tozero", ticksuffix=" %")
    fig.update_xaxes(
        title=t("Half-year of the complaint"),
        type="category",
        categoryorder="array",
        categoryarray=groups,
        range=[-0.5, len(groups) - 0.5] if groups else None,
    )
    return layout(fig, height=360)


def ranked_bar(
    df: pl.DataFrame,
    *,
    value: str = "value",
    label: str = "label",
    rate: bool = True,
    reference: float | None = None,
    reference_label: str = "",
    min_n: int = 10,
) -> go.Figure:
    """Horizontal bars, highest on top; groups with an empty denominator are shown as 'no cases';
    a rate over fewer than `min_n` cases is drawn pale and flagged; `reference` (the national
    value) is a dashed line."""
    df = df.with_columns(pl.col(value).cast(pl.Float64))
    known = df.filter(pl.col(value).is_not_null()).sort(value)
    unknown = df.filter(pl.col(value).is_null())
    values = known[value].to_list()
    x = [v * 100 if rate else v for v in values]
    dens = known["denominator"].to_list() if "denominator" in df.columns else [None] * len(x)
    nums = known["numerator"].to_list() if "numerator" in df.columns else [None] * len(x)
    small = [rate and d is not None and d < min_n for d in dens]
    text = [
        (fmt_rate(v) if rate else fmt_number(v, 0 if float(v).is_integer() else 2))
        + (f"  ({fmt_number(n)}/{fmt_number(d)})" if rate and d is not None else "")
        + ("  ⚠ " + t("fewer than {n} cases", n=min_n) if s else "")
        for v, n, d, s in zip(values, nums, dens, small, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=known[label].to_list(),
            x=x,
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=known["group"].to_list() if "group" in known.columns else None,
            marker={
                "color": [GREY if s else BLUE for s in small],
                "pattern": {"shape": ["/" if s else "" for s in small]},
            },
            hoverinfo="text",
            hovertext=[
                f"{lbl}: {tx}" for lbl, tx in zip(known[label].to_list(), text, strict=True)
            ],
            showlegend=False,
        )
    )
    if unknown.height:
        fig.add_trace(
            go.Bar(
                y=unknown[label].to_list(),
                x=[0] * unknown.height,
                orientation="h",
                text=[t("no cases")] * unknown.height,
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hoverinfo="skip",
                marker={"color": GREY},
                customdata=unknown["group"].to_list() if "group" in unknown.columns else None,
            )
        )
    ref = None if reference is None else (reference * 100 if rate else reference)
    if ref is not None:
        fig.add_vline(
            x=ref,
            line_dash="dash",
            line_color=RED,
            annotation_text=reference_label,
            annotation_position="top",
            annotation_font_color=RED,
        )
    top = max([*x, ref or 0], default=0)
    # a rate axis spans at least 0-10 %, so a lone 0 % or 1 % bar is not drawn as full width
    floor = 10 if rate else 1
    fig.update_xaxes(
        ticksuffix=" %" if rate else "",
        range=[0, max(top * 1.45, floor)],
        title=None,
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=unknown[label].to_list() + known[label].to_list()
    )
    return layout(fig, height=max(260, 28 * df.height + 80))


# --- SPU -----------------------------------------------------------------------------------------


def trigger_frame(spu_cases: pl.DataFrame) -> pl.DataFrame:
    """Per SPU trigger: the number of SPU cases and whether it is reactive."""
    counts = (
        spu_cases.with_columns(pl.col("spu_trigger").fill_null("unknown"))
        .group_by("spu_trigger")
        .agg(pl.len().alias("count"), pl.col("case_id"))
    )
    base = pl.DataFrame({"spu_trigger": list(TRIGGERS)})
    return (
        base.join(counts, on="spu_trigger", how="left")
        .with_columns(
            pl.col("count").fill_null(0),
            pl.col("case_id").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("spu_trigger").is_in(list(REACTIVE_TRIGGERS)).alias("reactive"),
        )
        .rename({"case_id": "case_ids"})
    )


def trigger_chart(triggers: pl.DataFrame, labels: dict[str, str]) -> go.Figure:
    """SPU cases by what brought the SPU in; reactive triggers (lawyer, court, media) in orange."""
    df = triggers.sort("count")
    fig = go.Figure(
        go.Bar(
            y=[labels.get(x, x) for x in df["spu_trigger"].to_list()],
            x=df["count"].to_list(),
            orientation="h",
            text=df["count"].to_list(),
            textposition="outside",
            cliponaxis=False,
            customdata=df["spu_trigger"].to_list(),
            marker={
                "color": [ORANGE if r else BLUE for r in df["reactive"].to_list()],
                "pattern": {"shape": ["/" if r else "" for r in df["reactive"].to_list()]},
            },
        )
    )
    top = max(df["count"].to_list(), default=0)
    fig.update_xaxes(
        title=t("SPU cases"),
        rangemode="tozero",
        tickformat="d",  # counts of cases: whole numbers only
        dtick=max(1, -(-top // 5)),
        range=[0, max(top * 1.25, 1)],
    )
    fig.update_traces(hovertemplate="%{y}: %{x}<extra></extra>")
    return layout(fig, height=300)


# --- stagnation ----------------------------------------------------------------------------------

STAGNATION_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–90", 0, 90),
    ("91–180", 91, 180),
    ("181–365", 181, 365),
    (">365", 366, None),
)


def stagnation_bucket(expr: pl.Expr) -> pl.Expr:
    """Days without any authority action -> bucket label ('0–90', '91–180', '181–365', '>365')."""
    return (
        pl.when(expr.is_null())
        .then(None)
        .when(expr <= 90)
        .then(pl.lit("0–90"))
        .when(expr <= 180)
        .then(pl.lit("91–180"))
        .when(expr <= 365)
        .then(pl.lit("181–365"))
        .otherwise(pl.lit(">365"))
    )


def stagnation_chart(open_cases: pl.DataFrame) -> go.Figure:
    """Open cases by days since the last authority action; stagnant buckets in red shades."""
    b = open_cases.select(stagnation_bucket(pl.col("stagnation_days")).alias("b"))["b"]
    labels = [lbl for lbl, _, _ in STAGNATION_BUCKETS]
    counts = [int((b == lbl).sum()) for lbl in labels]
    fig = go.Figure(
        go.Bar(
            x=[t("{b} days", b=lbl) for lbl in labels],
            y=counts,
            text=counts,
            textposition="outside",
            cliponaxis=False,
            customdata=labels,
            marker={"color": [GREY, ORANGE, RED, "#7b1d12"]},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    top = max(counts, default=0)
    fig.update_yaxes(
        title=t("Open cases"), rangemode="tozero", tickformat="d", dtick=max(1, -(-top // 5))
    )
    fig.update_xaxes(title=t("Days since the last authority action"), type="category")
    return layout(fig, height=320)
