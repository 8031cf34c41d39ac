"""The sidebar menu: the pages a role may open, by section, drawn with st.page_link.

Streamlit's automatic page navigation is switched off (`client.showSidebarNavigation = false`
in .streamlit/config.toml): on a server that no one has opened yet, it listed every script in
pages/ before app.py had said which pages a role may see. The switch also hides the menu of
`st.navigation`, so app.py calls it with `position="hidden"` (it still routes every URL,
deep links included, through app.py's sign-in gate) and the menu is drawn here.
"""

from __future__ import annotations

import streamlit as st

#: the menu's container key (its element has the CSS class `st-key-app_menu`)
MENU_KEY = "app_menu"


#: a page title longer than the sidebar is wide wraps onto a second line instead of being cut
#: ("Участие специальных прокуроро…"): Streamlit's page link keeps its label on one line
_WRAP_TITLES = f"""<style>
.st-key-{MENU_KEY} [data-testid="stPageLink"] a {{ height: auto; }}
.st-key-{MENU_KEY} [data-testid="stPageLink"] a * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
</style>"""


def sidebar_menu(sections: dict[str, list[st.Page]]) -> None:
    """One caption per section and a link per page, in the sidebar."""
    st.html(_WRAP_TITLES)
    with st.sidebar, st.container(key=MENU_KEY):
        for title, pages in sections.items():
            st.caption(title)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon or None)
