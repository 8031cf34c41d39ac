"""Page tests: a database with the spec's examples and a small synthetic set, and AppTest runners."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.accounts.roles import Principal
from dashboard.data.database import get_engine
from tests.conftest import EXAMPLES, ROOT, make_test_accounts
from tests.ui.demo_data import load_demo

#: a period the demo set covers, so figures are not empty whatever today's date is
PERIOD = "2025-H1"


@pytest.fixture
def demo_db() -> Iterator[Engine]:
    """The app's own database (OVERSIGHT_DATABASE_URL from the autouse fixture), loaded."""
    engine = get_engine()
    load_demo(engine, examples=EXAMPLES)
    make_test_accounts(engine)
    yield engine


@pytest.fixture
def page(demo_db: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """page("overview", role="secretariat", **state) -> an AppTest that has run once, in English
    (the assertions read labels)."""
    from dashboard.config import get_settings
    from dashboard.i18n import set_language

    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    set_language("en")

    def make(name: str, role: str = "secretariat", run: bool = True, **state: object) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
        agency = "PGO" if role == "addressee" else None  # an addressee answers for one agency
        at.session_state["principal"] = Principal(f"test-{role}", role, agency_code=agency)
        at.session_state["ctl_period"] = PERIOD
        for k, v in state.items():
            at.session_state[k] = v
        if run:
            at.run()
        return at

    return make
