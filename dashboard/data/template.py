"""The import template: an XLSX with the sheets `cases` and `events` that the importer reads.

Row 1 holds the contract's column names (the importer needs them as they are); each header
has a note with the column's name in the interface language and whether it is required.
Columns with a vocabulary offer its codes as a drop-down list (data validation) taken from
a third sheet that lists every code beside its name in the interface language (the importer
ignores that sheet). Row 2 is one example row per sheet, marked synthetic, that imports as it
is. Cells are formatted as text so Excel keeps `2015-03` and `007` as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter

from dashboard.data import contract as c
from dashboard.data.exporter import FIXED_DATE, workbook
from dashboard.i18n import N_, column_label, label, region_name, t

#: rows that get the drop-down lists (a sheet may hold more; they are then typed freely)
VALIDATED_ROWS = 5_000
LISTS_SHEET = N_("Lists")

#: column -> (vocabulary for the names, codes)
_DETAILS = tuple(dict.fromkeys(v for values in c.DETAIL_VALUES.values() for v in values))
VOCABULARIES: dict[str, tuple[str, Sequence[str]]] = {
    "region": ("region", c.region_codes()),
    "victim_sex": ("victim_sex", c.VICTIM_SEX),
    "victim_status": ("victim_status", c.VICTIM_STATUS),
    "place_type": ("place_type", c.PLACE_TYPE),
    "allegations": ("allegations", c.ALLEGATIONS),
    "harm": ("harm", c.HARM),
    "medical_evidence": ("medical_evidence", c.MEDICAL_EVIDENCE),
    "complaint_channel": ("complaint_channel", c.COMPLAINT_CHANNEL),
    "true_false": ("", (c.BOOL_TRUE, c.BOOL_FALSE)),
    "event_type": ("event_type", c.EVENT_TYPES),
    "agency": ("agency", c.AGENCY_CODES),
    "qualification": ("qualification", c.QUALIFICATION),
    "detail": ("detail", _DETAILS),
    "trigger": ("trigger", c.TRIGGERS),
}
_LIST_OF = {n: "true_false" for n in c.CASE_BOOL_COLUMNS} | dict.fromkeys(
    ("accused_agency", "to_agency"), "agency"
)

EXAMPLE_CASE = {
    "case_id": "EXAMPLE-2015-001",
    "region": "KZ-39",
    "victim_sex": "male",
    "victim_age": "34",
    "victim_status": "suspect",
    "incident_date": "2015-03-10",
    "place_type": "police_station",
    "accused_agency": "MVD_POLICE",
    "allegations": "beating;threats",
    "harm": "injury",
    "medical_evidence": "official_forensic",
    "lawyer": "true",
    "complaint_date": "2015-03-12",
    "complaint_channel": "crime_report",
    "summary": "Example row: replace it with a real case or delete it.",
    "synthetic": "true",
}
EXAMPLE_EVENT = {
    "case_id": "EXAMPLE-2015-001",
    "seq": "1",
    "event_date": "2015-03-12",
    "event_type": "complaint_lodged",
    "agency": "PROS_LOCAL",
}


def template_xlsx() -> bytes:
    """The template workbook (headers, drop-down lists, one example row per sheet) as bytes."""
    buf = io.BytesIO()
    with workbook(buf) as book:
        book.set_properties({"created": FIXED_DATE})
        text = book.add_format({"num_format": "@"})
        bold = book.add_format({"bold": True, "num_format": "@", "bg_color": "#E8EEF7"})
        cases = book.add_worksheet("cases")
        events = book.add_worksheet("events")
        ranges = _write_lists(book, book.add_worksheet(t(LISTS_SHEET)[:31]), bold)
        for sheet, columns, required, example in (
            (cases, c.CASE_COLUMNS, c.CASE_REQUIRED, EXAMPLE_CASE),
            (events, c.EVENT_COLUMNS, c.EVENT_REQUIRED, EXAMPLE_EVENT),
        ):
            _write_table(sheet, columns, required, example, ranges, text, bold)
    return buf.getvalue()


def _write_table(
    sheet: xlsxwriter.worksheet.Worksheet,
    columns: Sequence[str],
    required: frozenset[str],
    example: dict[str, str],
    ranges: dict[str, str],
    text: xlsxwriter.format.Format,
    bold: xlsxwriter.format.Format,
) -> None:
    for col, name in enumerate(columns):
        sheet.set_column(col, col, max(len(name), 12) + 2, text)
        sheet.write_string(0, col, name, bold)
        need = t("required") if name in required else t("optional")
        sheet.write_comment(0, col, f"{column_label(name)} ({need})", {"x_scale": 2})
        if name in example:
            sheet.write_string(1, col, example[name], text)
        listed = _LIST_OF.get(name, name)
        if listed in ranges:
            many = name == "allegations"  # several codes, separated by ';': a hint, not a rule
            sheet.data_validation(
                1,
                col,
                VALIDATED_ROWS,
                col,
                {
                    "validate": "list",
                    "source": ranges[listed],
                    "error_type": "information" if many else "stop",
                    "error_title": column_label(name)[:32],
                    "error_message": t("Choose a value from the list (sheet “{sheet}”).").format(
                        sheet=t(LISTS_SHEET)
                    )[:255],
                    "input_title": column_label(name)[:32],
                    "input_message": (t("One or more values separated by “;”.") if many else need)[
                        :255
                    ],
                },
            )
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, 1, len(columns) - 1)


def _write_lists(
    book: xlsxwriter.Workbook,
    sheet: xlsxwriter.worksheet.Worksheet,
    bold: xlsxwriter.format.Format,
) -> dict[str, str]:
    """Each vocabulary as two columns (code, name); returns name -> the codes' range."""
    ranges = {}
    title = t(LISTS_SHEET)[:31].replace("'", "''")
    for i, (key, (vocab, codes)) in enumerate(VOCABULARIES.items()):
        col = 2 * i
        sheet.write_string(0, col, key, bold)
        sheet.write_string(0, col + 1, "", bold)
        for r, code in enumerate(codes, start=1):
            sheet.write_string(r, col, code)
            sheet.write_string(r, col + 1, _name(vocab, code))
        sheet.set_column(col, col, max(len(key), *(len(x) for x in codes)) + 2)
        sheet.set_column(col + 1, col + 1, 30)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        ranges[key] = f"='{title}'!${letter}$2:${letter}${len(codes) + 1}"
    sheet.freeze_panes(1, 0)
    return ranges


def _name(vocab: str, code: str) -> str:
    if vocab == "region":
        return region_name(code)
    if not vocab:
        return t("yes") if code == c.BOOL_TRUE else t("no")
    return label(vocab, code)
