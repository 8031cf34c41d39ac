"""CSV as Russian-locale Excel saves it: separator and encoding recognised; what to do if not."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from dashboard.data import csvformat
from dashboard.data.contract import CASE_COLUMNS, EVENT_COLUMNS
from dashboard.data.importer import ImportValidationError, import_files, read_files
from dashboard.data.store import load_frames
from dashboard.i18n import set_language
from tests.data.excel_files import RUSSIAN_NAME, RUSSIAN_SUMMARY, excel_csv

COLUMNS = CASE_COLUMNS + EVENT_COLUMNS
KINDS = {
    "cp1251 ;": ("cp1251", ";"),
    "utf-8-sig ;": ("utf-8-sig", ";"),
    "utf-8-sig ,": ("utf-8-sig", ","),
    "utf-16 tab": ("utf-16", "\t"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_excel_csv_imports_like_the_contract_file(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    encoding, separator = KINDS[kind]
    files = excel_csv(tmp_path, encoding=encoding, separator=separator)
    result = import_files(engine, files)
    assert (result.cases_inserted, result.events_inserted) == (2, 15)
    cases, events = load_frames(engine)
    first = cases.sort("case_id").row(0, named=True)
    assert first["victim_name"] == RUSSIAN_NAME and first["summary"] == RUSSIAN_SUMMARY
    # the same content as the comma-separated UTF-8 file
    plain = read_files(excel_csv(tmp_path / "plain", encoding="utf-8", separator=","))
    assert cases.select(plain.cases.columns).sort("case_id").equals(plain.cases)
    assert events.height == plain.events.height


def test_detected_format() -> None:
    data = "case_id;region;victim_name\r\nA;KZ-39;Ержан\r\n".encode("cp1251")
    fmt = csvformat.detect_bytes(data, COLUMNS)
    assert (fmt.encoding, fmt.separator, fmt.name) == ("cp1251", ";", "Windows-1251")
    fmt = csvformat.detect_bytes("\ufeffcase_id,region\n".encode(), COLUMNS)
    assert (fmt.encoding, fmt.separator, fmt.bom, fmt.name) == ("utf-8", ",", True, "UTF-8 BOM")
    # a comma inside a `;` file's cell does not win over the `;` that splits the header
    fmt = csvformat.detect_bytes(b"case_id;summary;region\nA;a, b;KZ-39\n", COLUMNS)
    assert fmt.separator == ";"


def test_cli_imports_cp1251_semicolon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in excel_csv(tmp_path, encoding="cp1251", separator=";")]
    assert main(["import", *files]) == 0
    assert "cases: 2 new, 0 updated; events: 15 new, 0 updated" in capsys.readouterr().out


def test_cli_imports_utf8_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in excel_csv(tmp_path, encoding="utf-8-sig", separator=";")]
    assert main(["import", *files]) == 0
    assert "cases: 2 new" in capsys.readouterr().out


def test_unknown_columns_get_one_hint_not_eleven_errors(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Номер|Регион\nA|KZ-39\n", encoding="utf-8")
    set_language("ru")
    with pytest.raises(ImportValidationError) as err:
        read_files([path])
    (problem,) = err.value.problems
    assert problem.line == 1 and "CSV UTF-8" in problem.message.translated()
    assert "Excel" in str(problem) and "Номер|Регион" in str(problem)


def test_undecodable_file_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.csv"
    # 0x98 is undefined in Windows-1251 and invalid alone in UTF-8
    path.write_bytes(b"case_id,region\nA\x98,KZ-39\n")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: -: neither UTF-8 nor Windows-1251 text." in err
    assert "CSV UTF-8 (comma delimited)" in err


def test_semicolon_file_with_a_long_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes("case_id;region\r\nА;KZ-39;лишнее\r\n".encode("cp1251"))
    with pytest.raises(ImportValidationError) as err:
        read_files([path])
    assert [(p.line, p.value) for p in err.value.problems] == [(2, "лишнее")]


def test_plain_files_keep_their_problems(tmp_path: Path) -> None:
    """A contract file (UTF-8, commas) is read as before: no hint where a column is missing."""
    path = tmp_path / "cases.csv"
    pl.DataFrame({"case_id": ["A"], "region": ["KZ-39"]}).write_csv(path)
    with pytest.raises(ImportValidationError) as err:
        read_files([path])
    assert {p.reason for p in err.value.problems} == {"required column missing"}
