"""The server: Streamlit's app (app.py) with the sign-in route beside it, as one ASGI app.

`oversight run` starts it (`streamlit run asgi.py`); `uvicorn asgi:app` serves it too.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard.ui.routes import routes

# app.py routes every address through st.navigation. Until its first run in a process,
# Streamlit would treat pages/ as an automatic multipage folder, so the very first visitor's
# deep link (/case?case=…) ran pages/case.py bare, past the sign-in form, with every page
# name listed in the sidebar. Settled before any session starts:
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=routes())
