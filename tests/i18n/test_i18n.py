"""Catalogs complete and consistent, the glossary covers every vocabulary, locale formatting."""

from __future__ import annotations

import ast
import csv
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from dashboard.cli import i18n as cli_i18n
from dashboard.data import contract
from dashboard.i18n import (
    LANGUAGES,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    glossary,
    label,
    labels,
    options,
    region_name,
    reload_catalogs,
    set_language,
    t,
)
from dashboard.i18n.format import fmt_date, fmt_date_words, fmt_short, indicator_title
from tests.conftest import ROOT, SPEC

TRANSLATED = ("ru", "kk")
KAZAKH_LETTERS = re.compile("[әіңғүұқөһӘІҢҒҮҰҚӨҺ]")


@pytest.fixture(autouse=True)
def _fresh_catalogs():
    reload_catalogs()
    yield
    set_language("ru")


@pytest.fixture(scope="module")
def template():
    return cli_i18n.extract()


@pytest.fixture(scope="module")
def catalogs():
    return {lang: cli_i18n.read_catalog(lang) for lang in LANGUAGES}


# --- completeness -------------------------------------------------------------------------------


def test_extraction_finds_the_code_and_the_glossary(template) -> None:
    ids = {(m.context, m.id) for m in template if m.id}
    assert (None, "Sign in") in ids  # app.py / dashboard/ui/auth.py
    assert (None, "Overview") in ids  # N_ in dashboard/navigation.py
    assert ("event_type", "Refusal to open a criminal case") in ids  # glossary, with context
    assert len(ids) > 500


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_of_the_code_is_in_the_catalog(template, catalogs, lang: str) -> None:
    cat = catalogs[lang]
    missing = [
        (m.context, m.id) for m in template if m.id and cat.get(m.id, context=m.context) is None
    ]
    assert not missing, (
        f"{len(missing)} msgids missing in {lang} (run: python -m dashboard "
        f"i18n update): {missing[:20]}"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_msgid_is_translated_and_not_fuzzy(template, catalogs, lang: str) -> None:
    cat = catalogs[lang]
    bad = []
    for m in template:
        if not m.id:
            continue
        msg = cat.get(m.id, context=m.context)
        if msg is None or not msg.string or msg.fuzzy:
            bad.append((m.context, m.id))
    assert not bad, f"{len(bad)} untranslated or fuzzy in {lang}: {bad[:20]}"


def test_english_is_the_source_language(catalogs) -> None:
    """en: empty translations (the msgid shows); nothing fuzzy that could override it."""
    translated = [m.id for m in catalogs["en"] if m.id and m.string]
    assert translated == []
    set_language("en")
    assert t("Sign in") == "Sign in"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_identical(catalogs, lang: str) -> None:
    bad = [
        (m.id, m.string)
        for m in catalogs[lang]
        if m.id
        and m.string
        and cli_i18n.placeholders(str(m.string)) != cli_i18n.placeholders(str(m.id))
    ]
    assert not bad


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_are_not_copies_of_the_english(catalogs, lang: str) -> None:
    """A msgstr equal to its msgid is allowed only when it has no English word in it."""
    english_word = re.compile(r"(?<![{\w])[a-z]{4,}(?![\w}])")
    copies = [
        m.id
        for m in catalogs[lang]
        if m.id and m.string == m.id and english_word.search(re.sub(r"\{[^}]*\}", "", m.id))
    ]
    assert not copies


def test_kazakh_is_not_russian(catalogs) -> None:
    """The Kazakh catalog is Kazakh: no phrase copied from the Russian one."""
    ru = {(m.context, m.id): m.string for m in catalogs["ru"] if m.id}
    same = [
        m.id
        for m in catalogs["kk"]
        if m.id
        and m.string
        and len(str(m.string).split()) >= 3
        and ru.get((m.context, m.id)) == m.string
    ]
    assert not same
    with_letters = [m for m in catalogs["kk"] if m.id and KAZAKH_LETTERS.search(str(m.string))]
    assert len(with_letters) > 0.5 * len([m for m in catalogs["kk"] if m.id])


def test_check_command_reports_nothing() -> None:
    problems = cli_i18n.problems()
    assert not problems, "\n".join(problems[:30])


def test_t_never_gets_an_f_string() -> None:
    """t(f"...") would look up a msgid that no catalog can hold: the text stays English."""
    offenders = []
    for path in cli_i18n._source_files(ROOT):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "N_")
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


# --- glossary -----------------------------------------------------------------------------------


