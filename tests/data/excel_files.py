"""The spec's example files as the secretariat's Excel writes them: `;`-separated Windows-1251,
UTF-8 with a BOM; with a Russian name and summary so a wrong decoding shows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import EXAMPLES

RUSSIAN_NAME = "Ержан Тестовый"
RUSSIAN_SUMMARY = "Избит в отделе полиции; «пример»"


def excel_csv(directory: Path, *, encoding: str, separator: str) -> list[Path]:
    """cases.csv and events.csv from the examples, the first case given a Russian name."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name in ("cases.csv", "events.csv"):
        rows = list(csv.reader(io.StringIO((EXAMPLES / name).read_text("utf-8"))))
        if name == "cases.csv":
            header = rows[0]
            rows[1][header.index("victim_name")] = RUSSIAN_NAME
            rows[1][header.index("summary")] = RUSSIAN_SUMMARY
        buf = io.StringIO()
        csv.writer(buf, delimiter=separator, lineterminator="\r\n").writerows(rows)
        path = directory / name
        path.write_bytes(buf.getvalue().encode(encoding))
        out.append(path)
    return out
