"""The import template: opens in a spreadsheet, offers the vocabularies, re-imports its example."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from sqlalchemy import Engine

from dashboard.data import contract as c
from dashboard.data.importer import import_files
from dashboard.data.preview import preview_files
from dashboard.data.template import template_xlsx
from dashboard.i18n import set_language


def test_template_has_headers_lists_and_an_example_row() -> None:
    set_language("ru")
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames == ["cases", "events", "Списки"]
    for name, columns in (("cases", c.CASE_COLUMNS), ("events", c.EVENT_COLUMNS)):
        sheet = book[name]
        assert [cell.value for cell in sheet[1]] == list(columns)
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 2  # the header and one example row
        assert "Номер дела" in sheet["A1"].comment.text
    cases = book["cases"]
    lists = {
        cases.cell(
            1, openpyxl.utils.column_index_from_string(str(dv.sqref).split(":")[0][:-1])
        ).value: dv
        for dv in cases.data_validations.dataValidation
    }
    assert {"region", "victim_status", "harm", "accused_agency", "lawyer"} <= set(lists)
    region = lists["region"]
    assert region.type == "list" and region.formula1 == "'Списки'!$A$2:$A$21"
    assert str(region.sqref) == "B2:B5001"
    # the list sheet names every code in the interface language
    codes = {r[0].value: r[1].value for r in book["Списки"].iter_rows(min_row=2, max_col=2)}
    assert codes["KZ-39"] == "Костанайская область"
    events = book["events"]
    formulas = {dv.formula1 for dv in events.data_validations.dataValidation}
    agency_list = next(
        dv.formula1
        for dv in events.data_validations.dataValidation
        if str(dv.sqref).startswith("E")
    )
    assert lists["accused_agency"].formula1 == agency_list  # one list of agency codes
    assert len(formulas) == 5  # event_type, agency (also to_agency), qualification, detail, trigger


def test_template_example_row_imports(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_xlsx())
    assert preview_files(engine, [path]).tables.rows() == [("cases", 1, 0, 0), ("events", 1, 0, 0)]
    result = import_files(engine, [path])
    assert (result.cases_inserted, result.events_inserted) == (1, 1)