def test_glossary_rows_are_complete_and_unique() -> None:
    text = (ROOT / "dashboard" / "i18n" / "glossary.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert re.fullmatch(r"[a-z_]+:[A-Za-z0-9_]+", r["key"]), r["key"]
        assert r["en"] and r["ru"] and r["kk"], r["key"]
    # within one vocabulary two codes never share a name (a chart legend would merge them)
    for lang in ("en", "ru", "kk"):
        seen: dict[tuple[str, str], str] = {}
        for r in rows:
            ctx = r["key"].split(":")[0]
            if ctx == "term":  # general terms may share a form (short and long names)
                continue
            assert seen.setdefault((ctx, r[lang]), r["key"]) == r["key"], (lang, r[lang])


def _spec_names(section: str) -> list[str]:
    """Names in the first column of a table under `section` in indicators.md."""
    text = (SPEC / "indicators.md").read_text("utf-8")
    body = text.split(section, 1)[1].split("\n## ", 1)[0]
    names: list[str] = []
    for line in body.splitlines():
        m = re.match(r"\|\s*([a-z_0-9 /]+?)\s*\|", line)
        if m and m.group(1) not in ("indicator", "rule"):
            names += [n.strip() for n in m.group(1).split("/")]
    return names


VOCABULARIES: dict[str, tuple[str, ...]] = {
    "victim_sex": contract.VICTIM_SEX,
    "victim_status": contract.VICTIM_STATUS,
    "place_type": contract.PLACE_TYPE,
    "allegations": contract.ALLEGATIONS,
    "harm": contract.HARM,
    "medical_evidence": contract.MEDICAL_EVIDENCE,
    "complaint_channel": contract.COMPLAINT_CHANNEL,
    "agency": contract.AGENCY_CODES,
    "agency_family": tuple(dict.fromkeys(contract.AGENCY_FAMILY.values())),
    "event_type": contract.EVENT_TYPES,
    "qualification": contract.QUALIFICATION,
    "detail": tuple(dict.fromkeys(v for vs in contract.DETAIL_VALUES.values() for v in vs)),
    "trigger": contract.TRIGGERS,
    "state": (
        "screening",
        "investigation",
        "refused",
        "suspended",
        "terminated",
        "in_court",
        "convicted",
        "acquitted",
    ),
    "column": contract.CASE_COLUMNS + contract.EVENT_COLUMNS,
}


def _workflow_vocabularies() -> dict[str, tuple[str, ...]]:
    from dashboard import committee
    from dashboard.accounts import roles

    return {
        "role": roles.ROLES,
        "session_status": committee.SESSION_STATUSES,
        "recommendation_status": committee.STATUSES,
        "recommendation_kind": committee.KINDS,
    }


def test_every_vocabulary_value_has_a_glossary_row() -> None:
    vocabs = {
        **VOCABULARIES,
        **_workflow_vocabularies(),
        "indicator": tuple(_spec_names("## Systemic indicators")),
        "docket_rule": tuple(_spec_names("## Docket suggestions")),
    }
    assert "spu_involvement_rate" in vocabs["indicator"] and "stagnant_365" in vocabs["indicator"]
    assert "masked_qualification" in vocabs["docket_rule"]
    g = glossary()
    missing = [
        f"{v}:{code}" for v, codes in vocabs.items() for code in codes if f"{v}:{code}" not in g
    ]
    assert not missing


@pytest.mark.parametrize("lang", TRANSLATED)
def test_glossary_terms_reach_the_catalogs(catalogs, lang: str) -> None:
    cat = catalogs[lang]
    for term in glossary().values():
        msg = cat.get(term.en, context=term.context)
        assert msg is not None and msg.string == term.text(lang), term.key


def test_glossary_binds_equal_msgids_without_context(catalogs) -> None:
    """A code msgid equal to a (multi-word) glossary term gets the glossary's translation."""
    by_en = cli_i18n._glossary_by_english()
    checked = 0
    for lang in TRANSLATED:
        for m in catalogs[lang]:
            term = by_en.get(str(m.id)) if m.id and m.context is None else None
            if term is not None and cli_i18n.binding(term):
                assert m.string == term.text(lang), (lang, m.id)
                checked += 1
    assert checked > 0


def test_cpc_terms_are_the_ones_chosen() -> None:
    set_language("ru")
    assert label("event_type", "refusal_to_open") == "Отказ в возбуждении уголовного дела"
    assert label("state", "investigation") == "Досудебное расследование"
    assert label("qualification", "torture") == "Пытки (ст. 146 УК РК)"
    assert label("event_type", "investigation_terminated") == "Прекращение уголовного дела"
    set_language("kk")
    assert label("state", "investigation") == "Сотқа дейінгі тергеп-тексеру"
    assert label("event_type", "investigation_terminated") == "Қылмыстық істі тоқтату"
    assert label("qualification", "torture") == "Азаптау (ҚР ҚК 146-бабы)"


# --- labels --------------------------------------------------------------------------------------


def test_labels_follow_the_language() -> None:
    set_language("en")
    assert label("agency", "MVD_IID") == "MVD internal security"
    assert label("state", "refused") == "Refused to open"
    set_language("ru")
    assert label("agency", "MVD_IID") == "Служба собственной безопасности МВД"
    assert label("state", "refused") == "Отказано в возбуждении дела"
    assert labels("allegations", "beating;burns") == "Избиение; Ожоги"
    assert indicator_title("spu_involvement_rate") == "Участие специальных прокуроров"
    assert list(options("harm")) == list(contract.HARM)
    set_language("kk")
    assert options("harm")["death"] == "Өлім"


def test_column_labels() -> None:
    from dashboard.i18n import column_label

    set_language("kk")
    assert column_label("stagnation_days") == "Қозғалыссыз күндер"  # a per-case metric
    assert column_label("complaint_channel") == "Шағым беру тәсілі"  # a contract column
    assert column_label("no_such_column") == "no_such_column"


def test_unknown_and_missing_codes() -> None:
    set_language("ru")
    assert label("agency", "XYZ") == "XYZ"
    assert label("agency", None) == ""
    assert labels("allegations", None) == ""


def test_region_names_follow_regions_csv() -> None:
    rows = list(csv.DictReader((SPEC / "regions.csv").read_text("utf-8").splitlines()))
    assert len(rows) == 20
    for lang in LANGUAGES:
        set_language(lang)
        for r in rows:
            assert region_name(r["code"]) == r[f"name_{lang}"]
    assert region_name("KZ-00") == "KZ-00"


# --- locale formatting ---------------------------------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("lang", "number", "decimals", "percent", "day", "month", "year"),
    [
        (
            "ru",
            f"12{NBSP}345,7",
            f"1{NBSP}234,50",
            f"42,3{NBSP}%",
            "03.07.2012",
            f"~июль 2012{NNBSP}г.",
            "~2012",
        ),
        (
            "kk",
            f"12{NBSP}345,7",
            f"1{NBSP}234,50",
            "42,3%",
            "03.07.2012",
            f"~2012{NNBSP}ж. шілде",
            "~2012",
        ),
        ("en", "12,345.7", "1,234.50", "42.3%", "3 Jul 2012", "~Jul 2012", "~2012"),
    ],
)
def test_locale_formatting(lang, number, decimals, percent, day, month, year) -> None:
    set_language(lang)
    assert format_number(12345.7) == number
    assert format_number(1234.5, 2) == decimals
    assert format_number(3) == "3"
    assert format_percent(0.4231) == percent
    assert format_date("2012-07-03") == day
    assert format_date(date(2012, 7, 3)) == day
    assert format_date("2012-07") == month
    assert format_date("2012") == year
    assert format_date(contract.ImpreciseDate.parse("2012")) == year


