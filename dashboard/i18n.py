"""Interface language: gettext catalogs (Babel .po files under dashboard/locale).

Source strings are English; `t("...")` returns the current language's translation.
The current language lives in a context variable so each Streamlit script run (one thread
per user session) has its own.
"""

from __future__ import annotations

import contextvars
from functools import cache
from importlib import resources

LANGUAGES = ("ru", "kk", "en")
DOMAIN = "messages"
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("oversight_lang", default=None)


def default_language() -> str:
    from dashboard.config import get_settings

    lang = get_settings().language
    return lang if lang in LANGUAGES else "ru"


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else default_language())


def get_language() -> str:
    return _current.get() or default_language()


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr for one language, read from its .po file (empty translations skipped)."""
    from babel.messages.pofile import read_po

    path = resources.files("dashboard").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in cat
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def t(msgid: str, /, **kwargs: object) -> str:
    """Translate `msgid` to the current language; `{name}` placeholders filled from kwargs.

    >>> set_language("en"); t("{n} cases", n=3)
    '3 cases'
    """
    text = catalog(get_language()).get(msgid, msgid)
    return text.format(**kwargs) if kwargs else text


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now (module-level constants)."""
    return msgid
