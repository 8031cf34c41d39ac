"""Streamlit helpers of the committee pages: the shared session picker, form errors, labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboard import workflow as wf
from dashboard.i18n import N_, t
from dashboard.roles import Principal
from dashboard.ui import engine, invalidate

#: the session chosen on any committee page (shared by sessions, docket, recommendations)
K_SESSION = "wf_session_id"

FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "session_date": N_("Session date"),
    "period": N_("Half-year under review"),
    "members_present": N_("Members present"),
    "status": N_("Status"),
    "case_id": N_("Case"),
    "reason": N_("Reason"),
    "comment": N_("Comment"),
    "kind": N_("Kind"),
    "addressee": N_("Addressee"),
    "text": N_("Recommendation"),
    "due_date": N_("Due date"),
    "target_indicator": N_("Targeted indicator"),
    "target_region": N_("Region concerned"),
    "status_date": N_("Date of the update"),
    "evidence": N_("Evidence"),
    "session": N_("Session"),
}


def show_problems(err: wf.WorkflowValidationError, *, where: str) -> None:
    """One st.error listing each problem with the field it concerns; the form keeps its values."""
    lines = [f"- **{t(FIELD_LABELS.get(p.field, p.field))}**: {p.message()}" for p in err.problems]
    st.error(t("{form} was not saved:", form=where) + "\n" + "\n".join(lines))


def run_write(fn: Callable[..., Any], *, where: str, **kwargs: Any) -> Any | None:
    """Call a workflow write; on success invalidate caches and return its result, else None."""
    try:
        result = fn(engine=engine(), **kwargs)
    except wf.WorkflowValidationError as err:
        show_problems(err, where=where)
        return None
    except wf.StaleEdit as err:
        st.error(err.message())
        return None
    invalidate()
    return result


def sessions(principal: Principal) -> pl.DataFrame:
    return wf.list_sessions(engine=engine(), principal=principal)


def session_label(row: dict[str, Any]) -> str:
    status = t(wf.SESSION_STATUS_LABELS.get(row["status"], row["status"]))
    return f"{row['session_date']} · {row['title']} ({row['period']}, {status})"


def session_picker(principal: Principal, *, key: str) -> int | None:
    """A select box of sessions (latest first); the choice is shared across committee pages."""
    frame = sessions(principal)
    if frame.is_empty():
        st.info(t("No committee session yet. The secretariat creates one on the Sessions page."))
        return None
    labels = {r["id"]: session_label(r) for r in frame.iter_rows(named=True)}
    ids = list(labels)
    current = st.session_state.get(K_SESSION)
    index = ids.index(current) if current in ids else 0
    chosen = st.selectbox(t("Session"), ids, index=index, format_func=labels.__getitem__, key=key)
    st.session_state[K_SESSION] = chosen
    return int(chosen) if chosen is not None else None


def status_label(status: str) -> str:
    return t(wf.STATUS_LABELS.get(status, status))


def kind_label(kind: str) -> str:
    return t(wf.KIND_LABELS.get(kind, kind))


def keep(key: str, default: Any) -> None:
    """Seed a widget's value once, so reruns and failed submissions keep what was entered."""
    if key not in st.session_state:
        st.session_state[key] = default
