"""Methodology: every figure in plain words, its formula, and the choices made."""

import streamlit as st

from dashboard.engine.methodology import (
    CASE_METRIC_TEXTS,
    DASHBOARD_CHOICES,
    DOCKET_TEXTS,
    GENERAL_RULES,
    INDICATOR_TEXTS,
    QUALITY_TEXTS,
    engine_choices,
    quality_needs,
)
from dashboard.i18n import label, t
from dashboard.ui.auth import require_page

principal = require_page("view_public_figures")
st.title(t("Methodology"))
st.markdown(
    t(
        "How every figure in this dashboard is defined. The definitions follow the committee's indicator specification."
    )
)

st.header(t("General rules"))
for rule in GENERAL_RULES:
    st.markdown(f"- {t(rule)}")

st.header(t("Systemic indicators"))
for e in INDICATOR_TEXTS:  # plain sections, not expanders: the page is printed whole
    st.markdown(f"**{t(e.title)}**  \n{t(e.plain)}")

st.header(t("Data quality and context notes"))
for text in QUALITY_TEXTS:
    st.markdown(f"- {t(text)}")
st.markdown(f"**{t('What each figure needs')}**")
for title, needs in quality_needs():
    st.markdown(f"- {t(title)}: {'; '.join(t(n) for n in needs)}")

st.header(t("Per-case metrics"))
for e in CASE_METRIC_TEXTS:
    st.markdown(f"**{t(e.title)}**: {t(e.plain)}")

st.header(t("Docket suggestions"))
for name, text in DOCKET_TEXTS.items():
    st.markdown(f"- **{label('docket_rule', name)}**: {t(text)}")

st.header(t("Choices where the specification left room"))
for choice in DASHBOARD_CHOICES:
    st.markdown(f"- {t(choice)}")

st.divider()
st.header(t("For analysts: the definitions in the data's terms"))
st.caption(
    t(
        "This section names the data's fields and the code's figures (in English, as the data "
        "contract and the code write them), so an analyst can recompute every figure."
    )
)
for e in INDICATOR_TEXTS:
    st.markdown(f"- **{t(e.title)}** (`{e.name}`): {t(e.formula)}")
for e in CASE_METRIC_TEXTS:
    st.markdown(f"- **{t(e.title)}** (`{e.name}`): {t(e.formula)}")
for name in DOCKET_TEXTS:
    st.markdown(f"- **{label('docket_rule', name)}**: `{name}`")
for module, text in engine_choices():
    st.subheader(f"`{module}`")
    st.markdown(text)
