"""One formatter per kind of figure, for every surface (pages, PDF, exports), in the locale.

Pure functions, no Streamlit: the screen and the session pack print the same text.

>>> from dashboard.i18n import set_language
>>> set_language("en"); fmt_rate(0.4231)
'42.3%'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_skeleton

from dashboard.data.contract import ImpreciseDate, half_year_bounds, half_year_running
from dashboard.engine.indicators import PUBLIC_MIN_DENOMINATOR
from dashboard.engine.registry import INDICATORS, unit_of
from dashboard.i18n import (
    babel_locale,
    format_date,
    format_number,
    format_percent,
    label,
    t,
)


def agency_name(code: str) -> str:
    """An agency code (MVD_POLICE ...) as its display name in the interface language."""
    return label("agency", code)


def vocab_format(vocab: str) -> Any:
    """A format_func for select boxes whose options are codes of `vocab`."""
    return lambda code: label(vocab, code)


def fmt_rate(value: float | None) -> str:
    """0.4231 -> '42,3 %' (ru), '42.3%' (en), in the locale; None (empty denominator) ->
    'no cases'."""
    if value is None:
        return t("no cases")
    return format_percent(value, decimals=1)


def fmt_number(value: float | int | None, digits: int = 0) -> str:
    """A number in the locale ('12 345' in ru, '12,345' in en); None -> 'no cases'."""
    if value is None:
        return t("no cases")
    if isinstance(value, int) or digits == 0:
        return format_number(round(value), decimals=0)
    return format_number(value, decimals=digits)


def fmt_days(value: float | int | None) -> str:
    if value is None:
        return t("no cases")
    return t("{n} days", n=fmt_number(value))


def fmt_figure(name: str, value: Any) -> str:
    """An indicator's value in its unit (the registry's): shares as %, medians in days, means
    with two decimals, counts as numbers; a value that is not a number (a frozen figure's
    breakdown) as a dash."""
    if isinstance(value, dict | list):
        return "—"
    unit = unit_of(name)
    if unit == "share":
        return fmt_rate(value)
    if unit == "days":
        return fmt_days(value)
    if unit == "mean":
        return fmt_number(value, 2)
    return fmt_number(value)


def _date_cell(text: str | None) -> ImpreciseDate | str:
    """A contract date cell parsed, or the text to show as it is: '' if missing, text that is
    not a date unchanged (a formatter never hides what was stored)."""
    if not text:
        return ""
    try:
        return ImpreciseDate.parse(text)
    except ValueError:
        return text


def fmt_date(text: str | None) -> str:
    """A contract date keeping its precision: '2012-07-03', '~Jul 2012' (month named in the
    interface language), '~2012'; '' if missing."""
    d = _date_cell(text)
    if isinstance(d, str):
        return d
    return d.text if d.precision == "day" else format_date(d)


def fmt_short(text: str, n: int) -> str:
    r"""A free text on one line, cut to at most `n` characters with '…' where it was longer
    (a choice's label, a mail's subject).

    >>> fmt_short("Take over  the\ninvestigation", 16)
    'Take over the i…'
    """
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def fmt_period(label: str, today: date | None = None) -> str:
    """A half-year label, marked while it is still running: '2026-H2 (incomplete: until
    31.12.2026)'; a finished half-year as is."""
    today = today or date.today()
    if not half_year_running(label, today):
        return label
    return t(
        "{period} (incomplete: runs until {end})",
        period=label,
        end=format_date(half_year_bounds(label)[1]),
    )


def fmt_date_words(text: str | None) -> str:
    """A contract date for print, its precision said in words: '03.07.2012', 'июль 2012 г.
    (день не известен)', '2012 (месяц не известен)'; '' if missing."""
    d = _date_cell(text)
    if isinstance(d, str):
        return d
    if d.precision == "day":
        return format_date(d.start)
    if d.precision == "month":
        month = format_skeleton("yMMMM", d.start, locale=babel_locale())
        return t("{month} (day not known)", month=month)
    return t("{year} (month not known)", year=d.start.year)


def fmt_month(d: date) -> str:
    """A month for a chart's axis, in the interface language: 'июль 2012 г.', 'Jul 2012'."""
    return format_skeleton("yMMM", d, locale=babel_locale())


def indicator_title(name: str) -> str:
    """The indicator's title (the registry's msgid) in the interface language."""
    ind = INDICATORS.get(name)
    return t(ind.title) if ind else name


def indicator_help(name: str) -> str:
    """What the figure tells, in plain words, for a tooltip (the formula, in the data's field
    names, is on the Methodology page's section for analysts)."""
    ind = INDICATORS.get(name)
    if ind is None or not ind.plain:
        return ""
    return f"{t(ind.plain)}\n\n{t('How it is computed: see the Methodology page.')}"


@dataclass(frozen=True)
class Change:
    """A figure's change against an earlier value, for a tile: the signed difference in the
    locale, whether it went up (1), down (-1) or not at all (0), and what that means."""

    text: str
    direction: int
    #: "better", "worse" or "" (no change, or a figure that is neither good nor bad)
    verdict: str
    previous: str


def fmt_change(name: str, now: Any, before: Any) -> Change | None:
    """The change of indicator `name` from `before` to `now` (None if either is missing).

    >>> from dashboard.i18n import set_language
    >>> set_language("ru"); c = fmt_change("stagnant_share", 0.25, 0.2)
    >>> c.text, c.verdict, c.previous
    ('+5,0 п. п.', 'worse', '20,0\xa0%')
    """
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    diff = now - before
    direction = (diff > 0) - (diff < 0)
    unit = unit_of(name)
    if direction == 0:
        text = t("no change")
    elif unit == "share":
        text = t("{d} pp", d=_signed(diff * 100, 1))
    elif unit == "days":
        text = t("{n} days", n=_signed(diff, 0))
    else:
        text = _signed(diff, 2 if unit == "mean" else 0)
    ind = INDICATORS.get(name)
    better = ind.better if ind else None
    verdict = ""
    if direction and better:
        verdict = "better" if (direction > 0) == (better == "higher") else "worse"
    return Change(text, direction, verdict, fmt_figure(name, before))


def _signed(value: float, digits: int) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + fmt_number(abs(value), digits)


def fmt_share_of(numerator: int | None, denominator: int | None) -> str:
    """A rate's size: '3 of 12 cases', and '(fewer than 10 cases: read with care)' when small."""
    text = t("{n} of {d} cases", n=fmt_number(numerator or 0), d=fmt_number(denominator or 0))
    if denominator is not None and denominator < PUBLIC_MIN_DENOMINATOR:
        text += " · " + t("fewer than {n} cases: read with care", n=PUBLIC_MIN_DENOMINATOR)
    return text
