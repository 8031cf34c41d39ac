"""The accountability loop: reports, submissions, publication, attachments, the two voices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard import committee
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.committee import accountability as acc
from dashboard.committee import attachments
from dashboard.i18n import set_language
from db.models import AuditLog
from tests.committee.loop_fixtures import (
    IID,
    OBS,
    PDF_BYTES,
    PGO,
    PNG_BYTES,
    SEC,
    SPU,
    Loop,
    build,
    docx_bytes,
    plain_zip_bytes,
    tracker_sheet,
    xlsx_bytes,
)

ON_TIME = date(2013, 3, 1)  # before the default deadline (session + 90 days = 2013-05-16)
LATE = date(2013, 6, 1)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    yield
    set_language("")  # back to the default for the next test


@pytest.fixture
def loop(engine: Engine) -> Loop:
    return build(engine)


def _report(loop: Loop, **kw) -> int:
    args = {
        "engine": loop.engine,
        "principal": PGO,
        "recommendation_id": loop.pgo_rec,
        "claimed_status": "implemented",
        "report_date": ON_TIME,
        "text": "Instruction No. 12 issued to all regional prosecutors by Ivan Petrov.",
        "today": ON_TIME,
    } | kw
    r = acc.submit_report(**args)
    assert r.id is not None
    return r.id


def test_files_are_typed_by_content_not_name() -> None:
    assert attachments.sniff(PDF_BYTES) == attachments.PDF
    assert attachments.sniff(PNG_BYTES) == "image/png"
    assert attachments.sniff(docx_bytes()) == attachments.DOCX
    assert attachments.sniff(xlsx_bytes()) == attachments.XLSX
    assert attachments.sniff(plain_zip_bytes()) is None  # a zip that is no office document
    problems = attachments.check(
        [
            attachments.Upload("report.pdf", b"plain text renamed to .pdf"),
            attachments.Upload("empty.png", b""),
            attachments.Upload("ok.docx", docx_bytes()),
        ]
    )
    assert [p.params["name"] for p in problems] == ["report.pdf", "empty.png"]


def test_size_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_ATTACHMENT_MAX_MB", "0.001")
    get_settings.cache_clear()
    (p,) = attachments.check([attachments.Upload("big.pdf", PDF_BYTES + b"x" * 2000)])
    assert p.params["limit"] == "0.0" and "MB" in p.msgid


def test_addressee_reports_on_its_own_recommendations_only(loop: Loop) -> None:
    rid = _report(loop, uploads=[attachments.Upload("order.pdf", PDF_BYTES)])
    with pytest.raises(committee.NotFound):
        _report(loop, principal=IID)  # the PGO's recommendation is not MVD_IID's
    with pytest.raises(AccessDenied):
        _report(loop, principal=OBS)
    frame = acc.voices_frame(engine=loop.engine, recommendation_ids=[loop.pgo_rec], today=ON_TIME)
    row = frame.row(0, named=True)
    assert (row["latest_claim"], row["reports"], row["claim_late"]) == ("implemented", 1, False)
    # the committee has not assessed "implemented": the tracker flags the disagreement once it
    # assesses otherwise
    assert row["disagree"] is False
    rec = committee.get_recommendation(
        engine=loop.engine, principal=SEC, recommendation_id=loop.pgo_rec
    )
    committee.record_status(
        engine=loop.engine,
        principal=SEC,
        recommendation_id=loop.pgo_rec,
        status="partly_implemented",
        status_date=ON_TIME,
        evidence="Applied in 9 of 20 regions.",
        expected_version=rec.version,
    )
    row = acc.voices_frame(engine=loop.engine, recommendation_ids=[loop.pgo_rec]).row(0, named=True)
    assert row["disagree"] is True
    with Session(loop.engine) as s:
        log = s.exec(select(AuditLog).where(AuditLog.entity == "progress_report")).one()
    assert log.entity_id == str(rid) and "Petrov" not in (log.after_json or "") + (log.detail or "")


def test_report_problems_say_what_and_where(loop: Loop) -> None:
    with pytest.raises(committee.WorkflowValidationError) as err:
        _report(
            loop,
            claimed_status="not_implemented",
            report_date=date(2030, 1, 1),
            text="short",
            uploads=[attachments.Upload("notes.txt", b"hello")],
        )
    assert [p.field for p in err.value.problems] == [
        "report_date",
        "text",
        "not_implemented_reason",
        "attachments",
    ]
    assert (
        acc.voices_frame(engine=loop.engine, recommendation_ids=[loop.pgo_rec])["reports"][0] == 0
    )


def test_late_report_and_missing_report(loop: Loop) -> None:
    frame = acc.voices_frame(
        engine=loop.engine, recommendation_ids=[loop.pgo_rec, loop.iid_rec], today=LATE
    )
    assert frame["report_overdue"].to_list() == [True, True]
    assert frame["reporting_deadline"][0] == date(2013, 5, 16)
    _report(loop, today=LATE, report_date=LATE)
    row = acc.voices_frame(engine=loop.engine, recommendation_ids=[loop.pgo_rec], today=LATE).row(
        0, named=True
    )
    assert (row["claim_late"], row["report_overdue"]) == (True, False)


def test_correction_names_the_report_it_corrects_numbered(loop: Loop) -> None:
    first = _report(loop)
    _report(
        loop,
        claimed_status="partly_implemented",
        corrects_id=first,
        text="Correction: the instruction reached 9 of 20 regions so far.",
    )
    line = acc.timeline(engine=loop.engine, principal=SEC, recommendation_id=loop.pgo_rec)
    reports = line.filter(line["voice"] == "report")
    assert reports["no"].to_list() == [1, 2]
    assert reports["corrects_no"].to_list() == [None, 1]
    assert reports["corrected_by_no"].to_list() == [2, None]
    latest = acc.voices_frame(engine=loop.engine, recommendation_ids=[loop.pgo_rec])
    assert latest["latest_claim"][0] == "partly_implemented"
    with pytest.raises(committee.WorkflowValidationError):
        _report(loop, corrects_id=9999)


def test_observer_reads_only_what_was_published(loop: Loop) -> None:
    rid = _report(
        loop,
        uploads=[
            attachments.Upload("order.pdf", PDF_BYTES),
            attachments.Upload("photo.png", PNG_BYTES),
        ],
    )
    line = acc.timeline(engine=loop.engine, principal=OBS, recommendation_id=loop.pgo_rec)
    report = line.filter(line["voice"] == "report").row(0, named=True)
    assert report["status"] == "implemented" and report["text"] is None  # status yes, text no
    assert report["author"] is None
    files = acc.files_of(engine=loop.engine, principal=SEC, voice="report", item_id=rid)
    pdf_id, png_id = files["id"].to_list()
    with pytest.raises(AccessDenied):
        acc.download(engine=loop.engine, principal=OBS, attachment_id=pdf_id)
    acc.publish(
        engine=loop.engine,
        principal=SEC,
        kind="report",
        item_id=rid,
        public_text="Instruction No. 12 issued to all regional prosecutors by [name withheld].",
        attachment_ids=[pdf_id],
    )
    line = acc.timeline(engine=loop.engine, principal=OBS, recommendation_id=loop.pgo_rec)
    text = line.filter(line["voice"] == "report")["text"][0]
    assert text.endswith("[name withheld].") and "Petrov" not in text
    assert acc.files_of(engine=loop.engine, principal=OBS, voice="report", item_id=rid)[
        "id"
    ].to_list() == [pdf_id]
    name, mime, data = acc.download(engine=loop.engine, principal=OBS, attachment_id=pdf_id)
    assert (name, mime, data) == ("order.pdf", attachments.PDF, PDF_BYTES)
    with pytest.raises(AccessDenied):
        acc.download(engine=loop.engine, principal=OBS, attachment_id=png_id)
    with Session(loop.engine) as s:
        actions = [
            (a.username, a.action)
            for a in s.exec(select(AuditLog).where(AuditLog.entity == "attachment")).all()
            if a.action != "create"
        ]
    assert actions == [
        ("obs", "download_refused"),
        ("obs", "download"),
        ("obs", "download_refused"),
    ]
    # the addressee's own agency sees its own original, another agency nothing at all
    own = acc.timeline(engine=loop.engine, principal=PGO, recommendation_id=loop.pgo_rec)
    assert "Petrov" in own.filter(own["voice"] == "report")["text"][0]
    with pytest.raises(committee.NotFound):
        acc.timeline(engine=loop.engine, principal=IID, recommendation_id=loop.pgo_rec)


def test_submissions_reach_observers_after_publication(loop: Loop) -> None:
    sub = acc.submit_evidence(
        engine=loop.engine,
        principal=OBS,
        recommendation_id=loop.pgo_rec,
        text="Our monitoring found two regions that never received the instruction.",
        uploads=[attachments.Upload("monitoring.xlsx", xlsx_bytes())],
    )
    other = Principal("obs2", "observer")
    unseen = acc.timeline(engine=loop.engine, principal=other, recommendation_id=loop.pgo_rec)
    assert unseen.filter(pl.col("voice") == "submission").is_empty()
    mine = acc.timeline(engine=loop.engine, principal=OBS, recommendation_id=loop.pgo_rec)
    assert mine.filter(pl.col("voice") == "submission")["text"][0].startswith("Our monitoring")
    assert sub.id is not None
    acc.publish(
        engine=loop.engine,
        principal=SEC,
        kind="submission",
        item_id=sub.id,
        public_text="Two regions never received the instruction.",
    )
    seen = acc.timeline(engine=loop.engine, principal=other, recommendation_id=loop.pgo_rec)
    assert seen.filter(pl.col("voice") == "submission")["text"].to_list() == [
        "Two regions never received the instruction."
    ]
    pending = acc.pending_publication(engine=loop.engine, principal=SEC)
    assert ("submission", sub.id) not in list(zip(pending["kind"], pending["item_id"], strict=True))
    assert ("recommendation", loop.pgo_rec) in list(
        zip(pending["kind"], pending["item_id"], strict=True)
    )


def test_spu_head_acts_as_the_spus_addressee(engine: Engine) -> None:
    loop = build(engine)
    rec = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=loop.session_id,
        kind="systemic",
        addressee="SPU",
        text="Take charge of every complaint involving death or serious injury.",
        due_date=date(2013, 9, 30),
        target_indicator="spu_involvement_rate",
    )
    assert rec.id is not None
    r = acc.submit_report(
        engine=engine,
        principal=SPU,
        recommendation_id=rec.id,
        claimed_status="in_progress",
        report_date=ON_TIME,
        text="A duty roster of special prosecutors was set up.",
        today=ON_TIME,
    )
    assert r.agency == "SPU"
    with pytest.raises(committee.NotFound):
        acc.timeline(engine=engine, principal=SPU, recommendation_id=loop.pgo_rec)


@pytest.mark.parametrize(("lang", "implemented"), [("en", "implemented"), ("kk", "орындалды")])
def test_observer_tracker_xlsx_has_both_voices_and_nothing_unpublished(
    loop: Loop, lang: str, implemented: str
) -> None:
    set_language(lang)  # the workbook is written in the reader's language, Kazakh too
    rid = _report(loop)
    xlsx = acc.export_tracker_xlsx(engine=loop.engine, principal=OBS)
    recs = tracker_sheet(xlsx, 1)
    assert recs.filter(pl.col("id") == loop.pgo_rec)["latest_claim"].item() == implemented
    reports = tracker_sheet(xlsx, 3)
    assert reports["report_text"].null_count() == reports.height == 1  # not published yet
    acc.publish(engine=loop.engine, principal=SEC, kind="report", item_id=rid, public_text="Done.")
    reports = tracker_sheet(acc.export_tracker_xlsx(engine=loop.engine, principal=OBS), 3)
    assert reports["report_text"].to_list() == ["Done."]
    workbook = pl.read_excel(xlsx, sheet_id=0)
    assert not any(
        v == "sec" for frame in workbook.values() for v in frame.to_pandas().values.ravel()
    )
