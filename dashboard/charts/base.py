"""What every chart shares: the font, the colours, the white template and the layout."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.i18n import t

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
def template() -> go.layout.Template:
    """plotly_white for the trace types drawn here: applying the whole template (defaults for
    two dozen trace types) was a third of a warm page's time (issue 19); the charts look the
    same."""
    white = pio.templates["plotly_white"]
    return go.layout.Template(
        layout=white.layout, data={k: white.data[k] for k in ("bar", "scatter", "funnel")}
    )


def layout(fig: go.Figure, *, title: str = "", height: int = 380) -> go.Figure:
    fig.update_layout(
        template=template(),
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
