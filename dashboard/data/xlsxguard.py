"""Checks on an XLSX file before any spreadsheet reader opens it.

An XLSX is a zip of XML parts, and a reader trusts both: a 2 KB file whose one cell sits at
XFD1048576 makes the reader allocate the whole rectangle (512 GiB), a shared-strings part that
compresses 1000:1 fills the memory, and a formula cell stores whatever cached text came with
it. `check_xlsx` reads every part once, streaming, with the standard library only (zipfile
checks each part's CRC and stops at its declared size; expat checks that the XML is whole and
has no DTD), and refuses the file before the reader sees it when:

- it is not a zip, a part is damaged, or a part's XML is truncated or declares a DTD;
- the parts' uncompressed size exceeds the budget, or a large part is compressed suspiciously
  well (a zip bomb);
- a sheet's declared dimension or its furthest cell lies beyond the row limit or the
  contract's columns, or the cells the reader would allocate exceed the memory budget;
- a text run in a part is longer than any contract cell may be;
- a cell holds a formula (the cell is named).

Problems are (part, cell or "-", reason, value) tuples; the importer turns them into its own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from dashboard.i18n import N_, Message

#: bytes read from a part at a time
_CHUNK = 1 << 20
#: bytes of the previous chunk kept in front of the next, so a tag split by a chunk is seen
_OVERLAP = 4096
#: parts larger than this (uncompressed) must not be compressed better than _MAX_RATIO:1
_RATIO_FROM = 1 << 20
_MAX_RATIO = 200
#: the reader's memory per allocated cell (calamine's Data: 32 bytes, plus slack for text)
BYTES_PER_CELL = 48
#: columns a sheet may span: the contract's widest table plus room for a few unknown ones
MAX_COLUMNS = 64

_CELL = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]{1,3})(\d{1,7})\"")
_ROW = re.compile(rb"<row\b[^>]*?\sr=\"(\d{1,7})\"")
_DIMENSION = re.compile(rb"<dimension\b[^>]*?\sref=\"([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)\"")
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]{0,200}))")
_CELL_START = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]{1,3}\d{1,7})\"[^>]*>")
_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


@dataclass(frozen=True)
class Limits:
    """What a file may hold (settings: import_max_rows, import_max_xlsx_mb, import_memory_mb)."""

    max_rows: int
    max_uncompressed: int  # bytes, all parts together
    memory: int  # bytes the reader may allocate for cells
    max_cell_bytes: int  # longest text run in a part (UTF-8 bytes)


@dataclass(frozen=True)
class XlsxProblem:
    part: str  # sheet name (when known) or the part's path in the zip, "-" for the file
    cell: str  # cell reference ("D7") or "-"
    message: Message
    value: str = ""

    @property
    def reason(self) -> str:
        return str(self.message)


class _Refused(Exception):
    def __init__(self, problem: XlsxProblem) -> None:
        self.problem = problem


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384.

    >>> column_number("XFD")
    16384
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_xlsx(path: Path, limits: Limits) -> list[XlsxProblem]:
    """Every reason to refuse `path` before reading it (empty: safe to hand to the reader)."""
    try:
        with zipfile.ZipFile(path) as z:
            return _check_zip(z, limits)
    except zipfile.BadZipFile as exc:
        return [
            XlsxProblem(
                "-", "-", Message(N_("not a readable XLSX file (damaged zip archive)")), str(exc)
            )
        ]
    except _Refused as exc:
        return [exc.problem]
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        return [
            XlsxProblem(
                "-", "-", Message(N_("not a readable XLSX file (damaged zip archive)")), str(exc)
            )
        ]


def _check_zip(z: zipfile.ZipFile, limits: Limits) -> list[XlsxProblem]:
    infos = z.infolist()
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed:
        raise _Refused(
            XlsxProblem(
                "-",
                "-",
                Message(
                    N_("too large once unpacked (limit {limit} MB)"),
                    {"limit": limits.max_uncompressed >> 20},
                ),
                f"{declared >> 20} MB",
            )
        )
    for info in infos:
        if info.file_size > _RATIO_FROM and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise _Refused(
                XlsxProblem(
                    info.filename,
                    "-",
                    Message(N_("compressed suspiciously well: refused as a possible zip bomb")),
                    f"{info.file_size >> 20} MB from {info.compress_size >> 10} KB",
                )
            )
    names = _sheet_names(z)
    problems: list[XlsxProblem] = []
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        label = names.get(info.filename, info.filename)
        scan = _PartScan(label, info.filename.startswith("xl/worksheets/"), limits)
        for chunk in _chunks(z, info):
            total += len(chunk)
            if total > limits.max_uncompressed:  # declared sizes can lie; zipfile stops there
                raise _Refused(
                    XlsxProblem(
                        "-", "-", Message(N_("too large once unpacked")), f"> {total >> 20} MB"
                    )
                )
            scan.feed(chunk)
        scan.close()
        problems += scan.problems
    return problems


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with z.open(info) as f:  # raises BadZipFile on a CRC mismatch at the end
        while chunk := f.read(_CHUNK):
            yield chunk


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Part path -> sheet name, from workbook.xml and its relationships (best effort)."""
    try:
        book = _small_part(z, "xl/workbook.xml")
        rels = _small_part(z, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        rel_id = re.search(rb"\sId=\"([^\"]*)\"", m[0])
        to = re.search(rb"\sTarget=\"([^\"]*)\"", m[0])
        if rel_id and to:
            targets[rel_id[1].decode()] = to[1].decode()
    out = {}
    for m in re.finditer(rb"<sheet\b[^>]*>", book):
        tag = m[0]
        name = re.search(rb"\sname=\"([^\"]*)\"", tag)
        rid = re.search(rb"\sr:id=\"([^\"]*)\"", tag)
        if name and rid and rid[1].decode() in targets:
            path = targets[rid[1].decode()]
            part = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
            out[str(PurePosixPath(part))] = _unescape(name[1].decode("utf-8", "replace"))
    return out


def _small_part(z: zipfile.ZipFile, name: str) -> bytes:
    info = z.getinfo(name)
    if info.file_size > _CHUNK:
        return b""
    return z.read(info)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


class _PartScan:
    """Streaming checks on one part: XML well-formed, no DTD, text runs, cells, formulas."""

    def __init__(self, label: str, is_sheet: bool, limits: Limits) -> None:
        self.label, self.is_sheet, self.limits = label, is_sheet, limits
        self.problems: list[XlsxProblem] = []
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.tail = b""
        self.run = 0  # length of the text run (no '<') at the end of the data so far
        self.max_row = self.max_col = self.rows = 0
        self.formulas: list[tuple[str, str]] = []
        self.done = False

    def _doctype(self, *_: object) -> None:
        raise _Refused(
            XlsxProblem(self.label, "-", Message(N_("XML with a DTD is not accepted")), "")
        )

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as exc:
            raise _Refused(self._xml_problem(exc)) from None
        self._runs(chunk)
        if self.is_sheet:
            self._cells(self.tail + chunk)
            self.tail = chunk[-_OVERLAP:]

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _Refused(self._xml_problem(exc)) from None
        if not self.is_sheet:
            return
        cols = self.max_col
        rows = max(self.max_row, self.rows)
        if rows - 1 > self.limits.max_rows:
            self._refuse(
                "-", N_("more rows than the limit of {limit}"), rows - 1, self.limits.max_rows
            )
        if cols > MAX_COLUMNS:
            self._refuse("-", N_("more columns than the limit of {limit}"), cols, MAX_COLUMNS)
        if rows * cols * BYTES_PER_CELL > self.limits.memory:
            self._refuse(
                "-",
                N_("too many cells to read within the memory budget of {limit} MB"),
                f"{rows} x {cols}",
                self.limits.memory >> 20,
            )
        for ref, formula in self.formulas:
            self.problems.append(
                XlsxProblem(
                    self.label,
                    ref,
                    Message(N_("a formula, not a value: enter the value itself")),
                    formula,
                )
            )

    def _refuse(self, cell: str, reason: str, value: object, limit: int) -> None:
        raise _Refused(XlsxProblem(self.label, cell, Message(reason, {"limit": limit}), str(value)))

    def _xml_problem(self, exc: expat.ExpatError) -> XlsxProblem:
        reason = Message(N_("damaged XML (truncated or not well-formed)"))
        return XlsxProblem(
            self.label, "-", reason, f"{expat.ErrorString(exc.code)}, line {exc.lineno}"
        )

    def _runs(self, chunk: bytes) -> None:
        limit = self.limits.max_cell_bytes
        first = chunk.find(b"<")
        if first == -1:
            self.run += len(chunk)
        else:
            self.run += first
            if self.run <= limit and re.search(rb"[^<]{%d,}" % (limit + 1), chunk) is None:
                self.run = len(chunk) - chunk.rfind(b"<") - 1
            else:
                self.run = limit + 1
        if self.run > limit:
            self._refuse("-", N_("a text longer than {limit} bytes"), "…", limit)

    def _cells(self, data: bytes) -> None:
        for m in _DIMENSION.finditer(data):
            last = m[1].decode().split(":")[-1]
            col, row = _REF.match(last).groups()  # type: ignore[union-attr]
            if int(row) - 1 > self.limits.max_rows or column_number(col) > MAX_COLUMNS:
                self._refuse(
                    "-",
                    N_("the sheet declares a size beyond {limit} rows or the contract's columns"),
                    m[1].decode(),
                    self.limits.max_rows,
                )
        for m in _CELL.finditer(data):
            self.max_col = max(self.max_col, column_number(m[1].decode()))
            self.max_row = max(self.max_row, int(m[2]))
        self.rows += data.count(b"<row") - self.tail.count(b"<row")
        for m in _ROW.finditer(data):
            self.max_row = max(self.max_row, int(m[1]))
        if b"<f" in data:
            self._formulas(data)

    def _formulas(self, data: bytes) -> None:
        seen = {ref for ref, _ in self.formulas}
        starts = list(_CELL_START.finditer(data))
        for f in _FORMULA.finditer(data):
            cell = next((s for s in reversed(starts) if s.end() <= f.start()), None)
            if cell is None:
                continue
            ref = cell[1].decode()
            if ref not in seen:
                seen.add(ref)
                text = _unescape((f[1] or b"").decode("utf-8", "replace"))
                self.formulas.append((ref, "=" + text if text else "="))
