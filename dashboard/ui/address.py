"""The page's address carries its state (period, as-of, regions, agencies, case, session), so a
copied link, a reload or a new tab shows the same view; links the app shows are real addresses.

A value in the address is applied when it is new to the browser's session (a link followed, an
address typed, Back pressed); the address a page wrote itself never undoes the user's next
choice in a widget, which changes the session state first and the address after.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

#: the query parameters, one name per piece of state
Q_PERIOD, Q_AS_OF, Q_REGION, Q_AGENCY = "period", "as_of", "region", "agency"
Q_CASE, Q_SESSION, Q_RECOMMENDATION = "case", "session", "id"
#: the parameters every page with the sidebar's controls carries (and links keep)
CONTROL_PARAMS = (Q_PERIOD, Q_AS_OF, Q_REGION, Q_AGENCY)
_SEEN = "_address_seen"

Value = str | list[str]


def asked(param: str, *, many: bool = False) -> Value | None:
    """What the address asks for `param`, when this session has not seen it yet; else None."""
    if param not in st.query_params:
        return None
    value: Value = st.query_params.get_all(param) if many else st.query_params[param]
    seen: dict[str, Value] = st.session_state.setdefault(_SEEN, {})
    if seen.get(param) == value:
        return None
    seen[param] = value
    return value


def show(param: str, value: Value | None) -> None:
    """Write the state shown into the address (an empty value leaves the parameter out)."""
    seen: dict[str, Value] = st.session_state.setdefault(_SEEN, {})
    if value is None or value == [] or value == "":
        if param in st.query_params:
            del st.query_params[param]
        seen.pop(param, None)
        return
    if st.query_params.get_all(param) != ([value] if isinstance(value, str) else value):
        st.query_params[param] = value
    seen[param] = value


def link(page: str, **params: str | int) -> str:
    """The address of `page` (its URL path, e.g. "case") with `params` and the controls in
    force, e.g. "/case?case=DOC-EVL&period=2025-H2&as_of=2025-12-31"."""
    pairs: list[tuple[str, str]] = [(k, str(v)) for k, v in params.items()]
    for p in CONTROL_PARAMS:
        if p not in params:
            pairs += [(p, v) for v in st.query_params.get_all(p)]
    return f"/{page}?{urlencode(pairs)}"
