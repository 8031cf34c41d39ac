"""case_file: the observer is refused, the SPU head never sees names or narrative."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.config import get_settings
from dashboard.data.casefile import CaseNotFound, case_file
from dashboard.data.importer import import_files
from tests.conftest import ROOT, add_accounts
from tests.ui.demo_data import load_demo
from tests.ui.test_roles_pages import rendered_text


@pytest.fixture
def loaded(engine):
    load_demo(engine, n=10)
    return engine


def test_committee_sees_name_and_notes(loaded) -> None:
    cf = case_file(loaded, "SYN-00003", Principal("m", "member"))
    assert cf.facts["victim_name"] == "Person 3"
    assert cf.facts["summary"].startswith("Synthetic case 3")
    assert cf.shows_personal and cf.withheld == ()
    assert cf.events["seq"].to_list() == sorted(cf.events["seq"].to_list())


def test_spu_head_never_sees_personal_data(loaded) -> None:
    cf = case_file(loaded, "SYN-00003", Principal("s", "spu_head"))
    for col in ("victim_name", "summary", "ngo"):
        assert col not in cf.facts
    assert "note" not in cf.events.columns
    assert not cf.shows_personal
    assert cf.events.height == 3 and cf.facts["region"] == "KZ-71"


def test_observer_refused_and_unknown_case(loaded) -> None:
    with pytest.raises(AccessDenied):
        case_file(loaded, "SYN-00003", Principal("o", "observer"))
    with pytest.raises(CaseNotFound):
        case_file(loaded, "NOPE", Principal("m", "secretariat"))


def test_frames_source_matches_engine(loaded) -> None:
    from dashboard.data.store import load_frames

    p = Principal("m", "secretariat")
    a = case_file(loaded, "SYN-00001", p)
    b = case_file(load_frames(loaded), "SYN-00001", p)
    assert a.facts == b.facts
    assert a.events.equals(b.events)


# --- a citation naming the victim in inflected forms (never scrubbed: withheld whole) --------

CITATION = "жалоба Петрова И., см. также дело Ивана Петрова; Петрову отказано"
FORMS = ("Петров", "Ивана", "Петрову", "Петрова")


@pytest.fixture
def petrov(engine, tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_id,region,victim_name,victim_status,incident_date,place_type,accused_agency,"
        "allegations,harm,complaint_date,complaint_channel,summary,source\n"
        "PET-2012-1,KZ-71,Петров Иван,suspect,2012-07,police_station,MVD_POLICE,beating,"
        f'injury,2012-08,crime_report,Избит в отделе,"{CITATION}"\n',
        "utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,seq,event_date,event_type,agency,detail,note,source\n"
        "PET-2012-1,1,2012-08,complaint_lodged,NGO,,Ивану Петрову звонили,"
        f'"{CITATION}"\n'
        "PET-2012-1,2,2012-09,refusal_to_open,PROS_LOCAL,no_crime,,письмо Петрову И.\n",
        "utf-8",
    )
    import_files(engine, [cases, events])
    return engine


def test_spu_head_sees_no_form_of_the_victims_name(petrov) -> None:
    cf = case_file(petrov, "PET-2012-1", Principal("s", "spu_head"))
    shown = repr(cf.facts) + cf.events.write_csv()
    for form in FORMS:
        assert form not in shown
    assert "source" not in cf.facts and "source" not in cf.events.columns
    assert cf.facts["case_id"] == "PET-2012-1"  # identifiers are never rewritten
    assert cf.events["event_type"].to_list() == ["complaint_lodged", "refusal_to_open"]


def test_committee_sees_the_citation_whole(petrov) -> None:
    cf = case_file(petrov, "PET-2012-1", Principal("m", "member"))
    assert cf.facts["source"] == CITATION
    assert cf.events["source"].to_list() == [CITATION, "письмо Петрову И."]


def test_spu_head_case_page_shows_no_form_of_the_name(petrov, monkeypatch) -> None:
    url = petrov.url.render_as_string(hide_password=False)
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", url)
    get_settings.cache_clear()
    add_accounts(petrov, {"head": "spu_head"})
    at = AppTest.from_file(str(ROOT / "pages" / "case.py"), default_timeout=90)
    at.session_state["principal"] = Principal("head", "spu_head")
    at.session_state["case_id"] = "PET-2012-1"
    at.session_state["language"] = "ru"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = rendered_text(at)
    assert "PET-2012-1" in text
    for form in FORMS:
        assert form not in text
