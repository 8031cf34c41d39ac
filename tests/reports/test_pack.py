"""The session pack: generated, opens as a PDF, has its sections; names only where public."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard import committee
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.committee.notes import add_note, retract_note
from dashboard.data.importer import import_files
from dashboard.i18n import set_language
from dashboard.reports import document, pack
from dashboard.reports.pack_data import PackFigure
from db.models import AuditLog
from tests.conftest import ARTIFACTS, ROOT
from tests.raw_text import defects

DOCUMENTED = [
    ROOT / "seed" / "documented" / "cases.csv",
    ROOT / "seed" / "documented" / "events.csv",
]
SEC = Principal("sec", "secretariat")
MEM = Principal("mem", "member")
SECRET = "Hidden Victimname"


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def _private_case(tmp_path: Path) -> list[Path]:
    """A 2012-H2 case whose victim did not consent to publication of the name."""
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_id,region,victim_name,identity_public,victim_status,incident_date,place_type,"
        "accused_agency,allegations,harm,complaint_date,complaint_channel,summary\n"
        f"PRIV-001,KZ-39,{SECRET},false,suspect,2012-08-01,police_station,MVD_POLICE,beating,"
        "death,2012-08-03,ex_officio,Died in a temporary detention centre.\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,seq,event_date,event_type,agency,to_agency,detail\n"
        "PRIV-001,1,2012-08-03,screening_started,MVD_IID,,\n"
        "PRIV-001,2,2012-09-10,refusal_to_open,PROS_LOCAL,,no_crime\n",
        encoding="utf-8",
    )
    return [cases, events]


@pytest.fixture
def two_sessions(engine: Engine, tmp_path: Path) -> tuple[Engine, int]:
    import_files(engine, DOCUMENTED, actor="test")
    import_files(engine, _private_case(tmp_path), actor="test")
    first = committee.create_session(
        engine=engine,
        principal=SEC,
        title="Осенняя сессия 2012",
        session_date=date(2012, 10, 1),
        period="2012-H1",
    )
    sid = committee.create_session(
        engine=engine,
        principal=SEC,
        title="Қысқы сессия — winter 2013",
        session_date=date(2013, 2, 15),
        period="2012-H2",
        members_present=["Айгүл Сәрсенова", "B. Member"],
    ).id
    assert first.id is not None and sid is not None
    on = committee.docket_frame(engine=engine, principal=SEC, session_id=sid)["case_id"].to_list()
    for case_id in ("PRIV-001", "DOC-BAI"):
        if case_id not in on:
            committee.add_docket_case(
                engine=engine,
                principal=SEC,
                session_id=sid,
                case_id=case_id,
                reason="Asked by the PMC",
            )
    rec = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=first.id,
        kind="systemic",
        addressee="SPU",
        text="SPU to take charge of all torture complaints in KZ-39",
        due_date=date(2013, 1, 31),
        target_indicator="spu_involvement_rate",
        target_region="KZ-39",
    )
    committee.record_status(
        engine=engine,
        principal=SEC,
        recommendation_id=rec.id,
        status="acknowledged",
        status_date=date(2012, 11, 1),
        evidence="Letter from the PGO, ref. 12/3",
        expected_version=1,
    )
    done = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=first.id,
        kind="systemic",
        addressee="PGO",
        text="PGO to publish refusal statistics every quarter",
        due_date=None,
        target_indicator="complaints",
    )
    committee.record_status(
        engine=engine,
        principal=SEC,
        recommendation_id=done.id,
        status="implemented",
        status_date=date(2012, 12, 1),
        evidence="Published",
        expected_version=1,
    )
    return engine, sid


def test_pack_has_every_section_and_opens(two_sessions: tuple[Engine, int]) -> None:
    engine, sid = two_sessions
    pdf = pack.session_pack_pdf(
        engine=engine, principal=MEM, session_id=sid, today=date(2013, 2, 1)
    )
    assert pdf.startswith(b"%PDF-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "session-pack.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = _text(pdf)
    for section in (
        "Session pack: Қысқы сессия — winter 2013",  # Cyrillic and Kazakh letters survive
        "1. Headline indicators",
        "2. Trend against previous sessions",
        "3. Docket",
        "4. Open recommendations and their follow-up",
    ):
        assert section in text, section
    assert "Айгүл Сәрсенова" in text
    # headline figures: the frozen number of complaints is printed
    snap = committee.session_snapshot(engine=engine, principal=SEC, session_id=sid)
    assert f"{snap.indicators['complaints'].value}" in text
    # the trend compares with the previous session's period
    assert "2012-H1" in text and "2012-H2" in text
    # the docket: every case with its summary and timeline
    docket = committee.docket_frame(engine=engine, principal=SEC, session_id=sid)
    for case_id in docket["case_id"]:
        assert case_id in text
    assert "Died in a temporary detention centre." in text
    assert "Refusal" in text or "refusal" in text
    assert "Asked by the PMC" in text
    # open recommendations with their follow-up; the implemented one is not listed
    assert "SPU to take charge of all torture complaints in KZ-39" in text
    assert "Letter from the PGO, ref. 12/3" in text
    assert "OVERDUE" in text.replace(" ", "").upper() or "OVERDUE" in text
    assert "publish refusal statistics" not in text


def test_names_only_where_identity_public(two_sessions: tuple[Engine, int]) -> None:
    engine, sid = two_sessions
    data = pack.pack_data(engine=engine, principal=SEC, session_id=sid)
    by_id = {c.case_id: c for c in data.docket}
    assert by_id["PRIV-001"].name is None
    assert by_id["DOC-BAI"].name == "Ruslan Baimagambetov"
    text = _text(pack.render_pdf(data))
    assert SECRET not in text
    assert "Ruslan Baimagambetov" in text


def test_pack_is_for_committee_roles_only(two_sessions: tuple[Engine, int]) -> None:
    engine, sid = two_sessions
    for role in ("spu_head", "observer"):
        with pytest.raises(AccessDenied):
            pack.pack_data(engine=engine, principal=Principal("x", role), session_id=sid)


def test_render_from_plain_data_without_a_database() -> None:
    """render_pdf is pure: a first session with no docket and no recommendations still renders."""
    data = pack.PackData(
        title="Empty",
        session_date=date(2016, 3, 1),
        period="2015-H2",
        as_of=date(2015, 12, 31),
        status="planned",
        members=[],
        snapshot_taken_at="2016-01-05T10:00:00",
        generated_at=datetime(2016, 2, 1, tzinfo=UTC),
        generated_by="sec",
        events_known_on=date(2016, 2, 1),
        headline=[
            PackFigure("complaints", "Complaints", 0, 0, None),
            PackFigure("spu_involvement_rate", "SPU involvement", None, 0, 0),
        ],
        trend=[{"title": "Empty", "period": "2015-H2", "indicator": "complaints", "value": 0.0}],
        docket=[],
        recommendations=[],
    )
    text = _text(pack.render_pdf(data))
    assert "first session" in text
    assert "No cases on the docket." in text and "No open recommendations." in text
    assert "no cases" in text  # an empty denominator is never shown as 0 %


def test_bundled_font_covers_kazakh_letters() -> None:
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools

    bundled = ROOT / "dashboard" / "resources" / "fonts" / "DejaVuSans.ttf"
    assert bundled.is_file()
    cmap = TTFont(str(bundled)).getBestCmap()
    assert all(ord(ch) in cmap for ch in "ӘәҒғҚқҢңӨөҰұҮүҺһІіЖжЩщ")


def test_pack_works_without_system_fonts(two_sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine without fonts-dejavu-core the copy inside the package is used."""
    engine, sid = two_sessions
    monkeypatch.setattr(document, "_SYSTEM_FONTS", Path("/nonexistent"))
    document.font_path.cache_clear()
    try:
        assert "dashboard/resources/fonts" in str(document.font_path(""))
        text = _text(pack.session_pack_pdf(engine=engine, principal=MEM, session_id=sid))
    finally:
        document.font_path.cache_clear()
    assert "Қысқы сессия" in text
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "export")).all()
    assert [(r.username, r.entity, r.entity_id) for r in rows] == [
        ("mem", "committee_session", str(sid))
    ]


