"""Forms of the case register: register a case, add/correct/retract events, correct the facts.

Saves run in the buttons' callbacks, before the page is drawn again, so a refused save's
problems appear under the fields they concern and every value entered stays in its widget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlencode

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.accounts.roles import Principal, can
from dashboard.data import contract as c
from dashboard.data import register
from dashboard.data.casefile import CaseFile
from dashboard.data.duplicates import possible_duplicates
from dashboard.data.importer import ImportValidationError
from dashboard.i18n import N_, column_label, format_datetime, label, options, region_name, t
from dashboard.ui.drilldown import CASE_PAGE
from dashboard.ui.loaders import engine, invalidate

#: the case facts' widgets: field -> kind (text, area, choice, multi, tristate, check, age)
CASE_WIDGETS: dict[str, str] = {
    "case_id": "text",
    "region": "region",
    "incident_date": "date",
    "complaint_date": "date",
    "complaint_channel": "choice",
    "victim_name": "text",
    "victim_sex": "choice",
    "victim_age": "age",
    "victim_status": "choice",
    "identity_public": "check",
    "place_type": "choice",
    "unregistered_detention": "tristate",
    "accused_agency": "choice",
    "allegations": "multi",
    "harm": "choice",
    "medical_evidence": "choice",
    "lawyer": "tristate",
    "ngo": "text",
    "summary": "area",
    "source": "text",
    "synthetic": "check",
}
EVENT_WIDGETS: dict[str, str] = {
    "event_date": "date",
    "event_type": "choice",
    "agency": "choice",
    "to_agency": "choice",
    "qualification": "choice",
    "detail": "choice",
    "trigger": "choice",
    "victim_informed_date": "date",
    "note": "area",
    "source": "text",
}
#: field -> the glossary vocabulary of its values
_VOCAB = {"accused_agency": "agency", "to_agency": "agency"}
_DEFAULTS = {"victim_sex": "unknown", "medical_evidence": "none"}
_DATE_HELP = N_("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known")
ICON = ":material/folder_open:"
_REASON_LABELS = {
    "same_region_date": N_("same region and incident date"),
    "similar_name": N_("similar victim's name"),
}


def _problems_key(prefix: str) -> str:
    return f"{prefix}problems"


def _choices(name: str) -> list[Any]:
    vocab = _VOCAB.get(name, name)
    codes = list(options(vocab))
    if name == "detail":
        codes = list(dict.fromkeys(v for vals in c.DETAIL_VALUES.values() for v in vals))
    return codes


def _field(prefix: str, name: str, kind: str, *, disabled: bool = False) -> None:
    """One widget (key = prefix + name) and, under it, the problems of its last save."""
    key, title = prefix + name, column_label(name)
    required = name in c.CASE_REQUIRED or name in c.EVENT_REQUIRED
    title = f"{title} *" if required else title
    if kind in ("text", "date"):
        st.text_input(
            title,
            key=key,
            max_chars=c.MAX_CHARS.get(name),
            disabled=disabled,
            help=t(_DATE_HELP) if kind == "date" else None,
        )
    elif kind == "area":
        st.text_area(title, key=key, max_chars=c.MAX_CHARS.get(name), height=100)
    elif kind == "region":
        st.selectbox(title, c.region_codes(), key=key, index=None, format_func=region_name)
    elif kind == "choice":
        vocab = _VOCAB.get(name, name)
        st.selectbox(
            title,
            _choices(name),
            key=key,
            index=None,
            format_func=partial(label, vocab),
            placeholder="—",
        )
    elif kind == "multi":
        st.multiselect(
            title, _choices(name), key=key, format_func=lambda v: label(name, v), placeholder="—"
        )
    elif kind == "tristate":
        st.selectbox(
            title,
            [True, False],
            key=key,
            index=None,
            format_func=lambda v: t("yes") if v else t("no"),
            placeholder=t("not known"),
        )
    elif kind == "check":
        st.checkbox(title, key=key)
    elif kind == "age":
        st.number_input(title, key=key, value=None, min_value=0, max_value=150, step=1)
    for message in st.session_state.get(_problems_key(prefix), {}).get(name, []):
        st.error(message)


def _fields(prefix: str, widgets: Mapping[str, str], *, locked: tuple[str, ...] = ()) -> None:
    """The widgets in three columns; problems of fields not shown come first."""
    shown = st.session_state.get(_problems_key(prefix), {})
    for name, messages in shown.items():
        if name not in widgets:
            for message in messages:
                st.error(message)
    columns = st.columns(3)
    for i, (name, kind) in enumerate(widgets.items()):
        with columns[i % 3]:
            _field(prefix, name, kind, disabled=name in locked)


def _values(prefix: str, widgets: Mapping[str, str]) -> dict[str, Any]:
    return {n: st.session_state.get(prefix + n) for n in widgets}


def _seed(prefix: str, values: Mapping[str, Any], widgets: Mapping[str, str]) -> None:
    """Put stored values into the widgets (booleans and allegations in the widgets' form)."""
    for name, kind in widgets.items():
        value = values.get(name, _DEFAULTS.get(name))
        if kind == "multi":
            value = [v for v in (value or "").split(";") if v]
        elif kind == "check":
            value = bool(value)
        elif kind in ("text", "date", "area"):
            value = "" if value is None else str(value)
        st.session_state[prefix + name] = value


def _clear(prefix: str, widgets: Mapping[str, str]) -> None:
    """Empty a form after its save (set, not deleted: the browser would send the old value)."""
    _seed(prefix, {}, widgets)


def _save(prefix: str, fn: Callable[..., Any], after: Callable[[Any], None], **kwargs: Any) -> None:
    """A button's callback: run the write; keep its problems by field, or clear them."""
    ss = st.session_state
    try:
        result = fn(engine=engine(), **kwargs)
    except ImportValidationError as err:
        by_field: dict[str, list[str]] = {}
        for p in err.problems:
            by_field.setdefault(p.column, []).append(p.message.translated())
        ss[_problems_key(prefix)] = by_field
        return
    except register.StaleCase as err:
        ss[_problems_key(prefix)] = {"-": [err.message()]}
        return
    ss.pop(_problems_key(prefix), None)
    invalidate()
    after(result)


def case_link(case_id: str, text_label: str) -> None:
    """A link to the case file of `case_id`, in this session (the form keeps its values)."""
    try:
        st.page_link(CASE_PAGE, label=text_label, query_params={"case": case_id}, icon=ICON)
    except StreamlitAPIException:  # the page runs on its own (a test): a plain link
        st.markdown(f"- {text_label} (case?{urlencode({'case': case_id})})")


def _save_button(
    text_label: str,
    prefix: str,
    fn: Callable[..., Any],
    after: Callable[[Any], None],
    arguments: Callable[[], dict[str, Any]],
    *,
    primary: bool = False,
) -> None:
    """The form's save button (key prefix + "save"): `arguments` are read when it is clicked."""
    st.button(
        text_label,
        key=prefix + "save",
        type="primary" if primary else "secondary",
        on_click=lambda: _save(prefix, fn, after, **arguments()),
    )


# --- register a case -------------------------------------------------------------------------


def register_form(principal: Principal, cases: pl.DataFrame) -> None:
    """The new-case form, its suggested reference and the possible duplicates before saving."""
    ss, prefix = st.session_state, "reg_"
    for name, value in _DEFAULTS.items():
        ss.setdefault(prefix + name, value)
    suggestion = register.suggest_reference(cases, ss.get(prefix + "region"), date.today().year)
    if suggestion and ss.get(prefix + "case_id") in (None, "", ss.get("reg_suggested")):
        ss[prefix + "case_id"] = suggestion  # still the suggestion: follow region and year
    ss["reg_suggested"] = suggestion
    if ss.get("reg_saved"):
        st.success(t("Case {case_id} is registered.", case_id=ss["reg_saved"]))
        case_link(ss["reg_saved"], t("Open the case file"))
    _fields(prefix, CASE_WIDGETS)
    st.caption(
        t(
            "Fields marked * are required. The reference follows {pattern}.",
            pattern=register.REFERENCE_PATTERN,
        )
    )
    duplicates_warning(principal, cases, prefix)

    def done(case_id: str) -> None:
        _clear(prefix, CASE_WIDGETS)
        ss["reg_saved"] = case_id

    _save_button(
        t("Register the case"),
        prefix,
        register.register_case,
        done,
        lambda: {"principal": principal, "fields": _values(prefix, CASE_WIDGETS)},
        primary=True,
    )


def duplicates_warning(principal: Principal, cases: pl.DataFrame, prefix: str) -> None:
    """Stored cases that may be this one, each with a link to its case file."""
    ss = st.session_state
    found = possible_duplicates(
        cases,
        region=ss.get(prefix + "region"),
        incident_date=(ss.get(prefix + "incident_date") or "").strip(),
        victim_name=ss.get(prefix + "victim_name"),
        names=can(principal, "view_victim_names"),
    )
    if found.is_empty():
        return
    st.warning(t("Possible duplicates: check these cases before registering a new one."))
    for row in found.iter_rows(named=True):
        why = ", ".join(t(_REASON_LABELS[r]) for r in row["reasons"])
        case_link(row["case_id"], f"{row['case_id']} — {why}")


# --- the case file's forms -------------------------------------------------------------------


def case_forms(principal: Principal, cf: CaseFile) -> None:
    """Add, correct or retract an event and correct the facts, saved against the version this
    user opened (a second concurrent save is refused)."""
    ss = st.session_state
    case_id = cf.facts["case_id"]
    current = register.case_version(engine(), case_id)
    seen = f"case_seen_{case_id}"
    ss.setdefault(seen, current)

    def saved(_: Any) -> None:
        ss[seen] = register.case_version(engine(), case_id)

    def added(_: Any) -> None:
        saved(_)
        _clear("ev_add_", EVENT_WIDGETS)

    def retracted(_: Any) -> None:
        saved(_)
        ss["ev_ret_reason"] = ""

    common = {"principal": principal, "case_id": case_id}
    with st.expander(t("Add an event")):
        _fields("ev_add_", EVENT_WIDGETS)
        _save_button(
            t("Add the event"),
            "ev_add_",
            register.add_event,
            added,
            lambda: {
                "expected_version": ss[seen],
                "fields": _values("ev_add_", EVENT_WIDGETS),
                **common,
            },
        )
    seqs = cf.events["seq"].to_list()
    if seqs:
        with st.expander(t("Correct an event")):
            seq = st.selectbox(t("Event"), seqs, key="ev_fix_seq", format_func=_event_name(cf))
            if ss.get("ev_fix_seeded") != (case_id, seq, ss[seen]):
                _seed(
                    "ev_fix_",
                    cf.events.filter(pl.col("seq") == seq).row(0, named=True),
                    EVENT_WIDGETS,
                )
                ss["ev_fix_seeded"] = (case_id, seq, ss[seen])
            _fields("ev_fix_", EVENT_WIDGETS)
            _save_button(
                t("Save the correction"),
                "ev_fix_",
                register.correct_event,
                saved,
                lambda: {
                    "seq": ss["ev_fix_seq"],
                    "expected_version": ss[seen],
                    "fields": _values("ev_fix_", EVENT_WIDGETS),
                    **common,
                },
            )
    in_force = cf.events.filter(pl.col("retracted").is_null())["seq"].to_list()
    if in_force:
        with st.expander(t("Retract an event entered by mistake")):
            st.selectbox(t("Event"), in_force, key="ev_ret_seq", format_func=_event_name(cf))
            st.text_input(
                t("Why it is retracted"), key="ev_ret_reason", max_chars=c.MAX_CHARS["retracted"]
            )
            for messages in ss.get(_problems_key("ev_ret_"), {}).values():
                for message in messages:
                    st.error(message)
            _save_button(
                t("Retract the event"),
                "ev_ret_",
                register.retract_event,
                retracted,
                lambda: {
                    "seq": ss["ev_ret_seq"],
                    "expected_version": ss[seen],
                    "reason": ss.get("ev_ret_reason", ""),
                    **common,
                },
            )
    with st.expander(t("Correct the case's facts")):
        if ss.get("case_fix_seeded") != (case_id, ss[seen]):
            _seed("case_fix_", cf.facts, CASE_WIDGETS)
            ss["case_fix_seeded"] = (case_id, ss[seen])
        _fields("case_fix_", CASE_WIDGETS, locked=("case_id",))
        _save_button(
            t("Save the facts"),
            "case_fix_",
            register.correct_case,
            lambda v: ss.__setitem__(seen, v),
            lambda: {
                "expected_version": ss[seen],
                "fields": _values("case_fix_", CASE_WIDGETS),
                **common,
            },
        )
    if ss[seen] != current and st.button(t("Reload the latest version"), key="case_reload"):
        ss[seen] = current
        for k in ("ev_add_", "ev_fix_", "ev_ret_", "case_fix_"):
            ss.pop(_problems_key(k), None)
        st.rerun()


def _event_name(cf: CaseFile) -> Callable[[int], str]:
    rows = {r["seq"]: r for r in cf.events.iter_rows(named=True)}

    def name(seq: int) -> str:
        r = rows[seq]
        text = f"{seq}. {r['event_date']} · {label('event_type', r['event_type'])}"
        return text + (f" ({t('retracted')})" if r.get("retracted") else "")

    return name


def history_table(principal: Principal, case_id: str) -> pl.DataFrame:
    """The case's changes for display: when, who, what (changed fields by their labels)."""
    hist = register.history(engine=engine(), principal=principal, case_id=case_id)
    return pl.DataFrame(
        {
            t("When"): [format_datetime(v) for v in hist["at"].to_list()],
            t("Who"): hist["username"].to_list(),
            t("What"): [
                t(register.ACTION_LABELS[a]) + (f" {s}" if s is not None else "")
                for a, s in zip(hist["action"], hist["seq"], strict=True)
            ],
            t("Fields"): [", ".join(column_label(f) for f in fs) for fs in hist["fields"]],
        },
        schema={
            t("When"): pl.String,
            t("Who"): pl.String,
            t("What"): pl.String,
            t("Fields"): pl.String,
        },
    )
