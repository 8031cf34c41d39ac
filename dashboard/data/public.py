"""Role-checked entry points for data going in and out: imports, exports, demo data, and the
public (suppressed) figures that the observer role and `export --public` see.

Everything here calls `dashboard.accounts.roles.require` first, so a page reached by its URL, or a bug
in a page, cannot import, export or show more than the signed-in role may.
Public figures never contain case ids, names, notes or summaries. The public tables
(`public_publication`, `export --public`) are protected by engine.disclosure (docs/disclosure.md).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Engine

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, require
from dashboard.config import get_settings
from dashboard.data import seeding
from dashboard.data.contract import CASE_IDENTIFIERS, PERSONAL_FIELDS
from dashboard.data.exporter import export_dir, report_xlsx, workbook
from dashboard.data.importer import ImportProblem, ImportValidationError, import_files
from dashboard.data.preview import ImportPreview, preview_files
from dashboard.data.store import load_frames
from dashboard.data.versioning import current_version
from dashboard.engine.disclosure import (
    FILES,
    Publication,
    Rules,
    as_text,
    public_cell,
    publish,
)
from dashboard.engine.indicators import PublicFigure
from dashboard.engine.metrics import case_metrics
from dashboard.engine.registry import FUNNEL_STAGES, HEADLINE
from dashboard.i18n import N_, Message, t
from db.engine import private_file

#: who runs `export --public`: the observer's rights, so the same rules apply as on screen
CLI_PUBLIC = Principal("cli", "observer")


# --- import and full export (secretariat) ------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """`result` (written), `preview` (checked, nothing written) or `problems` (file, line,
    column, reason, value; nothing written). `stale`: the data changed since the preview, so
    nothing was written and the files must be checked again."""

    result: Any = None
    problems: pl.DataFrame | None = None
    preview: ImportPreview | None = None
    stale: bool = False


def preview_uploaded(
    engine: Engine, principal: Principal, files: Sequence[tuple[str, bytes]]
) -> ImportOutcome:
    """Check uploaded files (name, content) and say what importing them would change."""
    require(principal, "import_data")
    return _with_uploads(
        files,
        lambda paths: ImportOutcome(preview=preview_files(engine, paths, actor=principal.username)),
    )


def import_uploaded(
    engine: Engine,
    principal: Principal,
    files: Sequence[tuple[str, bytes]],
    *,
    previewed: ImportPreview | None = None,
) -> ImportOutcome:
    """Import uploaded files (name, content) all or nothing; every problem is returned.

    With `previewed`, nothing is written if the data changed since that preview (`stale`).
    """
    require(principal, "import_data")
    if previewed is not None and current_version(engine) != previewed.version:
        return ImportOutcome(stale=True)

    def run(paths: list[Path]) -> ImportOutcome:
        return ImportOutcome(result=import_files(engine, paths, actor=principal.username))

    return _with_uploads(files, run)


def _with_uploads(
    files: Sequence[tuple[str, bytes]], run: Callable[[list[Path]], ImportOutcome]
) -> ImportOutcome:
    """`run` on the uploads saved in a temporary folder; problems named by the user's names."""
    limit = get_settings().max_upload_mb
    too_big = [
        ImportProblem(
            name,
            0,
            "-",
            Message(N_("larger than the upload limit of {limit} MB"), {"limit": limit}),
            f"{len(data) >> 20} MB",
        )
        for name, data in files
        if len(data) > limit << 20
    ]
    if too_big:  # Streamlit refuses these too (server.maxUploadSize); this holds without it
        return ImportOutcome(problems=problems_frame(too_big))
    with tempfile.TemporaryDirectory(prefix="oversight-upload-") as tmp:
        paths = []
        for name, content in files:
            path = Path(tmp) / Path(name).name  # the name only: no path from the browser
            path.write_bytes(content)
            paths.append(path)
        try:
            return run(paths)
        except ImportValidationError as e:
            # the user knows their files by name, not by our temporary folder
            frame = problems_frame(e.problems).with_columns(
                pl.col("file").str.replace(f"{tmp}{os.sep}", "", literal=True)
            )
            return ImportOutcome(problems=frame)


