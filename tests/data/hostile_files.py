"""Hostile import files, built byte by byte: what an attacker or a broken tool would upload.

Each builder writes one file into a folder and returns its path. The XLSX files are minimal
but valid Office Open XML packages, so a reader would open them if nothing refused them first.
Run as a script (`python -m tests.data.hostile_files DIR`) it writes them all and prints the paths.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from tests.conftest import EXAMPLES

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _package(path: Path, sheet: str, shared: str | None = None) -> Path:
    """A one-sheet workbook ("cases") with the given sheet XML (and shared strings)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", shared or f'<sst {_NS} count="0" uniqueCount="0"/>')
    return path


def _sheet(rows: str, dimension: str = "A1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}>'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def dimension_bomb(folder: Path) -> Path:
    """2 KB: a header cell and one cell at XFD1048576, the dimension declaring the rectangle."""
    rows = f'<row r="1">{_inline("A1", "case_id")}</row>'
    rows += f'<row r="1048576">{_inline("XFD1048576", "x")}</row>'
    return _package(folder / "dimension-bomb.xlsx", _sheet(rows, "A1:XFD1048576"))


def far_cell(folder: Path) -> Path:
    """The same far cell with an honest-looking dimension (A1): the cells themselves count."""
    rows = f'<row r="1">{_inline("A1", "case_id")}</row>'
    rows += f'<row r="1048576">{_inline("XFD1048576", "x")}</row>'
    return _package(folder / "far-cell.xlsx", _sheet(rows, "A1"))


def shared_strings_bomb(folder: Path, megabytes: int = 64) -> Path:
    """A small file whose shared strings unpack to `megabytes` MB (many strings, one letter)."""
    path = folder / "shared-strings-bomb.xlsx"
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", _sheet(rows))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f"<sst {_NS}>".encode())
            item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            block = item * 1000
            for _ in range(megabytes):
                f.write(block)
            f.write(b"</sst>")
    return path


def long_shared_string(folder: Path) -> Path:
    """One shared string of 200,000 random Cyrillic letters (400 KB; no zip-bomb ratio)."""
    rng = random.Random(2016)
    text = "".join(chr(0x430 + rng.randrange(32)) for _ in range(200_000))
    shared = f'<sst {_NS} count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return _package(folder / "long-cell.xlsx", _sheet(rows), shared)


def truncated_xml(folder: Path) -> Path:
    """A sheet whose XML stops in the middle of a row."""
    sheet = _sheet(f'<row r="1">{_inline("A1", "case_id")}</row>')
    return _package(folder / "truncated-xml.xlsx", sheet[: len(sheet) // 2 + 20])


def doctype_xml(folder: Path) -> Path:
    """A sheet with a DTD (entity expansion is how XML bombs work)."""
    sheet = _sheet(f'<row r="1">{_inline("A1", "&x;")}</row>')
    sheet = sheet.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY x "boom">]><worksheet', 1)
    return _package(folder / "doctype.xlsx", sheet)


def valid_xlsx(folder: Path, name: str = "valid.xlsx") -> Path:
    """The spec's example cases as one `cases` sheet (text cells)."""
    path = folder / name
    lines = (EXAMPLES / "cases.csv").read_text("utf-8").splitlines()
    rows = list(csv.reader(lines))
    with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False}) as book:
        sheet = book.add_worksheet("cases")
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                if value:
                    sheet.write_string(r, col, value)
    return path


def bad_checksum(folder: Path) -> Path:
    """A valid workbook with one byte of the sheet's compressed data changed (CRC mismatch)."""
    path = valid_xlsx(folder, "bad-checksum.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # local header: 30 bytes + name + extra, then the compressed data
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def truncated_zip(folder: Path) -> Path:
    """A workbook cut in half (an interrupted download)."""
    path = valid_xlsx(folder, "truncated-zip.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def formula_cells(folder: Path) -> Path:
    """The example cases with a formula in the summary of the second row (cached value too)."""
    path = valid_xlsx(folder, "formula.xlsx")
    lines = (EXAMPLES / "cases.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    rows = list(csv.reader(lines))
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("cases")
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                if value:
                    sheet.write_string(r, col, value)
        sheet.write_formula(
            1, header.index("summary"), '=HYPERLINK("http://203.0.113.9/x","open")', None, "open"
        )
    return path


def long_summary_csv(folder: Path) -> Path:
    """The example cases with a 20,000-character summary (within no hostile limit, over the
    contract's)."""
    lines = (EXAMPLES / "cases.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    rows = list(csv.reader(lines))
    rows[1][header.index("summary")] = "Ж" * 20_000
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = folder / "cases-long.csv"
    path.write_text(buf.getvalue(), "utf-8")
    return path


#: name -> (builder, a fragment the refusal must contain)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "dimension_bomb": (dimension_bomb, "declares a size beyond"),
    "far_cell": (far_cell, "more columns than the limit"),
    "shared_strings_bomb": (shared_strings_bomb, "zip bomb"),
    "long_shared_string": (long_shared_string, "a text longer than"),
    "truncated_xml": (truncated_xml, "damaged XML"),
    "doctype_xml": (doctype_xml, "DTD"),
    "bad_checksum": (bad_checksum, "damaged zip archive"),
    "truncated_zip": (truncated_zip, "damaged zip archive"),
    "formula_cells": (formula_cells, "a formula, not a value"),
    "long_summary_csv": (long_summary_csv, "longer than 10000 characters"),
}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for build, _ in HOSTILE.values():
        print(build(out))
