"""Charts: polars frame -> plotly figure. No Streamlit here.

Readable on a laptop and on paper: white template, 14 px fonts, automatic margins so no label is
cropped, colours that survive greyscale printing by also differing in marker shape.

>>> fig = stagnation_chart(pl.DataFrame({"stagnation_days": [10, 100, 200, 400, None]}))
>>> [int(v) for v in fig.data[0].y]
[1, 1, 1, 1]
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboard.data.contract import (
    AGENCIES,
    AGENCY_FAMILY,
    AUTHORITY_ACTIONS,
    NEGATIVE_DECISIONS,
    REACTIVE_TRIGGERS,
    REVERSALS,
    TRIGGERS,
    imputed_date,
)
from dashboard.i18n import N_, label, t
from dashboard.i18n.format import agency_name, fmt_date, fmt_month, fmt_number, fmt_rate

FONT = {"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#222"}
BLUE, RED, GREEN, GREY, ORANGE, PURPLE = (
    "#1f5fa8",
    "#c0392b",
    "#2e8b57",
    "#8a8a8a",
    "#e08e0b",
    "#6a3d9a",
)


@lru_cache(maxsize=1)
def _template() -> go.layout.Template:
    """plotly_white for the trace types drawn here: applying the whole template (defaults for
    two dozen trace types) was a third of a warm page's time (issue 19); the charts look the
    same."""
    white = pio.templates["plotly_white"]
    return go.layout.Template(
        layout=white.layout, data={k: white.data[k] for k in ("bar", "scatter", "funnel")}
    )


def _layout(fig: go.Figure, *, title: str = "", height: int = 380) -> go.Figure:
    fig.update_layout(
        template=_template(),
        font=FONT,
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        height=height,
        margin={"l": 10, "r": 30, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


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
    return _layout(fig, height=320)


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
    return _layout(fig, height=360)


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
    return _layout(fig, height=max(260, 28 * df.height + 80))


# --- map -----------------------------------------------------------------------------------------

#: Kazakhstan's extent (lon, lat): the map opens on it without a tile server or fitbounds
KZ_CENTER = {"lon": 67.0, "lat": 48.1}
KZ_ZOOM = 2.75  # the whole country in a half-width column of a laptop screen


@lru_cache(maxsize=1)
def kz_regions() -> dict[str, Any]:
    """The 20 first-level units (dashboard/resources/kz_regions.geojson; see NOTICE there)."""
    text = resources.files("dashboard.resources").joinpath("kz_regions.geojson").read_text("utf-8")
    return dict(json.loads(text))


def map_frame(df: pl.DataFrame, *, few_below: int) -> pl.DataFrame:
    """One row per map unit (all 20, also those without cases): code, label, value, denominator,
    few (a figure over fewer than `few_below` cases, or none at all)."""
    units = pl.DataFrame(
        {
            "code": [f["properties"]["code"] for f in kz_regions()["features"]],
        }
    )
    have = df.select(
        pl.col("group").alias("code"),
        pl.col("value").cast(pl.Float64),
        pl.col("denominator").cast(pl.Int64, strict=False),
        *([pl.col("label")] if "label" in df.columns else []),
        *([pl.col("display")] if "display" in df.columns else []),
    )
    out = units.join(have, on="code", how="left")
    return out.with_columns(
        (
            pl.col("value").is_null()
            | pl.col("denominator").is_null()
            | (pl.col("denominator") < few_below)
        ).alias("few")
    )


def region_map(
    df: pl.DataFrame,
    *,
    rate: bool = True,
    few_below: int = 10,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """Choropleth of one indicator over the 20 units (df: group, value, denominator[, display]).

    Offline: a MapLibre map with no tiles ("white-bg"), so nothing is fetched. A unit whose
    figure rests on few cases gets a thick dark outline, one without a value is grey; both say
    so on hover.
    """
    m = map_frame(df, few_below=few_below)
    gj = kz_regions()
    names = names or {}

    def hover(rows: pl.DataFrame) -> list[str]:
        out = []
        for r in rows.iter_rows(named=True):
            name = names.get(r["code"], r["code"])
            if r.get("display") and r["value"] is None:
                shown = str(r["display"])
            elif r["value"] is None:
                shown = t("no cases")
            else:
                shown = fmt_rate(r["value"]) if rate else fmt_number(r["value"], 1)
            extra = ""
            if r["denominator"] is not None:
                extra = "<br>" + t("{d} cases", d=fmt_number(r["denominator"]))
            if r["few"]:
                extra += "<br>" + t("few cases: read with care")
            out.append(f"<b>{name}</b><br>{shown}{extra}")
        return out

    scale = 100 if rate else 1
    vmax = max((v * scale for v in m["value"].drop_nulls().to_list()), default=1) or 1
    shared = {"featureidkey": "properties.code", "hoverinfo": "text"}
    colours = {"colorscale": "Blues", "zmin": 0, "zmax": vmax}
    scaled = "solid" if m.filter(~pl.col("few")).height else "few"  # the layer with the colour bar
    fig = go.Figure()
    # uid names the three layers: coloured, coloured but few cases (dark outline), no value (grey)
    for uid, rows, style in (
        ("solid", m.filter(~pl.col("few")), {**colours, "line": "#ffffff", "width": 1}),
        (
            "few",
            m.filter(pl.col("few") & pl.col("value").is_not_null()),
            {**colours, "line": "#222222", "width": 3},
        ),
        (
            "empty",
            m.filter(pl.col("value").is_null()),
            {"colorscale": [[0, "#ececec"], [1, "#ececec"]], "line": "#555555", "width": 2},
        ),
    ):
        line = {"color": style.pop("line"), "width": style.pop("width")}
        codes = set(rows["code"].to_list())
        # each layer carries only its own regions' shapes: plotly copies a trace's geojson
        # when it is added and again when the figure is sent, so three whole copies took
        # most of a page's rerun (issue 19)
        shapes = {**gj, "features": [f for f in gj["features"] if f["properties"]["code"] in codes]}
        fig.add_trace(
            go.Choroplethmap(
                **shared,
                geojson=shapes,
                **style,
                uid=uid,
                locations=rows["code"].to_list(),
                z=[0 if v is None else v * scale for v in rows["value"].to_list()],
                showscale=uid == scaled,
                marker={"line": line, "opacity": 0.95},
                colorbar={"ticksuffix": " %" if rate else "", "thickness": 14, "len": 0.8},
                hovertext=hover(rows),
                customdata=rows["code"].to_list(),
            )
        )
    fig.update_layout(
        map={"style": "white-bg", "center": KZ_CENTER, "zoom": KZ_ZOOM},
        showlegend=False,
    )
    fig = _layout(fig, height=420)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return fig


def clicked_region(point: dict[str, Any]) -> str | None:
    """The region code of a clicked map unit or bar (its customdata, location or y)."""
    for k in ("customdata", "location", "y"):
        v = point.get(k)
        if isinstance(v, list):
            v = v[0] if v else None
        if v:
            return str(v)
    return None


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
    return _layout(fig, height=300)


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
    return _layout(fig, height=320)


# --- case timeline -------------------------------------------------------------------------------

FAMILY_ORDER = (
    "civil_society",
    "oversight",
    "MVD",
    "ACA",
    "KNB",
    "prosecution",
    "court",
    "international",
    "other",
)


def _marker(event_type: str) -> tuple[str, str, str]:
    """event type -> (category msgid, symbol, colour)."""
    if event_type in NEGATIVE_DECISIONS:
        return N_("Negative decision"), "x", RED
    if event_type in REVERSALS:
        return N_("Reversal / case opened"), "triangle-up", GREEN
    if event_type == "spu_involved":
        return N_("SPU involved"), "star", PURPLE
    if event_type in (
        "indictment_to_court",
        "trial_started",
        "verdict",
        "sentence",
        "appeal_verdict",
    ):
        return N_("Court"), "square", ORANGE
    if event_type in ("complaint_lodged", "appeal_lodged", "retaliation_reported"):
        return N_("Complaint / appeal"), "circle-open", GREY
    return N_("Other action"), "circle", BLUE


def timeline_frame(events: pl.DataFrame) -> pl.DataFrame:
    """Events with their imputed day, lane (agency) and marker category, in seq order."""
    if events.is_empty():
        return events.with_columns(pl.lit(None, pl.Date).alias("on"))
    return events.sort("seq").with_columns(imputed_date("event_date").alias("on"))


def idle_gaps(
    dates: list[date], *, complaint_on: date, as_of: date | None, min_days: int = 90
) -> list[tuple[date, date, int]]:
    """Gaps of more than `min_days` between consecutive action dates (and to T when open).

    >>> idle_gaps([date(2020, 6, 1)], complaint_on=date(2020, 1, 1), as_of=None)
    [(datetime.date(2020, 1, 1), datetime.date(2020, 6, 1), 152)]
    """
    points = sorted([complaint_on, *dates])
    if as_of is not None:
        points.append(as_of)
    gaps = []
    for a, b in zip(points, points[1:], strict=False):
        days = (b - a).days
        if days > min_days:
            gaps.append((a, b, days))
    return gaps


def timeline_chart(
    events: pl.DataFrame,
    *,
    complaint_on: date,
    as_of: date,
    is_open: bool,
    event_labels: dict[str, str] | None = None,
) -> go.Figure:
    """Swim lanes by agency (grouped by family): one marker per event, a line following the
    file from body to body (ping-pong shows as a zig-zag), idle gaps over 90 days shaded."""

    ev = timeline_frame(events)
    labels = event_labels or {}
    present = set(ev["agency"].to_list()) | {a for a in ev["to_agency"].to_list() if a}
    lanes = sorted(
        present,
        key=lambda a: (
            FAMILY_ORDER.index(AGENCY_FAMILY.get(a, "other")),
            list(AGENCIES).index(a) if a in AGENCIES else 99,
        ),
    )
    lane_text = {a: agency_name(a) for a in lanes}
    fig = go.Figure()

    actions = ev.filter(pl.col("event_type").is_in(list(AUTHORITY_ACTIONS)))
    for a, b, days in idle_gaps(
        actions["on"].to_list(), complaint_on=complaint_on, as_of=as_of if is_open else None
    ):
        fig.add_vrect(
            x0=a,
            x1=b,
            fillcolor="#f4d03f",
            opacity=0.18,
            line_width=0,
            annotation_text=t("{n} days idle", n=days),
            annotation_position="top left",
            annotation_font_size=12,
        )

    if ev.height:
        fig.add_trace(
            go.Scatter(
                x=ev["on"].to_list(),
                y=[lane_text[a] for a in ev["agency"].to_list()],
                mode="lines",
                line={"color": "#b0b0b0", "width": 1.5, "shape": "hv"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    groups: dict[str, list[int]] = {}
    for i, et in enumerate(ev["event_type"].to_list()):
        groups.setdefault(_marker(et)[0], []).append(i)
    for cat, idx in groups.items():
        _, symbol, colour = _marker(ev["event_type"][idx[0]])
        part = ev[idx]
        hover = [
            f"{seq}. {labels.get(et, et)}<br>{fmt_date(d)} · {agency_name(ag)}"
            + (f" → {agency_name(to)}" if to else "")
            + (f"<br>{label('detail', det)}" if det else "")
            for seq, et, d, ag, to, det in zip(
                part["seq"].to_list(),
                part["event_type"].to_list(),
                part["event_date"].to_list(),
                part["agency"].to_list(),
                part["to_agency"].to_list(),
                part["detail"].to_list(),
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=part["on"].to_list(),
                y=[lane_text[a] for a in part["agency"].to_list()],
                mode="markers",
                name=t(cat),
                marker={
                    "symbol": symbol,
                    "size": 13,
                    "color": colour,
                    "line": {"width": 1.5, "color": colour},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.add_vline(x=complaint_on, line_dash="dot", line_color=GREY)
    if is_open:
        fig.add_vline(x=as_of, line_dash="dash", line_color=RED)
        fig.add_annotation(
            x=as_of, y=1, yref="paper", text=t("as of"), showarrow=False, yanchor="bottom"
        )
    pad = timedelta(days=20)
    xs = [complaint_on, *ev["on"].drop_nulls().to_list()] + ([as_of] if is_open else [])
    lo, hi = min(xs) - pad, max(xs) + pad
    ticks = month_ticks(lo, hi)
    fig.update_xaxes(
        range=[lo, hi],
        title=None,
        type="date",
        tickvals=ticks,
        ticktext=[fmt_month(d) for d in ticks],  # plotly's own month names are English
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[lane_text[a] for a in lanes][::-1],
        title=None,
        type="category",
    )
    return _layout(fig, height=max(300, 60 * len(lanes) + 140))


def month_ticks(lo: date, hi: date, most: int = 8) -> list[date]:
    """First days of months within [lo, hi], every 1, 2, 3, 6, 12 ... months (calendar-aligned),
    at most about `most` of them.

    >>> [d.isoformat() for d in month_ticks(date(2020, 1, 10), date(2020, 5, 1))]
    ['2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01']
    """
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= most), 120)
    out: list[date] = []
    y, m = lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        d = date(y, m, 1)
        if d >= lo and (y * 12 + m - 1) % step == 0:
            out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def labels_of(pairs: dict[str, str] | Any) -> dict[str, str]:
    """Translate a {code: msgid} mapping for display."""
    return {k: t(v) for k, v in dict(pairs).items()}