def problems_frame(problems: Sequence[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file": [p.file for p in problems],
            "line": [p.line for p in problems],
            "column": [p.column for p in problems],
            "reason": [p.message.translated() for p in problems],
            "value": [None if p.value is None else str(p.value) for p in problems],
        },
        schema={
            "file": pl.String,
            "line": pl.Int64,
            "column": pl.String,
            "reason": pl.String,
            "value": pl.String,
        },
    )


def export_bytes(engine: Engine, principal: Principal, fmt: str = "csv") -> bytes:
    """The full export (with personal data) as a zip of CSVs or one XLSX; audited."""
    require(principal, "export_data")

    with tempfile.TemporaryDirectory(prefix="oversight-export-") as tmp:
        files = export_dir(engine, tmp, fmt="xlsx" if fmt == "xlsx" else "csv")
        data = _bundle(files, fmt)
    audit.record_now(engine, actor=principal, action="export", detail=f"full {fmt}")
    return data


def case_list_xlsx(
    engine: Engine, principal: Principal, frame: pl.DataFrame, headers: dict[str, str]
) -> bytes:
    """A list of cases as shown (its columns, `headers` msgids) as an XLSX report; audited.

    Personal fields are dropped whatever the caller passed (defence in depth).
    """
    require(principal, "view_cases")
    shown = frame.drop(n for n in frame.columns if n in PERSONAL_FIELDS)
    data = report_xlsx({t("Cases"): shown}, headers)
    audit.record_now(
        engine,
        actor=principal,
        action="export",
        entity="case",
        detail=f"case list rows={shown.height}",
    )
    return data


def _bundle(files: Sequence[Path], fmt: str) -> bytes:
    if fmt == "xlsx" and len(files) == 1:
        return Path(files[0]).read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(f, Path(f).name)
    return buf.getvalue()


# --- demo data (secretariat) -------------------------------------------------------------------


def reload_demo(engine: Engine, principal: Principal) -> str:
    """Load the documented and synthetic demo sets again (upsert); a one-line summary."""
    require(principal, "import_data")
    report = seeding.seed_database(engine, synthetic=get_settings().synthetic_cases)
    audit.record_now(engine, actor=principal, action="seed", detail=str(report)[:200])
    return str(report)


def remove_synthetic_cases(engine: Engine, principal: Principal) -> int:
    """Delete every synthetic case (and its events); the number removed."""
    require(principal, "import_data")
    n = int(seeding.remove_synthetic(engine))
    audit.record_now(
        engine, actor=principal, action="delete", entity="case", detail=f"synthetic={n}"
    )
    return n


# --- public figures (every role; the observer's only view of the data) -------------------------


def _metrics(engine: Engine, as_of: date) -> pl.DataFrame:

    cases, events = load_frames(engine)
    return case_metrics(cases, events, as_of)


#: rates drawn as trends per half-year on the public page
PUBLIC_TRENDS = (
    "reclassification_rate",
    "spu_involvement_rate",
    "stagnant_share",
    "prosecution_rate",
)


@dataclass(frozen=True)
class PublicView:
    """Everything the public page shows, read from one Publication (the public export's
    figures for the same as-of date): no ids, no names, nothing the export withholds."""

    headline: dict[str, PublicFigure]  # name -> figure, in HEADLINE order
    funnel: list[PublicFigure]  # per funnel stage, in order
    trends: pl.DataFrame  # per half-year up to the chosen one (group, indicator, value, ...)
    regions: pl.DataFrame  # per region in the chosen half-year (group = region code, ...)
    as_of: date