def test_formatting_of_missing_and_odd_values() -> None:
    set_language("ru")
    assert format_number(None) == "" and format_percent(None) == "" and format_date(None) == ""
    assert format_date("") == ""
    assert format_date("not a date") == "not a date"
    assert format_percent(0.5, 0) == f"50{NBSP}%"
    assert format_datetime(datetime(2012, 7, 3, 14, 5)) == "03.07.2012 14:05"


@pytest.mark.parametrize("fmt", [fmt_date, fmt_date_words])
def test_date_cell_formatters_show_missing_as_empty_and_odd_text_as_stored(fmt) -> None:
    set_language("ru")
    assert fmt(None) == "" and fmt("") == ""
    assert fmt("2012-13") == "2012-13" and fmt("not a date") == "not a date"


def test_date_in_words_says_the_precision() -> None:
    set_language("ru")
    assert fmt_date_words("2012-07-03") == "03.07.2012"
    assert fmt_date_words("2012-07").startswith("июль 2012") and "(день неизвестен)" in (
        fmt_date_words("2012-07")
    )
    assert fmt_date_words("2012") == "2012 г. (месяц неизвестен)"
    set_language("en")
    assert fmt_date_words("2012") == "2012 (month not known)"


def test_default_language_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import contextvars

    from dashboard.config import get_settings
    from dashboard.i18n import get_language

    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "kk")
    get_settings.cache_clear()
    assert contextvars.Context().run(get_language) == "kk"
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "xx")
    get_settings.cache_clear()
    assert contextvars.Context().run(get_language) == "ru"


