"""Attachments of progress reports, submissions and assessments: checked, stored, served.

The type is decided by the file's content, never its name: `filetype` (a small, dependency-free,
well-kept library of magic numbers) recognises PDF and images; DOCX and XLSX are zip archives,
so their `[Content_Types].xml` must declare a Word document or an Excel workbook as the main
part. Files live in the database (replicas share them) with their size and SHA-256. Who may
download a file is decided by the text it belongs to (dashboard.committee.accountability); every download
is audited.

>>> sniff(b"%PDF-1.7\\n...")
'application/pdf'
>>> sniff(b"just text") is None
True
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
import polars as pl
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.committee import Problem
from dashboard.config import get_settings
from dashboard.i18n import N_
from db.models import Attachment

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff", "image/bmp")
#: accepted content types (by content) -> the file extension used when one is missing
ACCEPTED: dict[str, str] = {
    PDF: "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "image/bmp": "bmp",
}
#: file-name extensions offered by the upload widget (the content decides, not these)
UPLOAD_EXTENSIONS = ("pdf", "docx", "xlsx", "png", "jpg", "jpeg", "gif", "webp", "tif", "tiff")
#: the main part an OOXML package must declare in [Content_Types].xml
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
#: what an attachment may belong to
OWNER_KINDS = ("report", "submission", "assessment")


@dataclass(frozen=True)
class Upload:
    """A file as uploaded: its name (as the user's computer called it) and its bytes."""

    filename: str
    data: bytes


def _ooxml_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    for mime, main in _OOXML_MAIN.items():
        if main in types:
            return mime
    return None


def sniff(data: bytes) -> str | None:
    """The accepted content type of `data`, judged by its content, or None."""
    kind = filetype.guess(data)
    if kind is None:
        return None
    if kind.mime in (DOCX, XLSX, "application/zip"):
        return _ooxml_type(data)
    return kind.mime if kind.mime in ACCEPTED else None


def max_bytes() -> int:
    return int(get_settings().attachment_max_mb * 1024 * 1024)


def _size_text(n: float) -> str:
    return f"{n / 1024 / 1024:.1f}"


def check(uploads: Sequence[Upload]) -> list[Problem]:
    """One problem per refused file: empty, too large, or not an accepted type."""
    problems: list[Problem] = []
    limit = max_bytes()
    for up in uploads:
        if not up.data:
            problems.append(Problem("attachments", N_("“{name}” is empty."), {"name": up.filename}))
        elif len(up.data) > limit:
            problems.append(
                Problem(
                    "attachments",
                    N_("“{name}” is {size} MB; files may be at most {limit} MB."),
                    {
                        "name": up.filename,
                        "size": _size_text(len(up.data)),
                        "limit": _size_text(limit),
                    },
                )
            )
        elif sniff(up.data) is None:
            problems.append(
                Problem(
                    "attachments",
                    N_(
                        "“{name}” is not a PDF, an image, a Word document (DOCX) or an Excel "
                        "workbook (XLSX); its content was checked, not its name."
                    ),
                    {"name": up.filename},
                )
            )
    return problems


def _safe_name(filename: str, mime: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    if "." not in name:
        name += "." + ACCEPTED[mime]
    return name[:200]


def add(
    s: Session, *, principal: Principal, owner_kind: str, owner_id: int, uploads: Sequence[Upload]
) -> list[Attachment]:
    """Store checked uploads for one owner, in the caller's transaction, each audited."""
    assert owner_kind in OWNER_KINDS
    rows = []
    for up in uploads:
        mime = sniff(up.data)
        assert mime is not None, "check() the uploads first"
        row = Attachment(
            owner_kind=owner_kind,
            owner_id=owner_id,
            filename=_safe_name(up.filename, mime),
            content_type=mime,
            size=len(up.data),
            sha256=hashlib.sha256(up.data).hexdigest(),
            data=up.data,
            uploaded_by=principal.username,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            actor=principal,
            action="create",
            entity="attachment",
            entity_id=row.id,
            after={"owner": f"{owner_kind}:{owner_id}", "type": mime, "size": row.size},
            detail=f"sha256={row.sha256}",
        )
        rows.append(row)
    return rows


def of_owner(s: Session, *, owner_kind: str, owner_id: int) -> Sequence[Attachment]:
    """The attachment rows of one owner (with their bytes: for changing them, not listing)."""
    return s.exec(
        select(Attachment).where(
            Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id
        )
    ).all()


ATTACHMENT_SCHEMA = {
    "id": pl.Int64,
    "owner_kind": pl.String,
    "owner_id": pl.Int64,
    "filename": pl.String,
    "content_type": pl.String,
    "size": pl.Int64,
    "sha256": pl.String,
    "published": pl.Boolean,
}


def frame(s: Session, *, owner_kind: str, owner_ids: Sequence[int | None]) -> pl.DataFrame:
    """Metadata (never the bytes) of the attachments of some owners, oldest first."""
    rows = (
        s.connection()
        .execute(
            select_columns(*(col(getattr(Attachment, name)) for name in ATTACHMENT_SCHEMA))
            .where(
                col(Attachment.owner_kind) == owner_kind,
                col(Attachment.owner_id).in_([i for i in owner_ids if i is not None]),
            )
            .order_by(col(Attachment.id))
        )
        .all()
    )
    return pl.DataFrame([tuple(r) for r in rows], schema=ATTACHMENT_SCHEMA, orient="row")
