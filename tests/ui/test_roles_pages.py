"""Every page, for every role, with the seeded documented cases (which carry victims' names).

A role's pages render without an exception; other pages refuse; for the observer and the SPU
head no victim name from the data appears anywhere in the rendered output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl
import pytest
from google.protobuf import text_format
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.accounts.roles import PERMISSIONS, ROLES, Principal
from dashboard.data.database import get_engine
from dashboard.navigation import PAGES
from tests.conftest import ROOT, add_accounts, make_test_accounts

DOCUMENTED = ROOT / "seed" / "documented" / "cases.csv"
#: a documented case with a named victim, opened on the case page
NAMED_CASE = "DOC-EVL"
#: a half-year with documented complaints, so lists and figures are not empty
PERIOD = "2012-H1"


def victim_names() -> list[str]:
    """Every victim name in the data and each surname (the part most likely to be repeated)."""
    names = pl.read_csv(DOCUMENTED, infer_schema=False)["victim_name"].drop_nulls().to_list()
    out: set[str] = set()
    for cell in names:
        for person in re.split(r",| and ", cell):
            person = person.strip()
            if person:
                out.add(person)
                out.add(person.split()[-1])
    return sorted(out)


NAMES = victim_names()


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One seeded database for the module: the documented cases and the pages' demo set."""
    from dashboard.data.seeding import seed_database
    from tests.ui.demo_data import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('roles') / 'seeded.db'}"
    engine = get_engine(url)
    seed_database(engine, synthetic=None)
    load_demo(engine)
    make_test_accounts(engine, AGENCY)
    add_accounts(engine, {"secretariat": "secretariat"})
    yield url


