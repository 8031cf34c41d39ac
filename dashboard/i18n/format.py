"""One formatter per kind of figure, for every surface (pages, PDF, exports), in the locale.

Pure functions, no Streamlit: the screen and the session pack print the same text.

>>> from dashboard.i18n import set_language
>>> set_language("en"); fmt_rate(0.4231)
'42.3%'
"""

from __future__ import annotations

from typing import Any

from dashboard.data.contract import ImpreciseDate
from dashboard.engine.indicators import INDICATORS, unit_of
from dashboard.i18n import format_date, format_number, format_percent, label, t


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


def fmt_date(text: str | None) -> str:
    """A contract date keeping its precision: '2012-07-03', '~Jul 2012' (month named in the
    interface language), '~2012'; '' if missing."""
    if not text:
        return ""
    try:
        d = ImpreciseDate.parse(text)
    except ValueError:
        return text
    return d.text if d.precision == "day" else format_date(d)


def indicator_title(name: str) -> str:
    """The indicator's title (the registry's msgid) in the interface language."""
    ind = INDICATORS.get(name)
    return t(ind.title) if ind else name


def indicator_help(name: str) -> str:
    """What the figure tells, and its formula, for a tooltip."""
    ind = INDICATORS.get(name)
    if ind is None or not ind.plain:
        return ""
    return f"{t(ind.plain)}\n\n{t(ind.formula)}"
