"""Report-style XLSX (tracker, case lists): localized, bold frozen header with filters; the full
data export keeps the contract's raw columns and codes."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import AccessDenied
from dashboard.data import contract as c
from dashboard.data import public
from dashboard.data.exporter import export_dir
from dashboard.data.store import load_frames
from dashboard.engine.metrics import case_metrics
from dashboard.i18n import set_language
from dashboard.ui.tables import CASE_TABLE_COLUMNS, COLUMN_LABELS
from tests.committee.loop_fixtures import OBS, SEC, build
from tests.conftest import EXAMPLES

#: every code a report must show by its name instead
RAW_CODES = (
    set(c.AGENCY_CODES)
    | set(c.region_codes())
    | set(c.HARM)
    | set(c.COMPLAINT_CHANNEL)
    | set(committee.STATUSES)
    | {"systemic", "case", "reclassification_rate", "screening", "investigation"}
)


def _check_house_style(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    """Header bold, frozen, filtered; returns every value below the header."""
    header = list(sheet[1])
    assert header and all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not {v for v in values if isinstance(v, str)} & RAW_CODES
    assert not any(isinstance(v, bool) or v in ("True", "False", "true", "false") for v in values)
    return values


def test_tracker_export_is_localized(engine: Engine) -> None:
    loop = build(engine)
    set_language("ru")
    data = committee.export_tracker_xlsx(engine=engine, principal=SEC, today=date(2013, 5, 1))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Рекомендации", "Ход исполнения"]
    recs = book["Рекомендации"]
    headers = [cell.value for cell in recs[1]]
    assert {"Адресат", "Статус", "Рекомендация", "Срок"} <= set(headers)
    assert not set(headers) & set(committee.TRACKER_SCHEMA)  # no field names
    values = _check_house_style(recs)
    assert "Генеральная прокуратура" in values and loop.case_id in values
    assert "да" in values  # open, overdue: yes/no in words
    assert any(isinstance(v, datetime) for v in values)  # due dates are dates
    _check_house_style(book["Ход исполнения"])


def test_case_list_export_is_localized_and_audited(engine: Engine) -> None:
    from dashboard.data.importer import import_files

    import_files(engine, [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    cases, events = load_frames(engine)
    metrics = case_metrics(cases, events, date(2016, 6, 30))
    frame = metrics.select(CASE_TABLE_COLUMNS)
    set_language("ru")
    before = audit.read(engine, SEC, action="export").height
    data = public.case_list_xlsx(engine, SEC, frame.with_columns(victim_name=None), COLUMN_LABELS)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Дела"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Дело", "Жалоба", "Регион", "Обвиняемый"]
    assert len(headers) == len(CASE_TABLE_COLUMNS)  # the personal column was dropped
    values = _check_house_style(sheet)
    assert set(frame["case_id"]) <= set(values)
    assert {"да", "нет"} & set(values)
    assert sheet["B2"].is_date
    assert audit.read(engine, SEC, action="export").height == before + 1
    with pytest.raises(AccessDenied):
        public.case_list_xlsx(engine, OBS, frame, COLUMN_LABELS)


def test_full_export_keeps_contract_columns_and_codes(engine: Engine, tmp_path: Path) -> None:
    from dashboard.data.importer import import_files

    import_files(engine, [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
    set_language("ru")
    (path,) = export_dir(engine, tmp_path, fmt="xlsx")
    book = openpyxl.load_workbook(path)
    assert [cell.value for cell in book["cases"][1]] == list(c.CASE_COLUMNS)
    regions = {row[1] for row in book["cases"].iter_rows(min_row=2, values_only=True)}
    assert regions <= set(c.region_codes())