def test_locale_files_are_package_data() -> None:
    """A fresh clone or an installed package reads the .po files as they are (no compile step)."""
    for lang in LANGUAGES:
        assert cli_i18n.po_path(lang).is_file()
    assert Path(cli_i18n.POT).is_file()


# --- importer messages -----------------------------------------------------------------------

BAD_CASES = """case_id,region,victim_status,incident_date,place_type,accused_agency,allegations,harm,complaint_date,complaint_channel,victim_age,identity_public,colour
A-1,KZ-99,suspect,2012-13,police_station,MVD_POLICE,beating;kicks,injury,2011,crime_report,7,maybe,x
A-1,KZ-39,,2012-02-30,nowhere,XYZ,beating,injury,2012-05-01,pigeon,40,true,
B-2,KZ-39,suspect,1850,police_station,MVD_POLICE,beating,injury,2012-05-01,crime_report,,,
"""
BAD_EVENTS = """case_id,seq,event_date,event_type,agency,qualification,detail,trigger
A-1,1,2012-05-02,criminal_case_opened,PGO,,,
A-1,1,2012-05-01,verdict,COURT,,nonsense,media
A-1,x,2012-04,flying,PGO,torture,,
ZZ-9,1,2012-05-01,referred,PGO,,,
"""


def test_every_import_reason_is_translated(tmp_path: Path) -> None:
    """Bad files produce the importer's messages; each one reads in Russian and Kazakh, with
    the values (codes, dates, positions) kept as written."""
    from dashboard.data.importer import ImportValidationError, read_files
    from dashboard.i18n import Message

    (tmp_path / "cases.csv").write_text(BAD_CASES, encoding="utf-8")
    (tmp_path / "events.csv").write_text(BAD_EVENTS, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ImportValidationError) as err:
        read_files([tmp_path / "cases.csv", tmp_path / "events.csv", tmp_path / "notes.txt"])
    messages = {str(p.message): p.message for p in err.value.problems}.values()
    assert len({m.msgid for m in messages}) >= 12, messages
    cyrillic = re.compile("[а-яА-Я]")
    for lang in TRANSLATED:
        set_language(lang)
        for m in messages:
            shown = m.translated()
            assert shown != str(m) and cyrillic.search(shown), (lang, m, shown)
            for value in m.params.values():
                assert str(value) in shown, (lang, m, shown)
    set_language("ru")
    detail = Message(
        "must be one of {values} for event_type {event_type}",
        {"values": "a, b", "event_type": "verdict"},
    )
    assert detail.translated() == "для event_type verdict допускается одно из значений: a, b"
    stored = Message(
        "stored event {case_id} seq {seq} {reason}",
        {"case_id": "K-1", "seq": 3, "reason": Message("required")},
    )
    assert stored.translated() == "сохраненное событие K-1, seq 3: обязательное поле"
    assert str(stored) == "stored event K-1 seq 3 required"


def test_label_columns_translates_codes_in_a_frame() -> None:
    import polars as pl
    from polars.testing import assert_frame_equal

    from dashboard.i18n import label_columns

    df = pl.DataFrame(
        {
            "case_id": ["A-1", "A-2"],
            "accused_agency": ["MVD_POLICE", "XYZ"],
            "allegations": ["beating;burns", None],
            "state": ["refused", None],
            "stagnation_days": [3, 4],
        }
    )
    set_language("kk")
    got = label_columns(df)
    want = pl.DataFrame(
        {
            "case_id": ["A-1", "A-2"],
            "accused_agency": ["Полиция", "XYZ"],
            "allegations": ["Ұрып-соғу; Күйдіру", None],
            "state": ["Іс қозғаудан бас тартылды", None],
            "stagnation_days": [3, 4],
        }
    )
    assert_frame_equal(got, want)
    assert_frame_equal(label_columns(df, {}), df)


def test_short_texts_say_they_were_cut() -> None:
    """A choice's label or a mail's subject: one line, and '…' where the text went on."""
    long = "Review every investigation without an action for more than 180 days and set a deadline"
    assert fmt_short(long, 80) == long[:79] + "…" and len(fmt_short(long, 80)) == 80
    assert fmt_short("Take over\n  the case", 80) == "Take over the case"
    assert fmt_short("exactly ten", 11) == "exactly ten"


def test_the_open_button_says_open_not_the_open_state() -> None:
    """The tracker's 'Open' button shared its msgid with the case state 'Open' (not finished):
    in Russian it read 'Не завершено'."""
    try:
        for lang, verb in (("ru", "Открыть"), ("kk", "Ашу")):
            set_language(lang)
            assert t("Open page") == verb != t("Open")
    finally:
        set_language("en")
