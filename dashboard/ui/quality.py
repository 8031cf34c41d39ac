"""The data-quality page's tables: incomplete cases per indicator or field, by region or
agency, each row opening the list of those cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboard.config import get_settings
from dashboard.engine.quality import (
    QUALITY_FIELD_SHORT,
    QUALITY_FIELDS,
    completeness,
    incomplete_ids,
    missing_fields,
    quality,
)
from dashboard.i18n import region_name, t
from dashboard.i18n.format import agency_name, fmt_number, fmt_rate, indicator_title
from dashboard.ui.controls import Controls
from dashboard.ui.drilldown import show_cases
from dashboard.ui.loaders import gapped_metrics

#: the groupings the page offers: column of the metrics frame -> msgid of its name
GROUPINGS = {"region": "Region", "accused_agency": "Accused agency"}


def _group_label(by: str, code: str | None) -> str:
    if code is None:
        return "—"
    return region_name(code) if by == "region" else agency_name(code)


def texts(values: pl.Series, fn: Callable[[Any], str], name: str) -> pl.Series:
    """`fn` of each value, computed here: polars' map_elements runs in worker threads, where
    the interface language is not set, so every label came out in English."""
    return pl.Series(name, [fn(v) for v in values], dtype=pl.String)


def _table(view: pl.DataFrame, headers: dict[str, str], *, key: str) -> int | None:
    """Show `view` with translated headers; the selected row's index, if any."""
    event = st.dataframe(
        view.select([pl.col(c).alias(h) for c, h in headers.items()]),
        key=key,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
        column_config={headers["share"]: st.column_config.NumberColumn(format="percent")},
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    return rows[0] if rows else None


def _open(c: Controls, by: str, group: str, what: str, **row: str) -> None:
    """Open the case list on the incomplete cases of one row (an indicator's or a field's)."""
    frame = gapped_metrics(c.version, c.as_of, c.regions, c.agencies)
    ids = incomplete_ids(frame, start=c.start, end=c.end, by=by, group=group, **row)  # type: ignore[arg-type]
    label = t("Incomplete data: {what} · {group}", what=what, group=_group_label(by, group))
    show_cases(ids, label)


def indicator_quality(c: Controls, by: str, *, key: str) -> None:
    """Per indicator and group: its cases, the incomplete ones, their share (flagged)."""
    frame = gapped_metrics(c.version, c.as_of, c.regions, c.agencies)
    q = quality(frame, start=c.start, end=c.end, by=by).filter(pl.col("incomplete") > 0)
    if q.is_empty():
        st.success(t("No case of this period lacks data that a figure needs."))
        return
    flag = get_settings().quality_flag_share
    q = q.sort(["share", "incomplete"], descending=True)
    view = q.with_columns(
        texts(q["indicator"], indicator_title, "title"),
        texts(q["group"], lambda g: _group_label(by, g), "label"),
        texts(q["cases"], fmt_number, "cases"),
        texts(q["incomplete"], fmt_number, "incomplete"),
        pl.when(pl.col("share") >= flag).then(pl.lit("⚠")).otherwise(pl.lit("")).alias("flag"),
    )
    headers = {
        "flag": "⚠",
        "title": t("Indicator"),
        "label": t(GROUPINGS[by]),
        "cases": t("Cases"),
        "incomplete": t("Incomplete"),
        "share": t("Share incomplete"),
    }
    row = _table(view, headers, key=key)
    st.caption(
        t(
            "⚠: at least {share} of the cases incomplete. Select a row to open its cases.",
            share=fmt_rate(flag),
        )
    )
    if row is not None:
        r = q.row(row, named=True)
        _open(c, by, r["group"], indicator_title(r["indicator"]), indicator=r["indicator"])


def field_completeness(c: Controls, by: str, *, key: str) -> None:
    """Per field and group: how many cases lack it (or have it only as a month or year)."""
    frame = gapped_metrics(c.version, c.as_of, c.regions, c.agencies)
    q = completeness(frame, start=c.start, end=c.end, by=by)
    if q.is_empty():
        st.success(t("No case of this period lacks data that a figure needs."))
        return
    view = q.with_columns(
        pl.col("field").replace_strict({f: t(m) for f, m in QUALITY_FIELDS.items()}).alias("what"),
        texts(q["group"], lambda g: _group_label(by, g), "label"),
        texts(q["cases"], fmt_number, "cases"),
        texts(q["missing"], fmt_number, "missing"),
    )
    headers = {
        "label": t(GROUPINGS[by]),
        "what": t("What is missing"),
        "missing": t("Cases to complete"),
        "cases": t("Cases"),
        "share": t("Share incomplete"),
    }
    row = _table(view, headers, key=key)
    st.caption(t("Select a row to open the cases to complete."))
    if row is not None:
        r = q.row(row, named=True)
        _open(c, by, r["group"], t(QUALITY_FIELDS[r["field"]]), field=r["field"])


def with_missing(pool: pl.DataFrame, c: Controls) -> pl.DataFrame:
    """`pool` (metrics rows) with `missing`: the data each case lacks, in the interface's
    words ('' when complete), for the case list's column and its "incomplete" flag."""
    gaps = missing_fields(gapped_metrics(c.version, c.as_of, (), ()))
    joined = pool.join(gaps, on="case_id", how="left")
    words = [
        "; ".join(t(QUALITY_FIELD_SHORT[f]) for f in fields or [])
        for fields in joined["missing"].to_list()
    ]
    return joined.with_columns(pl.Series("missing", words, dtype=pl.String))


def with_missing_column(columns: tuple[str, ...], pool: pl.DataFrame) -> tuple[str, ...]:
    """The case table's columns with "missing" after the region, where some case lacks data
    (in view on a laptop screen; left out when every case is complete)."""
    if not (pool["missing"] != "").any():
        return columns
    at = columns.index("region") + 1 if "region" in columns else len(columns)
    return (*columns[:at], "missing", *columns[at:])
