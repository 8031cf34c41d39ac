"""Chart figures kept between reruns: the same inputs in the same language build the figure once.

Building a plotly figure (graph_objects validate every property) was most of a warm page's
rerun: 150-250 ms of the overview's 260 ms at 10,000 cases (issue 19). The figures are pure
functions of their arguments (dashboard.charts) and of the interface language, so they are
cached on those; Streamlit hashes the polars frames by content. A figure is never changed
after it is built (st.plotly_chart copies it before sending).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard.i18n import get_language


def chart(build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`build(*args, **kwargs)`, built once per arguments and language: for example
    `chart(charts.funnel_chart, funnel)`."""
    return _built(f"{build.__module__}.{build.__qualname__}", build, get_language(), args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=256)
def _built(
    name: str,
    _build: Callable[..., go.Figure],
    language: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> go.Figure:
    return _build(*args, **kwargs)
