"""A case's timeline: its events in agency lanes, idle gaps marked."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, layout, month_ticks
from dashboard.data.contract import (
    AGENCIES,
    AGENCY_FAMILY,
    AUTHORITY_ACTIONS,
    NEGATIVE_DECISIONS,
    REVERSALS,
    imputed_date,
)
from dashboard.i18n import N_, label, t
from dashboard.i18n.format import agency_name, fmt_date, fmt_month

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
    return layout(fig, height=max(300, 60 * len(lanes) + 140))
