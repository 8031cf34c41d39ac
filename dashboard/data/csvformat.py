"""How a CSV file is written: its encoding and its separator, recognised before it is read.

Russian-locale Excel saves "CSV (разделители — запятые)" with `;` as the separator (the list
separator of the locale, whose decimal mark is the comma) in Windows-1251, and "CSV UTF-8"
with a byte-order mark. The data contract's own files are UTF-8 with commas. So:

Encoding, a strict rule rather than a guess: a UTF-8 byte-order mark means UTF-8; a UTF-16
mark means UTF-16 (Excel's "Unicode text"); a file that is valid UTF-8 throughout is UTF-8;
anything else that decodes as Windows-1251 is Windows-1251; else the file is refused with what
to do. Why not a statistical detector (charset-normalizer, chardet): a contract file is mostly
codes and dates, with a few Russian words, and on such short evidence a detector may choose
KOI8-R or Mac-Cyrillic and garble the names without a word; the rule above cannot, because
Cyrillic text in Windows-1251 is practically never valid UTF-8 (its letters 0xC0-0xFF would
have to be followed by bytes 0x80-0xBF, mostly punctuation in Windows-1251).

Separator: the one of `,`, `;` and TAB that splits the header into the most columns of the
data contract (a comma on a tie, as the contract says).

>>> fmt = detect_bytes("case_id;region\\r\\nKST-1;KZ-39\\r\\n".encode("cp1251"))
>>> fmt.encoding, fmt.separator
('utf-8', ';')
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

#: separators tried on the header, the contract's first
SEPARATORS = (",", ";", "\t")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CsvFormat:
    """`encoding` is a Python codec name; `utf-8` files (with or without a BOM) are read as
    they are, the others are decoded to UTF-8 first."""

    encoding: str
    separator: str = ","
    bom: bool = False

    @property
    def is_utf8(self) -> bool:
        return self.encoding == "utf-8"

    @property
    def name(self) -> str:
        """How the user knows the encoding: "UTF-8 with BOM", "Windows-1251" ..."""
        names = {"utf-8": "UTF-8", "cp1251": "Windows-1251", "utf-16": "UTF-16"}
        return names[self.encoding] + (" BOM" if self.bom and self.encoding == "utf-8" else "")


def detect(path: Path, columns: Collection[str]) -> CsvFormat | None:
    """The file's format, or None when it is neither UTF-8, UTF-16 nor Windows-1251."""
    encoding, bom = _encoding(path)
    if encoding is None:
        return None
    return CsvFormat(encoding, _separator(_first_line(path, encoding), columns), bom)


def detect_bytes(data: bytes, columns: Collection[str] = ("case_id", "region")) -> CsvFormat:
    """`detect` for content in memory (doctests, callers holding the bytes)."""
    encoding, bom = _encoding_of(io.BytesIO(data))
    enc = encoding or "utf-8"
    text = decode(data, CsvFormat(enc, bom=bom))
    return CsvFormat(enc, _separator(text.split("\n", 1)[0], columns), bom)


def decode(data: bytes, fmt: CsvFormat) -> str:
    """The file's text (a BOM removed; undecodable bytes replaced, for messages only)."""
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(fmt.encoding, fmt.encoding)
    return data.decode(codec, "replace")


def header(path: Path, fmt: CsvFormat) -> list[str]:
    """The header row's cells."""
    return next(csv.reader([_first_line(path, fmt.encoding)], delimiter=fmt.separator), [])


def as_utf8(path: Path, fmt: CsvFormat) -> bytes:
    """The file's content re-encoded as UTF-8 (for a reader that reads UTF-8 only)."""
    return decode(path.read_bytes(), fmt).encode("utf-8")


def _encoding(path: Path) -> tuple[str | None, bool]:
    with path.open("rb") as f:
        return _encoding_of(f)


def _encoding_of(f: io.BufferedIOBase | io.BytesIO) -> tuple[str | None, bool]:
    head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    f.seek(0)
    # UTF-8 throughout? Checked in chunks with an incremental decoder: a large file is never
    # held in memory for this. Windows-1251 only when it is not (decoding a file as both took
    # a tenth of a second at 60 MB, issue 19)
    if _decodes(f, "utf-8"):
        return "utf-8", False
    f.seek(0)
    return ("cp1251" if _decodes(f, "cp1251") else None), False


def _decodes(f: io.BufferedIOBase | io.BytesIO, encoding: str) -> bool:
    """Whether the rest of `f` is text in `encoding` (a character cut at the end is not)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := f.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _first_line(path: Path, encoding: str) -> str:
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    with path.open(encoding=codec, errors="replace", newline="") as f:
        return f.readline().rstrip("\r\n")


def _separator(line: str, columns: Collection[str]) -> str:
    known = set(columns)

    def score(sep: str) -> int:
        cells = next(csv.reader([line], delimiter=sep), [])
        return sum(cell.strip() in known for cell in cells)

    best = max(SEPARATORS, key=score)  # max keeps the first of equals: the comma
    return best if score(best) > 0 else ","
