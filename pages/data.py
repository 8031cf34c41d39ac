"""Import and export (secretariat): upload the contract's files, download exports, demo data."""

import streamlit as st

from dashboard.data import public
from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header
from dashboard.ui.imports import import_panel
from dashboard.ui.loaders import engine, invalidate

principal = require_page("import_data")
page_header("Import and export")
eng = engine()

st.subheader(t("Import"))
st.caption(
    t(
        "A pair of CSV files (cases.csv and events.csv) or one XLSX workbook with the sheets "
        "cases and events, as described in the data contract (Excel's CSV with “;” and "
        "Windows-1251 is read too). First the files are checked and you see what would "
        "change; nothing is written until you confirm. All or nothing: if any row is invalid, "
        "nothing is written."
    )
)
import_panel(eng, principal)

st.subheader(t("Export"))
st.caption(t("Full exports contain victims' names and notes: keep them safe."))
a, b, c = st.columns(3)
a.download_button(
    t("All data, CSV (zip)"),
    data=lambda: public.export_bytes(eng, principal, "csv"),
    file_name="oversight-csv.zip",
    mime="application/zip",
    key="data_export_csv",
)
b.download_button(
    t("All data, XLSX"),
    data=lambda: public.export_bytes(eng, principal, "xlsx"),
    file_name="oversight.xlsx",
    key="data_export_xlsx",
)
c.download_button(
    t("Public figures, XLSX (suppressed)"),
    data=lambda: public.public_export_bytes(eng, principal, "xlsx"),
    file_name="oversight-public.xlsx",
    key="data_export_public",
)

st.subheader(t("Demo data"))
st.caption(
    t(
        "Reloading writes the report's documented cases and the synthetic set again: demo "
        "cases with the same reference are overwritten. Removing deletes the synthetic cases "
        "only; real data are not touched."
    )
)
left, right = st.columns(2)
reseed = left.checkbox(t("Yes, reload the demo data"), key="data_confirm_reseed")
if left.button(t("Reload the demo data"), key="data_reseed", disabled=not reseed):
    with st.spinner(t("Loading the demo data…")):
        st.success(public.reload_demo(eng, principal))
    invalidate()
confirm = right.checkbox(t("Yes, remove every synthetic case"), key="data_confirm_remove")
if right.button(t("Remove the synthetic set"), key="data_remove", disabled=not confirm):
    n = public.remove_synthetic_cases(eng, principal)
    invalidate()
    st.success(t("{n} synthetic cases removed.", n=n))
