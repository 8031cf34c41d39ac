"""Entry script and router: page config, language, first start, sign-in gate, pages by role.

asgi.py serves it (with the sign-in route); every rerun resolves the session cookie afresh.
A signed-out visitor gets only the sign-in page, at whatever page address was opened, so after
signing in the browser returns to that very view; a signed-in user gets the pages their role
may open (dashboard.navigation.pages_for). Each page checks its permission again, and every domain
function checks the role, so a page reached by its URL cannot show more than the role allows.
"""

from pathlib import Path

import streamlit as st

from dashboard.accounts.auth import ensure_demo_accounts
from dashboard.config import get_settings
from dashboard.data.seeding import SeedReport, seed_if_empty
from dashboard.i18n import t
from dashboard.i18n.format import fmt_number
from dashboard.navigation import PAGES, pages_for
from dashboard.ui.auth import (
    apply_language,
    check_session,
    sign_in_form,
    sign_out_button,
)
from dashboard.ui.i18n import language_selector, streamlit_texts
from dashboard.ui.loaders import engine
from dashboard.ui.menu import sidebar_menu

HERE = Path(__file__).resolve().parent

# the tab icon is a file of ours: a ":material/…" icon makes the browser fetch it from Google
st.set_page_config(
    page_title="Oversight",
    page_icon=str(HERE / "dashboard" / "resources" / "favicon.png"),
    layout="wide",
)


@st.cache_resource(show_spinner=False)
def first_start(url: str) -> tuple[SeedReport | None, list[str]]:
    """Once per process and database: seed an empty database, create the demo accounts."""
    eng = engine()
    seeded = seed_if_empty(eng) if get_settings().seed_on_first_start else None
    return seeded, ensure_demo_accounts(eng)


eng = engine()
seeded, demo_created = first_start(get_settings().database_url)
principal = check_session(eng)  # every rerun: the session cookie, account active, current role
apply_language(eng)
if seeded and not st.session_state.get("seed_shown"):
    st.session_state["seed_shown"] = True
    # in the user's language and short enough for a toast (SeedReport's text is the CLI's)
    st.toast(
        t(
            "Demo data loaded: {documented} documented cases from the report and {synthetic} "
            "synthetic ones.",
            documented=fmt_number(seeded.documented_cases),
            synthetic=fmt_number(seeded.synthetic_cases),
        ),
        icon=":material/database:",
    )

language_selector(eng)
streamlit_texts()


def sign_in_page() -> None:
    st.title(t("Oversight"))
    st.caption(t("Investigations of complaints of torture: indicators, docket and follow-up."))
    left, _ = st.columns([2, 3])
    with left:
        sign_in_form(eng)
        if get_settings().demo_accounts:
            st.info(t("Demo installation: see the README for the demo accounts."))


if principal is None:
    # every page's address leads to the sign-in form (not "page not found"), query kept
    nav = st.navigation(
        [st.Page(sign_in_page, title=t("Sign in"), icon=":material/login:", default=True)]
        + [
            st.Page(
                sign_in_page,
                title=t("Sign in"),
                url_path=Path(spec.path).stem,
                visibility="hidden",
            )
            for spec in PAGES
        ],
        position="hidden",
    )
else:
    allowed = {spec.path for spec in pages_for(principal.role)}
    sections: dict[str, list] = {}
    menu: dict[str, list] = {}
    for spec in PAGES:
        path = HERE / spec.path
        if not path.is_file():  # a page not written yet
            continue
        # a page the role may not open is reachable by its address only, and refuses there
        # with a sentence in the user's language (require_page)
        shown = spec.path in allowed and not spec.hidden
        page = st.Page(
            str(path),
            title=t(spec.title),
            icon=spec.icon,
            default=principal.role in spec.default_for,
            visibility="visible" if shown else "hidden",
        )
        sections.setdefault(t(spec.section), []).append(page)
        if shown:
            menu.setdefault(t(spec.section), []).append(page)
    # routes every URL through this script; the menu is ours (dashboard/ui/menu.py says why)
    nav = st.navigation(sections, position="hidden")
    sidebar_menu(menu)
    sign_out_button(eng)
nav.run()
