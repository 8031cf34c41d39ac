"""Case list and case page: drill-down ids, filters, search, role-dependent personal data."""

from __future__ import annotations

from sqlmodel import Session, select

from dashboard.i18n import label
from db.models import AuditLog
from tests.conftest import linked_case_ids


def _ids(at) -> list[str]:
    return sorted(linked_case_ids(at.dataframe[0].value["case_id"]))


def test_drill_down_shows_exactly_the_given_cases_and_clears(page) -> None:
    ids = ["SYN-00003", "SYN-00011", "DOC-ROZ"]
    at = page("cases", drill_ids=ids, drill_label="Test figure")
    assert not at.exception
    assert _ids(at) == sorted(ids)
    assert any("Test figure" in m.value for m in at.markdown)
    at.button(key="cases_clear").click().run()
    assert "drill_ids" not in at.session_state
    assert len(_ids(at)) > len(ids)


def test_filters_narrow_the_list(page) -> None:
    at = page("cases")
    at.toggle(key="cases_scope").set_value(False).run()
    everything = _ids(at)
    at.multiselect(key="cases_harm").set_value(["death"]).run()
    deaths = at.dataframe[0].value
    assert 0 < len(deaths) < len(everything)
    assert set(deaths["harm"]) == {label("harm", "death")}  # shown by its display name
    at.multiselect(key="cases_harm").set_value([]).run()
    at.multiselect(key="cases_flags").set_value(["pingpong"]).run()
    pingpong = at.dataframe[0].value
    assert len(pingpong) > 0 and (pingpong["reversals"] >= 3).all()


def test_search_by_reference_and_summary_by_role(page) -> None:
    at = page("cases")
    at.toggle(key="cases_scope").set_value(False).run()
    at.text_input(key="cases_q").input("syn-0001").run()
    assert _ids(at) == [f"SYN-{i:05d}" for i in range(10, 20)]
    at.text_input(key="cases_q").input("Synthetic case 7:").run()
    assert _ids(at) == ["SYN-00007"]
    spu = page("cases", role="spu_head")
    spu.toggle(key="cases_scope").set_value(False).run()
    spu.text_input(key="cases_q").input("Synthetic case 7:").run()
    assert not spu.dataframe  # summaries are not searchable without narrative rights
    assert any("No cases match" in i.value for i in spu.info)


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_case_page_names_for_committee_only_and_audited(page, demo_db) -> None:
    at = page("case", case_id="SYN-00003")
    assert not at.exception
    assert "Person 3" in _texts(at)
    spu = page("case", role="spu_head", case_id="SYN-00003")
    assert not spu.exception
    assert "Person 3" not in _texts(spu) and "Synthetic case 3" not in _texts(spu)
    with Session(demo_db) as s:
        views = s.exec(select(AuditLog).where(AuditLog.action == "view_case")).all()
    assert [(v.entity_id, v.username) for v in views] == [("SYN-00003", "test-secretariat")]