def test_pack_shows_context_notes_and_data_quality(two_sessions: tuple[Engine, int]) -> None:
    engine, sid = two_sessions
    note = "The 2012-H2 rise in KZ-39 follows a PMC visit."
    add_note(
        engine=engine,
        principal=SEC,
        indicator="spu_involvement_rate",
        period="2012-H2",
        region="KZ-39",
        text=note,
    )
    other = add_note(
        engine=engine,
        principal=SEC,
        indicator="complaints",
        period="2012-H1",
        region=None,
        text="Earlier half-year: not in this pack.",
    )
    gone = add_note(
        engine=engine,
        principal=SEC,
        indicator="complaints",
        period="2012-H2",
        region=None,
        text="Retracted note.",
    )
    retract_note(engine=engine, principal=SEC, note_id=gone.id)
    data = pack.pack_data(engine=engine, principal=MEM, session_id=sid, today=date(2013, 2, 1))
    assert [(n.title, n.region, n.text) for n in data.context_notes] == [
        ("SPU involvement", "KZ-39", note)
    ]
    assert other.id
    text = " ".join(_text(pack.render_pdf(data)).split())
    assert "Context notes" in text
    assert f"SPU involvement · Kostanay Region: {note}" in text
    assert "Retracted note." not in text and "Earlier half-year" not in text
    # every headline figure carries its share of incomplete cases in the table
    assert "Incomplete data" in text
    assert all(f.quality is not None for f in data.headline)