def public_view(
    publication: Publication, principal: Principal, *, period: str, region: str | None = None
) -> PublicView:
    """The observer's page for the complaints of half-year `period` (all regions or one), as
    the public export of the same as-of date has it."""
    require(principal, "view_public_figures")
    frames = publication.frames
    if region:
        rows = frames["half_year_region"].filter(pl.col("region") == region)
        per_half_year = rows.drop("region").rename({"half_year": "group"})
    else:
        per_half_year = frames["half_year"]
    cell = public_cell(per_half_year.filter(pl.col("group") == period))
    by_region = (
        frames["half_year_region"]
        .filter(pl.col("half_year") == period)
        .drop("half_year")
        .rename({"region": "group"})
    )
    return PublicView(
        headline={n: cell[n] for n in HEADLINE if n in cell},
        funnel=[cell[n] for n in FUNNEL_STAGES if n in cell],
        trends=per_half_year.filter(pl.col("group") <= period),
        regions=by_region,
        as_of=publication.as_of or date.today(),
    )


def public_funnel_chart(
    funnel: Sequence[PublicFigure], labels: dict[str, str], texts: Sequence[str]
) -> Any:
    """Bars per funnel stage; a stage not shown is an empty bar with its mark (`texts`)."""

    names = [labels.get(f.name, f.name) for f in funnel]
    values = [f.value if f.status == "shown" else 0 for f in funnel]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            text=list(texts),
            textposition="outside",
            marker={"color": "#2b6cb0"},
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", showticklabels=False)
    fig.update_layout(height=300, margin={"l": 10, "r": 60, "t": 10, "b": 10}, showlegend=False)
    return fig


def _strip_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Defence in depth: a public frame keeps no column that could hold case ids or names."""
    bad = [c for c in frame.columns if c.endswith("_ids") or c in _NOT_PUBLIC]
    return frame.drop(bad) if bad else frame


_NOT_PUBLIC = PERSONAL_FIELDS | frozenset(CASE_IDENTIFIERS)


def public_publication(
    engine: Engine, principal: Principal, *, as_of: date | None = None
) -> Publication:
    """The public tables per half-year, per region, and per half-year and region, protected
    together (engine.disclosure: small counts withheld, then whatever would let them be
    recovered from the margins). No case-level rows, no ids, no names."""
    as_of = as_of or date.today()
    return publication_of(_metrics(engine, as_of), principal, as_of=as_of)


def publication_of(metrics: pl.DataFrame, principal: Principal, *, as_of: date) -> Publication:
    """`public_publication` of already computed case metrics (the page's cached ones)."""
    require(principal, "view_public_figures")
    return publish(metrics, as_of=as_of, rules=Rules.from_settings(get_settings()))


def public_export_frames(
    engine: Engine, principal: Principal, *, as_of: date | None = None
) -> dict[str, pl.DataFrame]:
    """The frames of `public_publication` (table name -> frame)."""
    return public_publication(engine, principal, as_of=as_of).frames


def public_export_bytes(
    engine: Engine, principal: Principal, fmt: str = "xlsx", *, as_of: date | None = None
) -> bytes:
    with tempfile.TemporaryDirectory(prefix="oversight-public-") as tmp:
        files = write_public_export(engine, principal, tmp, fmt=fmt, as_of=as_of)
        return _bundle(files, fmt)


def write_public_export(
    engine: Engine,
    principal: Principal,
    directory: str | Path,
    *,
    fmt: str = "csv",
    as_of: date | None = None,
    publication: Publication | None = None,
) -> list[Path]:
    """Write the public export (`export --public`) as CSV files or one XLSX workbook."""
    pub = publication or public_publication(engine, principal, as_of=as_of)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    text = {name: as_text(_strip_ids(frame)) for name, frame in pub.frames.items()}
    if fmt == "xlsx":
        path = private_file(out / "oversight-public.xlsx")
        with workbook(path) as wb:
            for name, frame in text.items():
                frame.write_excel(wb, worksheet=f"by_{name}", autofit=True)
        files = [path]
    else:
        files = []
        for name, frame in text.items():
            path = private_file(out / FILES[name])
            frame.write_csv(path)
            files.append(path)
    audit.record_now(engine, actor=principal, action="export", detail=f"public {fmt}")
    return files
