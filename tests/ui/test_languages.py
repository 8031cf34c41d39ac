"""Every page renders in Russian, Kazakh and English, and no English msgid shows in ru or kk."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.cli import i18n as cli_i18n
from dashboard.config import get_settings
from dashboard.i18n import LANGUAGES, get_language, reload_catalogs, set_language, t
from dashboard.navigation import PAGES
from tests.conftest import ROOT
from tests.ui.conftest import PERIOD

SEC = Principal("test-secretariat", "secretariat")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def english_phrases() -> tuple[str, ...]:
    """Literal stretches of more than three words from the catalog's English msgids.

    A msgid with placeholders contributes the text between them ("{n} cases · select a row to
    open the case" -> "cases · select a row to open the case"): a screen that shows it left a
    string untranslated. Short msgids are skipped: they could be codes or names.
    """
    out: set[str] = set()
    for msgid in cli_i18n.iter_english_msgids("ru"):
        for chunk in PLACEHOLDER.split(msgid):
            chunk = chunk.strip(" *:.,;()“”«»")
            if len(chunk.split()) > 3:
                out.add(chunk)
    return tuple(sorted(out))


#: keys of chart and table specs whose values are data, never shown as text
HIDDEN_KEYS = frozenset({"customdata", "ids", "meta", "uid", "legendgroup", "key", "id", "data"})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in HIDDEN_KEYS:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        s = value.strip()
        if s[:1] in "{[":  # plotly figures and column configs travel as JSON
            try:
                yield from _strings(json.loads(s))
                return
            except ValueError:
                pass
        yield value


def rendered_text(at: AppTest) -> str:
    """Everything a page put on screen: texts, labels, help, options, charts, table headers."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.extend(_strings(MessageToDict(proto)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for df in at.dataframe:
        frame = df.value
        config = MessageToDict(df.proto).get("columns") or "{}"
        labelled = {
            name for name, c in json.loads(config).items() if isinstance(c, dict) and c.get("label")
        }
        parts.extend(str(c) for c in frame.columns if str(c) not in labelled)
        for col in frame.columns:
            if frame[col].dtype == object:
                parts.extend(str(v) for v in frame[col].tolist())
    return "\n".join(parts)


@pytest.fixture
def committee_db(demo_db):
    """The demo database with one session and one recommendation, so committee pages have
    content to show."""
    session = committee.create_session(
        engine=demo_db,
        principal=SEC,
        title="Autumn session 2025",
        session_date=date(2025, 9, 15),
        period=PERIOD,
        members_present=["A. Member"],
    )
    committee.create_recommendation(
        engine=demo_db,
        principal=SEC,
        session_id=session.id,
        kind="systemic",
        addressee="PGO",
        text="Refer every death in custody to the special prosecutors at once.",
        due_date=date(2025, 12, 31),
        target_indicator="spu_involvement_rate",
    )
    return session.id


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The interface language, set as a user would get it by default (OVERSIGHT_LANGUAGE)."""
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", request.param)
    get_settings.cache_clear()
    set_language(request.param)
    reload_catalogs()
    yield request.param
    set_language("en")


@pytest.mark.parametrize("spec", PAGES, ids=[p.path.split("/")[-1][:-3] for p in PAGES])
def test_page_renders_translated(spec, language: str, committee_db) -> None:
    path = ROOT / spec.path
    assert path.is_file(), f"{spec.path} is in the page registry but not written"
    at = AppTest.from_file(str(path), default_timeout=90)
    at.session_state["principal"] = SEC
    at.session_state["language"] = language
    at.session_state["ctl_period"] = PERIOD
    at.session_state["case_id"] = "SYN-00002"
    at.session_state["wf_session_id"] = committee_db
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert get_language() == language
    text = rendered_text(at)
    assert t(spec.title) in text or t(spec.title) in [x.value for x in at.title], spec.title
    if language == "en":
        return
    left = [p for p in english_phrases() if p in text]
    assert not left, f"untranslated on {spec.path} in {language}: {left[:10]}"
    # and the page speaks the language: its title is the catalog's, not the msgid
    assert t(spec.title) != spec.title or spec.title == "Oversight"


def test_english_phrases_are_found() -> None:
    """The detector itself: it finds a known English sentence and ignores short labels."""
    phrases = english_phrases()
    assert "Events after this date are ignored, as if not yet known" in phrases
    assert "Sign in" not in phrases
    assert any(p.startswith("cases · click a case or select a row") for p in phrases)


@cache
def raw_code_forms() -> dict[str, str]:
    """How a vocabulary code looks when a page shows it raw: 'crime_report', 'crime report',
    'Crime report' (a dynamic t(code.replace('_', ' ')) finds no msgid) -> the glossary key."""
    from dashboard.i18n import glossary

    out: dict[str, str] = {}
    for key, term in glossary().items():
        if term.context in ("term", "role"):
            continue
        code = term.code
        if "_" not in code:  # one-word codes ("death", "PGO") are also ordinary words
            continue
        spaced = code.replace("_", " ")
        for form in (code, spaced, spaced.capitalize()):
            out.setdefault(form, key)
    return out


def raw_codes_on_screen(at: AppTest) -> list[str]:
    """Text elements, options, labels and table cells that are exactly a raw code."""
    forms = raw_code_forms()
    found = {s.strip() for s in rendered_text(at).split("\n") if s.strip() in forms}
    return sorted(found)


@pytest.mark.parametrize("spec", PAGES, ids=[p.path.split("/")[-1][:-3] for p in PAGES])
def test_no_vocabulary_code_shown_raw(spec, committee_db, monkeypatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "ru")
    get_settings.cache_clear()
    set_language("ru")
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=90)
    at.session_state["principal"] = SEC
    at.session_state["ctl_period"] = PERIOD
    at.session_state["case_id"] = "SYN-00002"
    at.session_state["wf_session_id"] = committee_db
    at.run()
    assert not at.exception
    assert raw_codes_on_screen(at) == []


def test_raw_code_detector() -> None:
    forms = raw_code_forms()
    assert forms["crime report"] == "complaint_channel:crime_report"
    assert forms["Case id"] == "column:case_id"
    assert "death" not in forms


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_session_pack_is_in_the_language(lang: str, committee_db, demo_db, monkeypatch) -> None:
    """The PDF pack speaks the user's language: headings translated, no English sentence."""
    import io

    from pypdf import PdfReader

    from dashboard.reports import pack

    monkeypatch.setenv("OVERSIGHT_LANGUAGE", lang)
    get_settings.cache_clear()
    set_language(lang)
    pdf = pack.session_pack_pdf(engine=demo_db, principal=SEC, session_id=committee_db)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert t("Headline indicators") in flat and t("Headline indicators") != "Headline indicators"
    assert t("Docket") in flat
    left = [p for p in english_phrases() if p in flat]
    assert not left, left[:10]
