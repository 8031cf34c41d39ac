"""Upload files on the Import page (AppTest) one after another; print what the page said, as JSON.

Run in its own process by tests/test_hostile_files.py, which measures its peak memory:
`python -m tests.data.hostile_page FILE...` (the database is OVERSIGHT_DATABASE_URL).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.accounts.roles import Principal
from dashboard.data.database import get_engine
from tests.conftest import ROOT, make_test_accounts


def upload(files: list[Path]) -> list[dict[str, object]]:
    make_test_accounts(get_engine())
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=120)
    at.session_state["principal"] = Principal("test-secretariat", "secretariat")
    at.session_state["language"] = "en"
    at.run()
    out = []
    for path in files:
        at.file_uploader(key="data_upload").upload(path.name, path.read_bytes()).run()
        at.button(key="data_import").click().run()
        problems = at.dataframe[-1].value.to_dict("records") if at.dataframe else []
        out.append(
            {
                "file": path.name,
                "exception": [e.value for e in at.exception],
                "error": [e.value for e in at.error],
                "success": [s.value for s in at.success],
                "problems": problems,
            }
        )
        at.file_uploader(key="data_upload").clear().run()
    at.run()  # the page still works after every upload
    out.append({"file": None, "exception": [e.value for e in at.exception], "error": []})
    return out


if __name__ == "__main__":
    json.dump(upload([Path(p) for p in sys.argv[1:]]), sys.stdout, default=str)
