"""What an import reads into and produces: the problems it reports, the raw frames (every cell
as text, with its file and line), what the database holds for the touched cases, and the
canonical contract frames (`canonical`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from dashboard.data import contract as c
from dashboard.i18n import Message

#: the formula escape (see module docstring): a leading run of apostrophes before = + - @,
#: TAB or CR (OWASP's list of characters a spreadsheet may read as the start of a formula)
ESCAPED = r"^'+[=+\-@\t\r]"
NEEDS_ESCAPE = r"^'*[=+\-@\t\r]"
_MAX_SHOWN = 100
_META = ("_file", "_line")
#: the event columns an import reads: the contract's and its optional extensions
EVENT_INPUT = c.EVENT_COLUMNS + c.EVENT_EXTENSIONS


@dataclass(frozen=True)
class ImportProblem:
    """One invalid cell (or header, or file): `FILE:LINE: COLUMN: reason (got 'VALUE')`."""

    file: str
    line: int
    column: str
    message: Message
    value: str | None = None

    @property
    def reason(self) -> str:
        """The reason in English, as the command line prints it."""
        return str(self.message)

    def __str__(self) -> str:
        value = "" if self.value is None else str(self.value)
        if len(value) > _MAX_SHOWN:
            value = value[:_MAX_SHOWN] + "…"
        return f"{self.file}:{self.line}: {self.column}: {self.reason} (got '{value}')"


class ImportValidationError(Exception):
    """The files are invalid; `.problems` lists every problem, in file and line order."""

    def __init__(self, problems: Sequence[ImportProblem]):
        self.problems = sorted(problems, key=_problem_key)
        super().__init__(f"{len(self.problems)} problem(s); nothing was imported")

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))


@dataclass(frozen=True)
class ContractFrames:
    """Cases and events in the canonical schema (contract.CASE_SCHEMA / EVENT_SCHEMA)."""

    cases: pl.DataFrame
    events: pl.DataFrame


@dataclass
class Raw:
    """Text frames (contract columns + _file, _line) as read, before any check."""

    cases: pl.DataFrame
    events: pl.DataFrame
    #: file label -> required columns its header lacks (reported once, not per row)
    missing: dict[str, set[str]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    #: optional event columns (contract.EVENT_EXTENSIONS) that some file holds: only these
    #: are written, so an import without them leaves the stored values alone
    extensions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Stored:
    """What the database holds for the cases an import touches."""

    cases: pl.DataFrame  # case_id, incident_date
    events: pl.DataFrame  # case_id, seq, event_date, retracted
    #: every stored case_id (to compare case ids regardless of letter case)
    ids: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"case_id": pl.String}))


def canonical(raw: Raw) -> ContractFrames:
    """Valid text frames -> canonical frames with the contract's defaults, sorted."""
    defaults = {
        "identity_public": False,
        "synthetic": False,
        "victim_sex": "unknown",
        "medical_evidence": "none",
    }
    case_cols = []
    for n in c.CASE_COLUMNS:
        col = pl.col(n)
        if n in c.CASE_BOOL_COLUMNS:
            col = pl.when(col.is_null()).then(None).otherwise(col == c.BOOL_TRUE)
        col = col.cast(c.CASE_SCHEMA[n])
        case_cols.append((col.fill_null(defaults[n]) if n in defaults else col).alias(n))
    cases = in_key_order(raw.cases.select(case_cols), "case_id")
    spu_trigger = (
        pl.when((pl.col("event_type") == "spu_involved") & pl.col("trigger").is_null())
        .then(pl.lit("unknown"))
        .otherwise(pl.col("trigger"))
    )
    events = raw.events.select(
        pl.col(n).cast(c.EVENT_SCHEMA.get(n, pl.String()))
        if n != "trigger"
        else spu_trigger.alias(n)
        for n in c.EVENT_COLUMNS + tuple(e for e in c.EVENT_EXTENSIONS if e in raw.extensions)
    )
    return ContractFrames(cases=cases, events=in_key_order(events, "case_id", "seq"))


def in_key_order(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    """`frame.sort(*keys)`, skipped when the rows are in that order already (files usually are).

    Sorting a million events by the text case_id took about a second; checking the order takes
    a fiftieth of that. Nulls in a key: sorted as usual.

    >>> frame = pl.DataFrame({"k": ["a", "a", "b"], "n": [1, 2, 1]})
    >>> in_key_order(frame, "k", "n") is frame, in_key_order(frame, "n")["k"].to_list()
    (True, ['a', 'b', 'a'])
    """
    return frame if is_in_order(frame, [pl.col(k) for k in keys]) else frame.sort(*keys)


def is_in_order(frame: pl.DataFrame, keys: Sequence[pl.Expr]) -> bool:
    """Whether the rows are sorted by `keys` (ties allowed) and no key is ever null."""
    earlier = pl.lit(False)  # this row sorts before the one above it
    for col in reversed(keys):
        above = col.shift(1)
        earlier = (col < above) | ((col == above) & earlier)
    return frame.select(
        earlier.fill_null(False).any().not_()
        & pl.any_horizontal(k.is_null().any() for k in keys).not_()
    ).item()


def _problem_key(p: ImportProblem) -> tuple[str, int, int]:
    order = c.CASE_COLUMNS + EVENT_INPUT
    return (p.file, p.line, order.index(p.column) if p.column in order else -1)
