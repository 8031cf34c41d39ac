"""Public figures: suppression at its thresholds, no case rows, ids or names in public output."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from dashboard.accounts.roles import Principal
from dashboard.cli import main
from dashboard.data import public
from dashboard.data.importer import ContractFrames, import_frames
from dashboard.engine.indicators import Figure, public_figures
from tests.ui.demo_data import demo_frames

OBSERVER = Principal("o", "observer")


def _load(engine: Engine, n: int, region: str = "KZ-39") -> None:
    """`n` cases, all in `region`, complained in 2025-H1."""
    cases, events = demo_frames(n, first=date(2025, 1, 3), step_days=3)
    cases = cases.with_columns(pl.lit(region).alias("region"))
    import_frames(engine, ContractFrames(cases=cases, events=events), actor="test")


@pytest.mark.parametrize(("n", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_counts_from_1_to_4_are_shown_as_fewer_than_5(n: int, shown: str) -> None:
    fig = public_figures({"complaints": Figure("complaints", n, n, None, kind="count")})
    assert fig["complaints"].display == shown
    assert (fig["complaints"].value is None) == (shown == "<5")


@pytest.mark.parametrize(
    ("den", "status"), [(0, "no_cases"), (1, "too_few_cases"), (9, "too_few_cases"), (10, "shown")]
)
def test_rates_under_10_cases_are_withheld(den: int, status: str) -> None:
    value = 0.5 if den else None
    f = Figure("spu_involvement_rate", value, den // 2, den, kind="rate")
    p = public_figures({"spu_involvement_rate": f})["spu_involvement_rate"]
    assert p.status == status
    if status != "shown":
        assert p.value is None and "%" not in p.display


@pytest.mark.parametrize(("n", "display"), [(4, "<5"), (5, "5")])
def test_public_export_applies_the_count_rule_per_region(
    engine: Engine, tmp_path: Path, n: int, display: str
) -> None:
    _load(engine, n)
    frames = public.public_export_frames(engine, OBSERVER, as_of=date(2026, 1, 1))
    by_region = frames["region"]
    row = by_region.filter(group="KZ-39", indicator="complaints").row(0, named=True)
    assert row["display"] == display
    cross = frames["half_year_region"].filter(
        half_year="2025-H1", region="KZ-39", indicator="complaints"
    )
    assert cross["display"].to_list() == [display]


def test_public_view_withholds_rates_of_small_cohorts(engine: Engine) -> None:
    _load(engine, 9)
    pub = public.public_publication(engine, OBSERVER, as_of=date(2026, 1, 1))
    view = public.public_view(pub, OBSERVER, period="2025-H1")
    assert view.headline["complaints"].display == "9"  # the national complaints are shown
    rates = [f for n, f in view.headline.items() if n.endswith(("_rate", "_share"))]
    assert rates and all(f.status in ("too_few_cases", "no_cases", "withheld") for f in rates)
    assert all(f.value is None for f in rates)
    # the region's view of the same half-year is the export's cross-table cell
    regional = public.public_view(pub, OBSERVER, period="2025-H1", region="KZ-39")
    cross = pub.frames["half_year_region"].filter(half_year="2025-H1", region="KZ-39")
    assert {n: f.display for n, f in regional.headline.items()} == {
        r["indicator"]: r["display"]
        for r in cross.to_dicts()
        if r["indicator"] in regional.headline
    }
    # a half-year without complaints: the figures of no cases
    empty = public.public_view(pub, OBSERVER, period="2019-H1")
    assert empty.headline["complaints"].display == "0"
    assert empty.headline["prosecution_rate"].status == "no_cases"


def test_public_export_has_no_case_rows_ids_or_names(engine: Engine, tmp_path: Path) -> None:
    _load(engine, 40)
    files = public.write_public_export(engine, OBSERVER, tmp_path / "pub", fmt="csv")
    text = "\n".join(f.read_text() for f in files)
    assert "SYN-" not in text and not re.search(r"Person \d+", text)
    assert "Synthetic case" not in text
    for f in files:
        cols = pl.read_csv(f, infer_schema=False).columns
        assert not {"case_id", "victim_name", "summary", "note"} & set(cols)
        assert not any(c.endswith("_ids") for c in cols)


def test_cli_export_public(engine: Engine, tmp_path: Path) -> None:
    _load(engine, 30)
    url = str(engine.url.render_as_string(hide_password=False))
    out = tmp_path / "out"
    assert main(["--database-url", url, "export", str(out), "--public", "--format", "xlsx"]) == 0
    (xlsx,) = out.iterdir()
    sheets = pl.read_excel(xlsx, sheet_id=0)
    assert set(sheets) == {"by_half_year", "by_region", "by_half_year_region"}
    for frame in sheets.values():
        blob = frame.write_csv()
        assert "SYN-" not in blob and not re.search(r"Person \d+", blob)