def test_russian_pack_names_not_codes_with_pages_contents_and_confidentiality(
    two_sessions: tuple[Engine, int],
) -> None:
    engine, sid = two_sessions
    committee.remove_docket_case(
        engine=engine,
        principal=SEC,
        session_id=sid,
        case_id="DOC-BAI",
        reason="Рассмотрено на прошлой сессии",
    )
    set_language("ru")
    pdf = pack.session_pack_pdf(
        engine=engine, principal=MEM, session_id=sid, today=date(2013, 2, 1)
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "session-pack-ru.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() or "" for p in reader.pages]
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert "Конфиденциально — только для членов комитета" in flat, i
        assert f"Страница {i} из {n}" in flat, i
    text = " ".join(" ".join(pages).split())
    assert "Содержание" in text and "3. Перечень дел" in text
    # case ids and free text (summaries, recommendations, evidence: written by people, in any
    # language) aside, the text must have no code, no English status, no None
    data = pack.pack_data(engine=engine, principal=MEM, session_id=sid, today=date(2013, 2, 1))
    free = [c.summary or "" for c in data.docket] + [c.case_id for c in data.docket]
    free += [r.text for r in data.recommendations] + [case_id for case_id, _ in data.removed]
    free += [h["evidence"] or "" for r in data.recommendations for h in r.history]
    text = " ".join(re.sub(r"Конфиденциально — только для членов комитета", " ", text).split())
    text = " ".join(re.sub(r"Страница \d+ из \d+", " ", text).split())  # page breaks
    for item in sorted(free, key=len, reverse=True):
        text = text.replace(" ".join(item.split()), "")
    assert defects(text, english=False) == []
    assert "Костанайская область" in text  # KZ-39 by name
    assert "Рассмотрено на прошлой сессии" in text  # the manual removal's reason
    assert not re.search(r"\d\.\d+\s?%", text)  # the decimal mark is a comma
