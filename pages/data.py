"""Import and export (secretariat): upload the contract's files, download exports, demo data."""

import streamlit as st

from dashboard.data import public
from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import engine, invalidate

principal = require_page("import_data")
page_header("Import and export")
eng = engine()

st.subheader(t("Import"))
st.caption(
    t(
        "A pair of CSV files (cases.csv and events.csv) or one XLSX workbook with the sheets "
        "cases and events, as described in the data contract. All or nothing: if any row is "
        "invalid, nothing is written."
    )
)
files = st.file_uploader(
    t("Files to import"), type=["csv", "xlsx"], accept_multiple_files=True, key="data_upload"
)
if st.button(t("Check and import"), key="data_import", type="primary", disabled=not files):
    with st.spinner(t("Checking and importing…")):
        outcome = public.import_uploaded(
            eng, principal, [(f.name, f.getvalue()) for f in files or []]
        )
    if outcome.problems is not None:
        st.error(
            t(
                "{n} problems found. Nothing was written: correct the files and import again.",
                n=outcome.problems.height,
            )
        )
        st.dataframe(
            outcome.problems.rename(
                {
                    "file": t("File"),
                    "line": t("Line"),
                    "column": t("Column"),
                    "reason": t("Problem"),
                    "value": t("Value"),
                }
            ),
            hide_index=True,
            key="data_problems",
            width="stretch",
        )
    else:
        invalidate()
        r = outcome.result
        st.success(
            t(
                "Imported: {ci} new and {cu} updated cases, {ei} new and {eu} updated events.",
                ci=r.cases_inserted,
                cu=r.cases_updated,
                ei=r.events_inserted,
                eu=r.events_updated,
            )
        )

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
left, right = st.columns(2)
if left.button(t("Reload the demo data"), key="data_reseed"):
    with st.spinner(t("Loading the demo data…")):
        st.success(public.reload_demo(eng, principal))
    invalidate()
confirm = right.checkbox(t("Yes, remove every synthetic case"), key="data_confirm_remove")
if right.button(t("Remove the synthetic set"), key="data_remove", disabled=not confirm):
    n = public.remove_synthetic_cases(eng, principal)
    invalidate()
    st.success(t("{n} synthetic cases removed.", n=n))
