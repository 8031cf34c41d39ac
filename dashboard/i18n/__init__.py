"""Interface language: gettext catalogs (Babel .po files under dashboard/locale), the glossary,
and locale formatting of numbers, percentages and contract dates.

Source strings are English; `t("...")` returns the current language's translation.
The current language lives in a context variable so each Streamlit script run (one thread
per user session) has its own. Vocabulary values (event types, agencies, statuses ...) are shown
through `label(vocab, code)`: their English names and their Russian and Kazakh terms are chosen
once, in dashboard/i18n/glossary.csv (Criminal Procedure Code terms), and reach the catalogs with the
vocabulary as gettext context (`python -m dashboard i18n update`). The .po files are read directly
(no compile step), so a fresh clone works as is.

>>> set_language("ru"); label("event_type", "refusal_to_open")
'Отказ в возбуждении уголовного дела'
>>> format_date("2012-07-03"), format_percent(0.4231)
('03.07.2012', '42,3\xa0%')
"""

from __future__ import annotations

import contextvars
import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as _format_percent

from dashboard.config import get_settings
from dashboard.data.contract import ImpreciseDate, regions

LANGUAGES = ("ru", "kk", "en")
#: each language's own name, for the language switch (never translated)
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
#: Babel locale used for formatting (English dates the British way, as the report writes them)
BABEL_LOCALES = {"ru": "ru", "kk": "kk", "en": "en_GB"}
DOMAIN = "messages"
GLOSSARY = "glossary.csv"
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "oversight_lang", default=None
)


def default_language() -> str:

    lang = get_settings().language
    return lang if lang in LANGUAGES else "ru"


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else default_language())


def get_language() -> str:
    return _current.get() or default_language()


# --- catalogs ---------------------------------------------------------------------------------


