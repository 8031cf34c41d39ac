"""Context notes on screen: beside a figure, and the secretariat's forms to write, change
and retract them (dashboard.committee.notes)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.accounts.roles import Principal, can
from dashboard.committee.notes import (
    NOTE_MAX_CHARS,
    add_note,
    notes_beside,
    retract_note,
    update_note,
)
from dashboard.data.contract import region_codes
from dashboard.engine.registry import FUNNEL_STAGES, INDICATORS
from dashboard.i18n import region_name, t
from dashboard.i18n.format import indicator_title
from dashboard.ui.committee import run_write
from dashboard.ui.controls import Controls, half_years
from dashboard.ui.loaders import data_version, load_notes
from dashboard.ui.quality import texts

#: the figures a note can be attached to: every indicator and the funnel's stages
NOTABLE = [n for n in INDICATORS if n not in FUNNEL_STAGES] + list(FUNNEL_STAGES)


def visible_notes(principal: Principal) -> pl.DataFrame:
    return load_notes(data_version(), principal, can(principal, "view_unpublished"))


def _where(region: str | None) -> str:
    return region_name(region) if region else t("All regions")


def notes_for(
    principal: Principal, period: str, regions: tuple[str, ...], *, public_only: bool = False
) -> dict[str, list[str]]:
    """Indicator -> the lines of the notes to show beside it for a view of `period` and
    `regions` (empty: the whole country); `public_only` for the public page, which shows
    every role what observers see."""
    notes = visible_notes(principal)
    if public_only:
        notes = notes.filter(pl.col("public"))
    return {
        name: [
            f"{_where(r['region'])}: {r['text']}"
            for r in notes_beside(notes, name, period, regions).iter_rows(named=True)
        ]
        for name in notes["indicator"].unique().to_list()
    }


def notes_of(c: Controls, principal: Principal) -> dict[str, list[str]]:
    """notes_for the sidebar's period and regions."""
    return notes_for(principal, c.period, c.regions)


def note_form(principal: Principal, c: Controls) -> None:
    """The secretariat's form for a new note (defaults: the sidebar's period and region)."""
    with st.form("note_new", clear_on_submit=False):
        a, b, d = st.columns(3)
        indicator = a.selectbox(
            t("Indicator"), NOTABLE, key="note_indicator", format_func=indicator_title
        )
        periods = half_years(date(2008, 1, 1), date.today())
        period = b.selectbox(
            t("Half-year"),
            periods,
            index=periods.index(c.period) if c.period in periods else 0,
            key="note_period",
        )
        region = d.selectbox(
            t("Region"), ["", *region_codes()], key="note_region", format_func=_where
        )
        text = st.text_area(t("Context note"), key="note_text", max_chars=NOTE_MAX_CHARS)
        public = st.checkbox(
            t("Show on the public page too"),
            key="note_public",
            help=t("Only for a note that names no person and no case."),
        )
        if not st.form_submit_button(t("Save the note"), type="primary", key="note_save"):
            return
    saved = run_write(
        add_note,
        where=t("The note"),
        principal=principal,
        indicator=indicator,
        period=period,
        region=region or None,
        text=text,
        public=public,
    )
    if saved is not None:
        st.success(t("Note saved."))


def note_list(principal: Principal) -> None:
    """Every note, newest first, and a choice of one to change or retract."""
    notes = visible_notes(principal)
    if notes.is_empty():
        st.info(t("No notes yet."))
        return
    view = notes.select(
        pl.col("period").alias(t("Half-year")),
        texts(notes["indicator"], indicator_title, t("Indicator")),
        texts(notes["region"], _where, t("Region")),
        pl.col("text").alias(t("Context note")),
        pl.col("public").alias(t("Public")),
        pl.col("created_by").alias(t("Written by")),
    )
    st.dataframe(view, key="note_table", hide_index=True)
    labels = {
        r["id"]: f"{r['period']} · {indicator_title(r['indicator'])} · {_where(r['region'])}"
        f" · {r['text'][:40]}"
        for r in notes.iter_rows(named=True)
    }
    chosen = st.selectbox(
        t("Note to change or retract"),
        [None, *labels],
        key="note_choice",
        format_func=lambda i: "—" if i is None else labels[i],
    )
    if chosen is not None:
        note_edit(principal, notes.filter(pl.col("id") == chosen).row(0, named=True))


def note_edit(principal: Principal, note: dict) -> None:
    """Change one note's text or publicity, or retract it."""
    with st.form(f"note_edit_{note['id']}"):
        text = st.text_area(
            t("Context note"), value=note["text"], key=f"note_edit_text_{note['id']}"
        )
        public = st.checkbox(
            t("Show on the public page too"),
            value=note["public"],
            key=f"note_edit_public_{note['id']}",
        )
        left, right = st.columns(2)
        save = left.form_submit_button(t("Save the change"), key=f"note_edit_save_{note['id']}")
        retract = right.form_submit_button(t("Retract the note"), key=f"note_retract_{note['id']}")
    if save:
        kw = {"text": text, "public": public}
        if run_write(
            update_note, where=t("The note"), principal=principal, note_id=note["id"], **kw
        ):
            st.success(t("Note saved."))
    if retract and run_write(
        retract_note, where=t("The note"), principal=principal, note_id=note["id"]
    ):
        st.success(t("Note retracted: it is shown nowhere now."))
