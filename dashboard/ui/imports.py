"""The Import page's import panel: template, upload, check (a preview of the changes), confirm."""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.accounts.roles import Principal
from dashboard.data import public
from dashboard.data.preview import STATUSES, ImportPreview
from dashboard.data.template import template_xlsx
from dashboard.i18n import N_, t
from dashboard.ui.loaders import invalidate

K_PREVIEW = "data_preview"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {"new": N_("new"), "updated": N_("updated"), "unchanged": N_("unchanged")}
COUNT_HEADERS = {"new": N_("New"), "updated": N_("Updated"), "unchanged": N_("Unchanged")}
EVENT_HEADERS = {
    "new": N_("New events"),
    "updated": N_("Updated events"),
    "unchanged": N_("Unchanged events"),
}


def import_panel(eng: Engine, principal: Principal) -> None:
    """Upload -> "Check" shows what would change (nothing written) -> "Import" writes it."""
    st.download_button(
        t("Template to fill in (XLSX)"),
        data=template_xlsx,
        file_name="oversight-template.xlsx",
        mime=XLSX_MIME,
        key="data_template",
        icon=":material/table_view:",
        on_click="ignore",
        help=t(
            "The sheets cases and events with every column, drop-down lists of the allowed "
            "values and one example row to replace."
        ),
    )
    files = st.file_uploader(
        t("Files to import"), type=["csv", "xlsx"], accept_multiple_files=True, key="data_upload"
    )
    uploads = [(f.name, f.getvalue()) for f in files or []]
    signature = tuple((name, hashlib.sha256(data).hexdigest()) for name, data in uploads)
    held = st.session_state.get(K_PREVIEW)
    if held is not None and held[0] != signature:  # other files: the preview is not theirs
        st.session_state.pop(K_PREVIEW, None)
    if st.button(t("Check the files"), key="data_import", type="primary", disabled=not files):
        st.session_state.pop(K_PREVIEW, None)
        with st.spinner(t("Checking the files…")):
            outcome = public.preview_uploaded(eng, principal, uploads)
        if outcome.problems is not None:
            _problems(outcome.problems)
        else:
            st.session_state[K_PREVIEW] = (signature, outcome.preview)
    held = st.session_state.get(K_PREVIEW)
    if held is None:
        return
    preview: ImportPreview = held[1]
    if st.session_state.get("data_confirm"):  # clicked in the run before: write, then report
        _confirm(eng, principal, uploads, preview)
    elif _show_preview(preview):
        st.button(t("Import these changes"), key="data_confirm", type="primary")


def _confirm(
    eng: Engine, principal: Principal, uploads: list[tuple[str, bytes]], preview: ImportPreview
) -> None:
    with st.spinner(t("Importing…")):
        outcome = public.import_uploaded(eng, principal, uploads, previewed=preview)
    st.session_state.pop(K_PREVIEW, None)
    if outcome.stale:
        st.warning(t("The data changed since the check. Nothing was written: check again."))
    elif outcome.problems is not None:
        _problems(outcome.problems)
    else:
        invalidate()
        st.success(
            t(
                "Imported: {cn} new, {cu} updated and {cs} unchanged cases; {en} new, "
                "{eu} updated and {es} unchanged events.",
                **_counts(preview),
            )
        )


def _counts(preview: ImportPreview) -> dict[str, int]:
    keys = {"new": "n", "updated": "u", "unchanged": "s"}
    return {
        f"{table[0]}{keys[s]}": preview.count(table, s)
        for table in ("cases", "events")
        for s in STATUSES
    }


def _show_preview(preview: ImportPreview) -> bool:
    """The preview's counts per table and per case; False when there is nothing to write."""
    changes = sum(preview.count(table, s) for table in ("cases", "events") for s in STATUSES[:2])
    box = st.container(border=True)
    box.markdown(t("**Nothing is written yet.** Importing these files would change:"))
    tables = preview.tables.with_columns(
        pl.col("table").replace_strict({"cases": t("Cases"), "events": t("Events")})
    )
    box.dataframe(
        tables.rename({"table": t("Table"), **{s: t(h) for s, h in COUNT_HEADERS.items()}}),
        hide_index=True,
        key="data_preview_tables",
    )
    per_case = preview.cases.with_columns(
        pl.col("case").replace_strict({s: t(m) for s, m in STATUS_LABELS.items()}, default="—")
    ).rename(
        {
            "case_id": t("Case"),
            "case": t("Case record"),
            **{f"events_{s}": t(m) for s, m in EVENT_HEADERS.items()},
        }
    )
    with box.expander(t("Per case ({n})", n=preview.cases.height)):
        st.dataframe(per_case, hide_index=True, key="data_preview_cases", width="stretch")
    if changes == 0:
        box.info(t("Everything in these files is already stored as it is: nothing to import."))
        return False
    return True


def _problems(problems: pl.DataFrame) -> None:
    st.error(
        t(
            "{n} problems found. Nothing was written: correct the files and import again.",
            n=problems.height,
        )
    )
    st.dataframe(
        problems.rename(
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
