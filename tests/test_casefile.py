"""case_file: the observer is refused, the SPU head never sees names or narrative."""

from __future__ import annotations

import pytest

from dashboard.casefile import CaseNotFound, case_file
from dashboard.roles import AccessDenied, Principal
from tests.pages.demo_data import load_demo


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
    from dashboard.store import load_frames

    p = Principal("m", "secretariat")
    a = case_file(loaded, "SYN-00001", p)
    b = case_file(load_frames(loaded), "SYN-00001", p)
    assert a.facts == b.facts
    assert a.events.equals(b.events)
