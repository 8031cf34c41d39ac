"""Context notes (secretariat): explain a figure for a half-year and a region; the notes are
shown beside the figure and in the session pack."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header, sidebar_controls
from dashboard.ui.notes import note_form, note_list

principal = require_page("annotate_figures")
c = sidebar_controls()
page_header("Context notes", c)
st.caption(
    t(
        "A note explains a figure for a half-year and a region, for example a drop that follows "
        "a reorganisation. Committee members see every note beside the figure and in the session "
        "pack; observers only the notes marked public."
    )
)
st.subheader(t("New note"))
note_form(principal, c)
st.subheader(t("Notes"))
note_list(principal)
