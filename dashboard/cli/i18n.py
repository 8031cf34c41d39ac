"""`python -m dashboard i18n ...`: extract, update and check the translation catalogs.

    i18n update     extract msgids (keywords t, N_, pt) from app.py, dashboard/, pages/ into
                    dashboard/locale/messages.pot, add the glossary's terms, merge into the
                    ru/kk/en catalogs and fill the glossary's translations into them
    i18n check      list untranslated, fuzzy or inconsistent entries; exit 1 if any
    i18n todo LANG  print the msgids LANG still lacks, as JSON {msgid: ""} (for a translator)
    i18n fill LANG FILE.json   write translations {msgid: msgstr} into LANG's catalog

The English catalog keeps empty translations: English is the source language, an empty msgstr
shows the msgid itself. Russian and Kazakh must be complete (tests/test_i18n.py).
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DOMAIN, LANGUAGES, Term, glossary, reload_catalogs

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "dashboard" / "i18n" / "locale"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: where msgids are extracted from (relative to the project's top level)
SOURCES = ("app.py", "dashboard", "pages")
#: t("msgid", **kw), N_("msgid"), pt("context", "msgid", **kw)
KEYWORDS: dict[str, Any] = {"t": None, "N_": None, "pt": ((1, "c"), 2)}
#: languages whose catalogs must be complete; English is the source language
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
WIDTH = 100


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# --- extraction ------------------------------------------------------------------------------


def _source_files(root: Path) -> Iterator[Path]:
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def extract(root: Path = ROOT) -> Catalog:
    """The template: every msgid in the code plus every glossary term (with its vocabulary)."""

    template = Catalog(project="Oversight", version="0.1", charset="utf-8", fuzzy=False)
    for path in _source_files(root):
        rel = path.relative_to(root).as_posix()
        with path.open("rb") as fh:
            found = list(extract_python(fh, KEYWORDS, [], {"encoding": "utf-8"}))
        for lineno, funcname, messages, _comments in found:
            spec = KEYWORDS[str(funcname)]
            msgs: tuple[Any, ...] = messages if isinstance(messages, tuple) else (messages,)
            context: str | None
            msgid: str | None
            if spec is None:
                context, msgid = None, msgs[0]
            else:
                context, msgid = msgs[0], msgs[1] if len(msgs) > 1 else None
            if not msgid or not isinstance(msgid, str):
                continue  # a call with a variable: its msgids are marked elsewhere with N_
            template.add(msgid, locations=[(rel, lineno)], context=context)
        # Babel's tokenizer does not look inside f-strings before Python 3.12; the AST does
        for lineno, context, msgid in _calls_in_fstrings(path):
            template.add(msgid, locations=[(rel, lineno)], context=context)
    for term in glossary().values():
        template.add(
            term.en,
            context=term.context,
            auto_comments=[f"glossary {term.key}" + (f": {term.source}" if term.source else "")],
        )
    return template


def _calls_in_fstrings(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """t("..."), N_("...") and pt("ctx", "...") calls written inside f-string expressions."""

    tree = ast.parse(path.read_text("utf-8"))
    for fstring in ast.walk(tree):
        if not isinstance(fstring, ast.JoinedStr):
            continue
        for node in ast.walk(fstring):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if node.func.id in ("t", "N_") and args and isinstance(args[0], str):
                yield node.lineno, None, args[0]
            elif node.func.id == "pt" and len(args) > 1 and isinstance(args[1], str):
                yield node.lineno, args[0] if isinstance(args[0], str) else None, args[1]


def msgids_in_code(root: Path = ROOT) -> set[str]:
    """Every msgid (without context) the code passes to t() or N_()."""
    return {str(m.id) for m in extract(root) if m.id and m.context is None}


# --- catalogs --------------------------------------------------------------------------------


def read_catalog(lang: str) -> Catalog:

    path = po_path(lang)
    if not path.is_file():
        return Catalog(locale=lang, project="Oversight", charset="utf-8", fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


TEAMS = {"ru": "Russian", "kk": "Kazakh", "en": "English (source language)"}


def _write(path: Path, data: bytes) -> None:
    """Write unless only the header's dates would change (no churn in the history)."""
    dated = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)
    if path.is_file() and dated.sub(b"", path.read_bytes()) == dated.sub(b"", data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_catalog(cat: Catalog, path: Path) -> None:

    if cat.locale is not None:
        lang = str(cat.locale.language)
        cat.language_team = TEAMS.get(lang, lang)
        cat.last_translator = "Oversight (terms: dashboard/i18n/glossary.csv)"
        cat.project, cat.version = "Oversight", "0.1"
    buf = io.BytesIO()
    write_po(buf, cat, width=WIDTH, ignore_obsolete=True, include_previous=True)
    _write(path, buf.getvalue())


def _glossary_by_english() -> dict[str, Term | None]:
    """English -> the term (None when two terms with that English translate differently)."""
    out: dict[str, Term | None] = {}
    for term in glossary().values():
        prev = out.get(term.en, term)
        same = prev is not None and (prev.ru, prev.kk) == (term.ru, term.kk)
        out[term.en] = term if term.en not in out or same else None
    return out


def binding(term: Term) -> bool:
    """A term of two or more words is binding for a msgid equal to it; one word only suggests."""
    return len(term.en.split()) >= 2


def apply_glossary(cat: Catalog, lang: str) -> int:
    """Put the glossary's translations into `cat`; returns how many entries changed."""
    if lang not in TRANSLATED:
        return 0
    terms = glossary()
    by_en = _glossary_by_english()
    changed = 0
    for msg in cat:
        if not msg.id or not isinstance(msg.id, str):
            continue
        want: str | None = None
        if msg.context is not None:
            term = next(
                (x for x in terms.values() if x.context == msg.context and x.en == msg.id), None
            )
            want = term.text(lang) if term else None
        else:
            term = by_en.get(msg.id)
            if term is not None and (binding(term) or not msg.string or msg.fuzzy):
                want = term.text(lang)
        if want and (msg.string != want or msg.fuzzy):
            msg.string = want
            msg.flags.discard("fuzzy")
            changed += 1
    return changed


@dataclass
class UpdateReport:
    msgids: int
    per_language: dict[str, dict[str, int]]

    def __str__(self) -> str:
        lines = [f"{self.msgids} msgids in {POT.relative_to(ROOT)}"]
        for lang, n in self.per_language.items():
            lines.append(
                f"{lang}: {n['missing']} untranslated, {n['fuzzy']} fuzzy, "
                f"{n['glossary']} filled from the glossary"
            )
        return "\n".join(lines)


def update(root: Path = ROOT) -> UpdateReport:
    """Extract, write the .pot, merge it into every language's catalog, apply the glossary."""

    template = extract(root)
    buf = io.BytesIO()
    write_po(buf, template, width=WIDTH)
    _write(POT, buf.getvalue())
    per: dict[str, dict[str, int]] = {}
    for lang in LANGUAGES:
        cat = read_catalog(lang)
        # a deep copy: Catalog.update shares the template's Message objects with the catalog
        cat.update(copy.deepcopy(template), update_header_comment=False)
        filled = apply_glossary(cat, lang)
        write_catalog(cat, po_path(lang))
        msgs = [m for m in cat if m.id]
        per[lang] = {
            "missing": sum(1 for m in msgs if not m.string) if lang in TRANSLATED else 0,
            "fuzzy": sum(1 for m in msgs if m.fuzzy),
            "glossary": filled,
        }

    reload_catalogs()
    return UpdateReport(len([m for m in template if m.id]), per)


# --- checks -----------------------------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    """The names of `{name}` placeholders, sorted ('{{' escapes excluded)."""
    return sorted(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def problems(root: Path = ROOT) -> list[str]:
    """Everything that keeps the catalogs from being complete and consistent."""
    template = extract(root)
    wanted = [(m.context, str(m.id)) for m in template if m.id and isinstance(m.id, str)]
    out: list[str] = []
    by_en = _glossary_by_english()
    for lang in LANGUAGES:
        cat = read_catalog(lang)
        for context, msgid in wanted:
            msg = cat.get(msgid, context=context)
            where = f"{lang}: {msgid!r}" + (f" [{context}]" if context else "")
            if msg is None:
                out.append(f"{where}: missing from the catalog")
                continue
            if msg.fuzzy:
                out.append(f"{where}: fuzzy (check the translation, then drop the flag)")
            if lang not in TRANSLATED:
                continue
            text = str(msg.string or "")
            if not text:
                out.append(f"{where}: not translated")
                continue
            if placeholders(text) != placeholders(msgid):
                out.append(f"{where}: placeholders {placeholders(text)} != {placeholders(msgid)}")
            term = by_en.get(msgid)
            if context is None and term and binding(term) and text != term.text(lang):
                out.append(f"{where}: glossary says {term.text(lang)!r}, catalog {text!r}")
    return out


# --- commands ---------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("i18n", help="translation catalogs: update, check, todo, fill")
    isub = p.add_subparsers(dest="i18n_command", required=True, metavar="ACTION")
    u = isub.add_parser("update", help="extract msgids and merge them into the ru/kk/en catalogs")
    u.set_defaults(func=cmd_update)
    c = isub.add_parser("check", help="report untranslated or inconsistent entries (exit 1)")
    c.set_defaults(func=cmd_check)
    td = isub.add_parser("todo", help="print a language's untranslated msgids as JSON")
    td.add_argument("lang", choices=TRANSLATED)
    td.set_defaults(func=cmd_todo)
    f = isub.add_parser("fill", help="write translations from a JSON file {msgid: msgstr}")
    f.add_argument("lang", choices=TRANSLATED)
    f.add_argument("file", type=Path)
    f.set_defaults(func=cmd_fill)


def cmd_update(args: argparse.Namespace) -> int:
    print(update())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} problems", file=sys.stderr)
    return 1 if found else 0


def untranslated(lang: str) -> list[Message]:
    return [m for m in read_catalog(lang) if m.id and (not m.string or m.fuzzy)]


def cmd_todo(args: argparse.Namespace) -> int:
    todo = {str(m.id): "" for m in untranslated(args.lang) if m.context is None}
    json.dump(todo, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


def fill(lang: str, translations: dict[str, str]) -> list[str]:
    """Write `translations` (msgid -> msgstr, no context) into `lang`; returns unknown msgids."""
    cat = read_catalog(lang)
    unknown = []
    for msgid, text in translations.items():
        msg = cat.get(msgid)
        if msg is None:
            unknown.append(msgid)
            continue
        if text:
            msg.string = text
            msg.flags.discard("fuzzy")
    write_catalog(cat, po_path(lang))

    reload_catalogs()
    return unknown


def cmd_fill(args: argparse.Namespace) -> int:
    data = json.loads(args.file.read_text("utf-8"))
    unknown = fill(args.lang, data)
    for msgid in unknown:
        print(f"not in the catalog: {msgid!r}", file=sys.stderr)
    print(f"{len(data) - len(unknown)} translations written to {po_path(args.lang)}")
    return 0


def iter_english_msgids(lang: str = "ru") -> Iterable[str]:
    """The catalog's English msgids (for tests looking for untranslated text on screen)."""
    return (str(m.id) for m in read_catalog(lang) if m.id and isinstance(m.id, str))