@pytest.fixture
def app_db(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", seeded_db)
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    return get_engine(seeded_db)


def rendered_text(at: AppTest) -> str:
    """All text of the rendered page: markdown, widgets, tables' cells, charts' data."""
    parts: list[str] = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "arrow_data_frame":
            parts.append(node.value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def leaked(text: str) -> list[str]:
    """Victim names found in `text`: the documented ones and the demo set's "Person N"."""
    low = text.lower()
    return [n for n in NAMES if n.lower() in low] + re.findall(r"Person \d+", text)


#: the agency of the addressee account the pages are tried with
AGENCY = "PROS_REGIONAL"


def run_page(path: str, role: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=90)
    at.session_state["principal"] = Principal(
        f"test-{role}", role, agency_code=AGENCY if role == "addressee" else None
    )
    at.session_state["ctl_period"] = PERIOD
    at.session_state["case_id"] = NAMED_CASE
    at.session_state["language"] = "en"
    at.run()
    return at


CASES = [(spec.path, role) for spec in PAGES for role in ROLES]


@pytest.mark.parametrize(("path", "role"), CASES, ids=[f"{r}:{p}" for p, r in CASES])
def test_page_for_role(app_db: Engine, path: str, role: str) -> None:
    spec = next(s for s in PAGES if s.path == path)
    at = run_page(path, role)
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    if role in PERMISSIONS[spec.permission]:
        assert "role does not give access" not in errors
        assert at.title, f"{path} shows no title for {role}"
    else:
        assert "role does not give access" in errors
    if role in ("observer", "spu_head", "addressee"):
        assert leaked(rendered_text(at)) == []


def test_addressee_tracker_lists_its_own_agency_only(app_db: Engine) -> None:
    from dashboard.data.seeding import seed_sessions
    from dashboard.i18n import label, set_language

    seed_sessions(app_db)  # the demo sessions: recommendations to PGO, SPU, MVD_IID, PROS_REGIONAL
    at = run_page("pages/tracker.py", "addressee")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    set_language("en")
    assert len(table) > 0 and set(table["addressee"]) == {label("agency", AGENCY)}
    assert leaked(rendered_text(at)) == []


def test_the_name_search_finds_names_when_they_are_shown(app_db: Engine) -> None:
    """Control: a committee member's case page shows the name, and the search finds it."""
    at = run_page("pages/case.py", "member")
    assert not at.exception
    assert "Oleg Evloev" in leaked(rendered_text(at))


def test_router_signed_out_sees_only_sign_in(app_db: Engine) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    # the password form is plain HTML that posts to the sign-in route (which sets the cookie)
    (form,) = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert 'method="post" action="/auth/sign-in"' in form
    assert 'name="username"' in form and 'type="password"' in form
    assert 'name="next" value="/"' in form
    assert not at.dataframe and not at.metric
    assert leaked(rendered_text(at)) == []


def test_router_with_a_principal_opens_the_roles_start_page(app_db: Engine) -> None:
    # AppTest has no HTTP layer (no cookie): the session's Principal stands as set
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["principal"] = Principal("observer", "observer")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Public figures"]
    assert leaked(rendered_text(at)) == []
    # pages outside the observer's menu are not in it; opened by their address, they refuse
    # in the user's language and show nothing of theirs (no 'Page not found')
    menu = rendered_text(at)
    for page in ("case.py", "cases.py", "overview.py", "audit.py"):
        at.switch_page(str(ROOT / "pages" / page)).run()
        assert not at.exception, [e.value for e in at.exception]
        assert [e.value for e in at.error] == ["Your role does not give access to this page."]
        assert not at.dataframe and not at.metric
        assert leaked(rendered_text(at)) == []
    assert "Follow-up tracker" in menu  # the menu is read...
    assert "Case list" not in menu and "Audit log" not in menu  # ...and lists only its pages
    at.switch_page(str(ROOT / "pages" / "tracker.py")).run()
    assert not at.exception
    assert leaked(rendered_text(at)) == []


def test_router_says_a_sign_in_was_refused(app_db: Engine) -> None:
    # the route redirects back with ?sign_in=refused: one answer, whatever the reason
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["sign_in"] = "refused"
    at.query_params["case"] = "DOC-EVL"
    at.run()
    assert "principal" not in at.session_state
    assert [e.value for e in at.error if "Wrong username or password" in e.value]
    (form,) = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert 'name="next" value="/?case=DOC-EVL"' in form  # back to the link, without the reason


def _sign_out_script() -> None:
    import streamlit as st

    from dashboard.ui.auth import current_principal, sign_out_button
    from dashboard.ui.loaders import engine

    sign_out_button(engine())
    st.markdown("signed in" if current_principal() else "signed out")


def test_sign_out(app_db: Engine) -> None:
    # from_function: AppTest runs a page script on its own when app.py sits next to pages/,
    # so the router's sidebar is tested here and in the browser test
    at = AppTest.from_function(_sign_out_script, default_timeout=60)
    at.session_state["principal"] = Principal("secretariat", "secretariat")
    at.run()
    assert [m.value for m in at.markdown] == ["signed in"]
    at.button(key="sign_out").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "principal" not in at.session_state
    assert [m.value for m in at.markdown] == ["signed out"]
    from dashboard.accounts import audit

    log = audit.read(app_db, Principal("x", "secretariat"), action="sign_out")
    assert log["username"].to_list()[:1] == ["secretariat"]


def test_case_page_view_with_names_is_audited(app_db: Engine) -> None:
    from dashboard.accounts import audit

    sec = Principal("x", "secretariat")
    before = audit.read(app_db, sec, action="view_case", entity_id=NAMED_CASE).height
    run_page("pages/case.py", "member")
    views = audit.read(app_db, sec, action="view_case", entity_id=NAMED_CASE)
    assert views.height == before + 1
    assert views["username"][0] == "test-member"
    # the SPU head's case page shows no personal data: nothing to audit
    run_page("pages/case.py", "spu_head")
    assert audit.read(app_db, sec, action="view_case", entity_id=NAMED_CASE).height == before + 1


def test_data_page_lists_every_problem_and_writes_nothing(app_db: Engine) -> None:
    from dashboard.accounts import audit
    from tests.conftest import EXAMPLES

    cases = (EXAMPLES / "cases.csv").read_text().splitlines()
    header, first = cases[0], cases[1]
    bad = "\n".join([header, first.replace("KZ-71", "KZ-99", 1), first.replace("DOC-EVL", "", 1)])
    sec = Principal("x", "secretariat")
    imports_before = audit.read(app_db, sec, action="import").height
    at = run_page("pages/data.py", "secretariat")
    at.file_uploader(key="data_upload").upload("cases.csv", bad.encode(), "text/csv").run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Nothing was written" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert len(problems) >= 2
    assert set(problems["File"]) == {"cases.csv"}
    assert "KZ-99" in problems.to_csv()
    assert audit.read(app_db, sec, action="import").height == imports_before


def test_data_page_imports_valid_files(app_db: Engine, tmp_path) -> None:
    from dashboard.accounts import audit
    from tests.conftest import EXAMPLES

    sec = Principal("x", "secretariat")
    imports_before = audit.read(app_db, sec, action="import").height
    at = run_page("pages/data.py", "secretariat")
    up = at.file_uploader(key="data_upload")
    for name in ("cases.csv", "events.csv"):  # cases the demo database does not hold yet
        content = (EXAMPLES / name).read_text("utf-8").replace("DOC-", "UPLOAD-")
        up.upload(name, content.encode(), "text/csv")
    up.run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert audit.read(app_db, sec, action="import").height == imports_before  # checked only
    at.button(key="data_confirm").click().run()
    assert any(s.value.startswith("Imported:") for s in at.success), [e.value for e in at.error]
    log = audit.read(app_db, sec, action="import")
    assert log.height == imports_before + 1 and log["username"][0] == "test-secretariat"


def test_first_start_seeds_once_and_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("OVERSIGHT_SYNTHETIC_CASES", "20")
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    toasts = [x.value for x in at.toast]
    assert len(toasts) == 1 and "documented cases" in toasts[0]
    at.run()
    assert [x.value for x in at.toast] == []


def test_first_start_says_so_in_russian(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The toast was the CLI's English report inside a Russian sentence."""
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("OVERSIGHT_SYNTHETIC_CASES", "20")
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "ru")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    toasts = [x.value for x in at.toast]
    assert toasts == ["Демонстрационные данные загружены: 16 дел из доклада и 20 синтетических."]
