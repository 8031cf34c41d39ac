"""What must never reach a user's screen or the session pack: raw vocabulary codes (from the data
contract, the agency and region tables, the committee's own vocabularies), Streamlit's English
texts, and "None". Shared by the browser walk (tests/e2e) and the pack's tests.
"""

from __future__ import annotations

import re

from dashboard import committee
from dashboard.data import contract
from dashboard.i18n import glossary

#: Streamlit's own English texts (placeholders, hints, uploader, dialogs)
STREAMLIT_ENGLISH = (
    "Choose options",
    "Choose an option",
    "Press Enter to submit form",
    "Press Enter to apply",
    "Drag and drop file here",
    "Browse files",
    "200MB per file",
    "files are not allowed",
    "Page not found",
    "No results",
    "YYYY/MM/DD",
)


def _codes() -> set[str]:
    vocab: set[str] = set()
    for name in dir(contract):
        value = getattr(contract, name)
        if name.isupper() and isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            vocab.update(value)
    vocab.update(contract.AGENCY_CODES)
    for values in contract.DETAIL_VALUES.values():
        vocab.update(values)
    vocab.update(term.code for term in glossary().values() if not term.key.startswith("term:"))
    vocab.update(committee.STATUSES)
    vocab.update(committee.SESSION_STATUSES)
    vocab.update(contract.region_codes())
    return {v for v in vocab if v}


def code_pattern(*, english: bool) -> re.Pattern[str]:
    """Codes that cannot be ordinary words: with '_' or '-' (MVD_IID, KZ-75, same_family); on a
    Russian or Kazakh screen, also every one-word Latin code (held, death, PGO)."""
    codes = _codes()
    telling = {c for c in codes if "_" in c or "-" in c}
    chosen = telling if english else codes
    words = "|".join(sorted((re.escape(c) for c in chosen), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


#: a command line quoted in a text ("oversight disclosure-check"): the program is called
#: "oversight", as is the family code of the monitoring bodies
COMMAND = re.compile(r"\boversight [a-z][a-z-]*")


def defects(text: str, *, english: bool) -> list[str]:
    """Raw codes, Streamlit's English texts and 'None' found in `text` (empty: clean)."""
    text = COMMAND.sub("", text)  # a command line names the program, not a vocabulary code
    found = sorted(set(code_pattern(english=english).findall(text)))
    found += [s for s in STREAMLIT_ENGLISH if s in text]
    if re.search(r"(?<!\w)None(?!\w)", text):
        found.append("None")
    return found
