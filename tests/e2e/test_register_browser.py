"""The case register in a real browser, in Russian: register a case (a possible duplicate
warned of), add three events, correct one, retract one; the figures and the docket follow.

Screenshots: tests/artifacts/register-ru.png, register-duplicates-ru.png,
case-register-ru.png, case-retracted-ru.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.i18n import column_label, label, set_language, t
from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

MAIN = '[data-testid="stMain"]'


def ru(fn, *args, **kw) -> str:
    set_language("ru")
    try:
        return fn(*args, **kw)
    finally:
        set_language("en")


def field(name: str) -> str:
    """A form field's label in Russian, as the form writes it (required ones end in *)."""
    text = ru(column_label, name)
    required = name in ("region", "incident_date", "complaint_date", "complaint_channel",
                        "victim_status", "place_type", "accused_agency", "allegations", "harm",
                        "case_id", "event_date", "event_type", "agency")  # fmt: skip
    return f"{text} *" if required else text


def fill(scope, name: str, value: str) -> None:
    box = scope.get_by_role("textbox", name=field(name), exact=True)
    box.fill(value)
    box.press("Tab")
    wait_idle(scope.page)


def pick(scope, name: str, vocab: str, code: str, *, multi: bool = False) -> None:
    """Choose a vocabulary value by its Russian name in a select box inside `scope`."""
    pg, text = scope.page, ru(label, vocab, code)
    box = scope.get_by_role("combobox", name=field(name), exact=True)
    option = pg.get_by_role("option", name=re.compile("^" + re.escape(text[:20])))
    for _ in range(5):
        box.click()
        pg.keyboard.type(text[:12], delay=30)
        pg.wait_for_timeout(400)
        try:
            option.first.click(timeout=3000)
        except Exception:
            pg.keyboard.press("Escape")
            continue
        if multi:
            pg.keyboard.press("Escape")
        wait_idle(pg)
        return
    raise AssertionError(f"could not choose {text!r} in {name!r}")


def expander(pg, msgid: str):
    box = pg.locator('[data-testid="stExpander"]').filter(has_text=ru(t, msgid)).first
    summary = box.locator("summary")
    if box.locator("details").get_attribute("open") is None:
        summary.click()
        wait_idle(pg)
    return box


def test_register_and_keep_a_case_in_russian(page, server: str) -> None:
    pg = page
    pg.set_default_timeout(90_000)  # a loaded test machine
    sign_in(pg, server)
    choose(pg, "Language", "Русский", check=False)
    pg.get_by_role("heading", name="Обзор").wait_for()
    wait_idle(pg)
    pg.locator('[data-testid="stSidebar"]').get_by_role(
        "link", name=ru(t, "Register a case")
    ).click()
    pg.get_by_role("heading", name=ru(t, "Register a case")).wait_for()
    wait_idle(pg)
    main = pg.locator(MAIN)
    region = main.get_by_role("combobox", name=field("region"), exact=True)
    region.click()
    pg.keyboard.type("Костанай", delay=30)
    pg.get_by_role("option", name=re.compile("^Костанай")).first.click()
    wait_idle(pg)
    ref_box = main.get_by_role("textbox", name=field("case_id"), exact=True)
    shot(pg, "register-region-ru")
    expect(ref_box).to_have_value(re.compile(r"^KZ-39-\d{4}-\d{4}$"))  # suggested
    ref = ref_box.input_value()
    fill(main, "incident_date", "2026-03-02")
    fill(main, "complaint_date", "2026-03-05")
    pick(main, "complaint_channel", "complaint_channel", "crime_report")
    fill(main, "victim_name", "Болат Регистров")
    pick(main, "victim_status", "victim_status", "suspect")
    pick(main, "place_type", "place_type", "police_station")
    pick(main, "accused_agency", "agency", "MVD_POLICE")
    pick(main, "allegations", "allegations", "beating", multi=True)
    pick(main, "harm", "harm", "injury")
    pick(main, "medical_evidence", "medical_evidence", "official_forensic")
    shot(pg, "register-ru")
    main.get_by_role("button", name=ru(t, "Register the case")).click()
    wait_idle(pg)
    saved = ru(t, "Case {case_id} is registered.", case_id=ref)
    pg.get_by_text(saved).wait_for()

    # the same complaint typed again: a possible duplicate, with a link to its case file
    fill(main, "incident_date", "2026-03")
    region.click()
    pg.keyboard.type("Костанай", delay=30)
    pg.get_by_role("option", name=re.compile("^Костанай")).first.click()
    wait_idle(pg)
    warning = ru(t, "Possible duplicates: check these cases before registering a new one.")
    pg.get_by_text(warning).wait_for()
    link = main.get_by_role("link", name=re.compile("^" + re.escape(ref)))
    assert link.count() == 1
    shot(pg, "register-duplicates-ru")
    link.click()
    pg.get_by_role("heading", name=ref).wait_for()
    wait_idle(pg)

    events = [
        ("2026-03-05", "complaint_lodged", "PROS_LOCAL", None),
        ("2026-03-20", "refusal_to_open", "MVD_IID", None),
        ("2026-04-10", "criminal_case_opened", "SPU", "torture"),
    ]
    for day, etype, agency, qualification in events:
        box = expander(pg, "Add an event")
        fill(box, "event_date", day)
        pick(box, "event_type", "event_type", etype)
        pick(box, "agency", "agency", agency)
        if qualification:
            pick(box, "qualification", "qualification", qualification)
        box.get_by_role("button", name=ru(t, "Add the event")).click()
        wait_idle(pg)
        assert not pg.locator('[data-testid="stAlertContentError"]').count()
    expect(pg.locator(MAIN)).to_contain_text(ru(label, "state", "investigation"))
    dismissed = ru(label, "docket_rule", "evidence_dismissed")  # the rule, by its name
    assert dismissed not in pg.locator(MAIN).inner_text()
    # correct the refusal's date
    box = expander(pg, "Correct an event")
    combo = box.get_by_role("combobox", name=ru(t, "Event"), exact=True)
    combo.click()
    pg.get_by_role("option", name=re.compile("^2\\. ")).first.click()
    wait_idle(pg)
    fill(box, "event_date", "2026-03-22")
    box.get_by_role("button", name=ru(t, "Save the correction")).click()
    wait_idle(pg)
    shot(pg, "case-register-ru")
    # retract the opening of the criminal case
    box = expander(pg, "Retract an event entered by mistake")
    combo = box.get_by_role("combobox", name=ru(t, "Event"), exact=True)
    combo.click()
    pg.get_by_role("option", name=re.compile("^3\\. ")).first.click()
    wait_idle(pg)
    reason = box.get_by_role("textbox", name=ru(t, "Why it is retracted"), exact=True)
    reason.fill("внесено по ошибке")
    reason.press("Tab")
    wait_idle(pg)
    box.get_by_role("button", name=ru(t, "Retract the event")).click()
    wait_idle(pg)
    body = pg.locator(MAIN)
    expect(body).to_contain_text(ru(label, "state", "refused"))  # the opening counts nowhere
    expect(body).to_contain_text(dismissed)  # the docket sees the refusal
    history = expander(pg, "History of changes")
    expect(history).to_contain_text(ru(t, "retracted an event"))
    shot(pg, "case-retracted-ru")
