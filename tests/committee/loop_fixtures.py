"""Shared set-up of the accountability-loop tests: the documented cases, one session, and
recommendations to PGO (systemic) and MVD_IID (case-level)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

import polars as pl
import xlsxwriter
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.committee.tracker import TRACKER_HEADERS
from dashboard.data.importer import import_files
from dashboard.i18n import t
from tests.conftest import ROOT, add_principals

DOCUMENTED = [
    ROOT / "seed" / "documented" / "cases.csv",
    ROOT / "seed" / "documented" / "events.csv",
]
SEC = Principal("sec", "secretariat")
MEM = Principal("mem", "member")
OBS = Principal("obs", "observer")
PGO = Principal("agency-pgo", "addressee", agency_code="PGO")
IID = Principal("agency-mvd-iid", "addressee", agency_code="MVD_IID")
SPU = Principal("spu", "spu_head")
SESSION_DAY = date(2013, 2, 15)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        wb.add_worksheet().write(0, 0, "figures")
    return buf.getvalue()


def plain_zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "not an office document")
    return buf.getvalue()


@dataclass(frozen=True)
class Loop:
    engine: Engine
    session_id: int
    pgo_rec: int
    iid_rec: int
    case_id: str


def build(engine: Engine, *, due: date = date(2013, 4, 1)) -> Loop:
    """The documented cases, a session of 2013-02-15 and two recommendations."""
    import_files(engine, DOCUMENTED, actor="test")
    add_principals(engine, SEC, MEM, OBS, PGO, IID, SPU)  # pages re-check the signed-in account
    sess = committee.create_session(
        engine=engine,
        principal=SEC,
        title="Winter session",
        session_date=SESSION_DAY,
        period="2012-H2",
    )
    assert sess.id is not None
    docket = committee.docket_frame(engine=engine, principal=SEC, session_id=sess.id)
    case_id = docket["case_id"][0]
    pgo = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=sess.id,
        kind="systemic",
        addressee="PGO",
        text="Reclassify every procedural complaint alleging torture within three days.",
        due_date=due,
        target_indicator="reclassification_rate",
    )
    iid = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=sess.id,
        kind="case",
        case_id=case_id,
        addressee="MVD_IID",
        text="Hand this case to the SPU and inform the victim in writing.",
        due_date=due,
    )
    assert pgo.id is not None and iid.id is not None
    return Loop(engine, sess.id, pgo.id, iid.id, case_id)


def tracker_sheet(xlsx: bytes | str, number: int) -> pl.DataFrame:
    """Sheet `number` (1, 2, ...) of the localized tracker export, its columns named by code
    again (a header used twice, "Recommendation #", reads back as `id`)."""
    codes: dict[str, str] = {}
    for code, msgid in TRACKER_HEADERS.items():
        codes.setdefault(t(msgid), code)
    sheet = pl.read_excel(xlsx, sheet_id=number)
    return sheet.rename({n: codes[n] for n in sheet.columns if n in codes})