@cache
def _read(lang: str) -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> msgstr of one language's .po file (empty and fuzzy entries skipped)."""

    path = resources.files("dashboard.i18n").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {
        (m.context, str(m.id)): str(m.string)
        for m in cat
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr for one language (messages without a context; empty translations skipped)."""
    return {msgid: text for (ctx, msgid), text in _read(lang).items() if ctx is None}


def reload_catalogs() -> None:
    """Forget the parsed catalogs (after `i18n update` rewrote them in a running process)."""
    _read.cache_clear()
    catalog.cache_clear()


def here(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`fn` for polars' `map_elements`, run in the interface language of the caller: polars
    evaluates expressions on its own worker threads, where this run's language is not set
    (so a label came out in the default language: Russian on a Kazakh screen).

    >>> import polars as pl
    >>> set_language("kk")
    >>> df = pl.DataFrame({"a": ["SPU"] * 3, "b": ["SPU"] * 3})
    >>> df.with_columns(pl.col(c).map_elements(here(lambda v: get_language()),
    ...     return_dtype=pl.String) for c in "ab").row(0)
    ('kk', 'kk')
    """
    lang = get_language()

    def run(value: Any) -> Any:
        token = _current.set(lang)
        try:
            return fn(value)
        finally:
            _current.reset(token)

    return run


def t(msgid: str, /, **kwargs: object) -> str:
    """Translate `msgid` to the current language; `{name}` placeholders filled from kwargs.

    >>> set_language("en"); t("{n} cases", n=3)
    '3 cases'
    """
    text = catalog(get_language()).get(msgid, msgid)
    return text.format(**kwargs) if kwargs else text


def pt(context: str, msgid: str, /, **kwargs: object) -> str:
    """Translate `msgid` within a gettext context (msgctxt), e.g. a vocabulary's name."""
    text = _read(get_language()).get((context, msgid), msgid)
    return text.format(**kwargs) if kwargs else text


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now (module-level constants)."""
    return msgid


# --- glossary and vocabulary labels ---------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One glossary row: `key` is 'vocabulary:code' (or 'term:name' for a general term)."""

    key: str
    en: str
    ru: str
    kk: str
    source: str

    @property
    def context(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def code(self) -> str:
        return self.key.split(":", 1)[1]

    def text(self, lang: str) -> str:
        return {"ru": self.ru, "kk": self.kk}.get(lang, self.en)


@cache
def glossary() -> dict[str, Term]:
    """key -> Term, in the file's order (dashboard/i18n/glossary.csv)."""
    text = resources.files("dashboard.i18n").joinpath(GLOSSARY).read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["key"]: Term(**{k: (v or "").strip() for k, v in r.items()}) for r in rows}


def vocabularies() -> tuple[str, ...]:
    """Names of the vocabularies the glossary labels (event_type, agency, state ...)."""
    return tuple(dict.fromkeys(term.context for term in glossary().values()))


def label(vocab: str, code: str | None) -> str:
    """The display name of a vocabulary value in the current language; an unknown code as is.

    >>> set_language("kk"); label("agency", "SPU")
    'Арнаулы прокурорлар бөлімшесі'
    """
    if code is None or code == "":
        return ""
    term = glossary().get(f"{vocab}:{code}")
    if term is None:
        return str(code)
    return pt(vocab, term.en)


def labels(vocab: str, codes: str | list[str] | None, sep: str = "; ") -> str:
    """Several values (a list, or the contract's 'a;b' cell) as one display string."""
    if codes is None:
        return ""
    items = codes.split(";") if isinstance(codes, str) else list(codes)
    return sep.join(label(vocab, c.strip()) for c in items if c and c.strip())


def options(vocab: str) -> dict[str, str]:
    """code -> display name for every value of a vocabulary (for select boxes' format_func)."""
    prefix = vocab + ":"
    return {
        term.code: pt(vocab, term.en) for key, term in glossary().items() if key.startswith(prefix)
    }


#: table column -> the vocabulary of its values (for `label_columns`)
COLUMN_VOCABULARY: dict[str, str] = {
    "accused_agency": "agency",
    "agency": "agency",
    "to_agency": "agency",
    "addressee": "agency",
    "victim_sex": "victim_sex",
    "victim_status": "victim_status",
    "place_type": "place_type",
    "allegations": "allegations",
    "harm": "harm",
    "medical_evidence": "medical_evidence",
    "complaint_channel": "complaint_channel",
    "event_type": "event_type",
    "qualification": "qualification",
    "detail": "detail",
    "trigger": "trigger",
    "spu_trigger": "trigger",
    "spu_mode": "spu_mode",
    "state": "state",
}


def label_columns(df: Any, columns: dict[str, str] | None = None) -> Any:
    """A polars frame with its vocabulary columns' codes replaced by their display names.

    `columns` maps column -> vocabulary (default: COLUMN_VOCABULARY, for the columns present);
    `allegations` cells ("beating;burns") become "Избиение; Ожоги". Unknown codes stay as they
    are; nulls stay null.

    >>> import polars as pl
    >>> set_language("ru"); label_columns(pl.DataFrame({"harm": ["death"]}))["harm"][0]
    'Смерть'
    """

    mapping = columns if columns is not None else COLUMN_VOCABULARY
    exprs = []
    for name, vocab in mapping.items():
        if name not in df.columns:
            continue
        names = options(vocab)
        col = pl.col(name).cast(pl.String)
        if vocab == "allegations":
            expr = (
                col.str.split(";")
                .list.eval(pl.element().str.strip_chars().replace(names))
                .list.join("; ")
            )
        else:
            expr = col.replace(names)
        exprs.append(expr.alias(name))
    return df.with_columns(exprs) if exprs else df


def column_label(name: str) -> str:
    """A table header: a per-case metric (indicators.md) or a contract column, translated.

    >>> set_language("ru"); column_label("stagnation_days"), column_label("accused_agency")
    ('Дней без движения', 'Ведомство обвиняемых сотрудников')
    """
    for vocab in ("metric", "column"):
        if f"{vocab}:{name}" in glossary():
            return label(vocab, name)
    return name


def region_name(code: str | None) -> str:
    """A region's name from regions.csv in the current language; an unknown code as is."""

    if not code:
        return ""
    for r in regions():
        if r.code == code:
            return r.name(get_language())
    return code


# --- locale formatting (Babel) -----------------------------------------------------------------


def babel_locale(lang: str | None = None) -> str:
    return BABEL_LOCALES.get(lang or get_language(), "ru")


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """A number in the locale: '12 345,7' in ru/kk, '12,345.7' in en; '' when missing.

    `decimals` fixes the digits after the separator; None keeps up to three, as needed.
    """

    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value, locale=babel_locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=babel_locale(), decimal_quantization=True)


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A share 0..1 as a percentage in the locale: '42,3 %' (ru), '42,3%' (kk), '42.3%' (en)."""

    if value is None:
        return ""
    loc = Locale.parse(babel_locale())
    pattern = loc.percent_formats[None].pattern
    if decimals > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return _format_percent(value, format=pattern, locale=loc, decimal_quantization=True)


def format_date(value: object) -> str:
    """A date in the locale, keeping a contract date's precision.

    Day: '03.07.2012' (ru, kk), '3 Jul 2012' (en); month: '~июль 2012 г.', '~2012 ж. шілде',
    '~Jul 2012'; year: '~2012'. Accepts a date, a datetime, a contract date string or an
    ImpreciseDate; '' for a missing value; text that is not a date is returned unchanged.
    """

    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = ImpreciseDate.parse(value)
        except ValueError:
            return str(value)
    loc = babel_locale()
    if isinstance(value, date):
        return _format_date(value, "d MMM y" if loc.startswith("en") else "dd.MM.y", locale=loc)
    if isinstance(value, ImpreciseDate):
        if value.precision == "day":
            return format_date(value.start)
        if value.precision == "month":
            skeleton = "yMMM" if loc.startswith("en") else "yMMMM"
            return "~" + format_skeleton(skeleton, value.start, locale=loc)
        return f"~{value.start.year}"
    return str(value)


def format_datetime(value: datetime | None) -> str:
    """A moment (audit log, snapshots) in the locale, to the minute: '03.07.2012 14:05'."""

    if value is None:
        return ""
    loc = babel_locale()
    pattern = "d MMM y HH:mm" if loc.startswith("en") else "dd.MM.y HH:mm"
    return _format_datetime(value, pattern, locale=loc)


# --- importer messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message as an English msgid and its placeholders, translated only when shown; a
    placeholder may itself be a Message (translated with it). Values stay as written.

    >>> m = Message("required for event_type {event_type}", {"event_type": "verdict"})
    >>> str(m)
    'required for event_type verdict'
    >>> set_language("ru"); m.translated()
    'обязательно для event_type verdict'
    """

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid.format(**{k: str(v) for k, v in self.params.items()})

    def translated(self) -> str:
        params = {
            k: v.translated() if isinstance(v, Message) else v for k, v in self.params.items()
        }
        return t(self.msgid, **params)
