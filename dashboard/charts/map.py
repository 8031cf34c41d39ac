"""The region map: a choropleth of the 20 first-level units, drawn offline."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import layout
from dashboard.i18n import t
from dashboard.i18n.format import fmt_number, fmt_rate

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
    fig = layout(fig, height=420)
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
