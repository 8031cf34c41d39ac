"""The Import page: Excel's CSV read, a preview before anything is written, then confirm;
the template; the demo data reload asks first."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.data.database import get_engine
from dashboard.data.store import load_frames
from dashboard.data.versioning import current_version
from tests.conftest import ROOT, add_accounts
from tests.data.excel_files import RUSSIAN_NAME, excel_csv

SEC = Principal("test-secretariat", "secretariat")


@pytest.fixture
def empty_db() -> Engine:
    from dashboard.data.database import migrate

    engine = get_engine()
    migrate(engine)
    add_accounts(engine, {SEC.username: SEC.role})
    return engine


def _page() -> AppTest:
    """The Import page in Russian (the default language)."""
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=90)
    at.session_state["principal"] = SEC
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str):
    """The one table on the page with this column (as a pandas frame)."""
    (frame,) = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def _upload(at: AppTest, files: list[Path]) -> None:
    up = at.file_uploader(key="data_upload")
    for path in files:
        up.upload(path.name, path.read_bytes(), "text/csv")
    up.run()


@pytest.mark.parametrize(("encoding", "separator"), [("cp1251", ";"), ("utf-8-sig", ";")])
def test_excel_csv_previewed_then_imported(
    empty_db: Engine, tmp_path: Path, encoding: str, separator: str
) -> None:
    at = _page()
    _upload(at, excel_csv(tmp_path, encoding=encoding, separator=separator))
    version = current_version(empty_db)
    at.button(key="data_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # the preview: counts per table, nothing written yet
    tables = _table(at, "Таблица")
    assert tables.to_dict("records") == [
        {"Таблица": "Дела", "Новые": 2, "Изменённые": 0, "Без изменений": 0},
        {"Таблица": "События", "Новые": 15, "Изменённые": 0, "Без изменений": 0},
    ]
    per_case = _table(at, "Сведения о деле")
    assert per_case["Сведения о деле"].tolist() == ["новое", "новое"]
    assert current_version(empty_db) == version and load_frames(empty_db)[0].is_empty()
    assert audit.read(empty_db, SEC, action="import").is_empty()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Импортировано: дел — новых 2, изменённых 0, без изменений 0; событий — новых 15, "
        "изменённых 0, без изменений 0."
    ]
    assert not any("Пока ничего не записано" in m.value for m in at.markdown)  # preview gone
    assert RUSSIAN_NAME in load_frames(empty_db)[0]["victim_name"].to_list()
    # the same files again: all unchanged, nothing to confirm
    at.button(key="data_import").click().run()
    tables = _table(at, "Таблица")
    assert tables["Без изменений"].tolist() == [2, 15] and tables["Изменённые"].tolist() == [0, 0]
    assert not [b for b in at.button if b.key == "data_confirm"]


def test_preview_goes_stale_when_the_data_change(empty_db: Engine, tmp_path: Path) -> None:
    from dashboard.data.importer import import_files

    files = excel_csv(tmp_path, encoding="cp1251", separator=";")
    at = _page()
    _upload(at, files)
    at.button(key="data_import").click().run()
    import_files(empty_db, files)  # someone else imports meanwhile
    at.button(key="data_confirm").click().run()
    assert any("данные изменились" in w.value for w in at.warning), (
        [x.value for x in at.warning],
        [x.value for x in at.success],
        [x.value for x in at.error],
    )
    assert audit.read(empty_db, SEC, action="import").height == 1  # only the other import


def test_unreadable_file_says_what_to_do(empty_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes("Номер|Регион\nA|KZ-39\n".encode("cp1251"))
    at = _page()
    _upload(at, [path])
    at.button(key="data_import").click().run()
    problems = _table(at, "Ошибка")
    (reason,) = problems["Ошибка"].tolist()
    assert "CSV UTF-8" in reason and "Книга Excel (.xlsx)" in reason
    assert audit.read(empty_db, SEC, action="import_failed").height == 1


def test_template_download_is_the_template(empty_db: Engine) -> None:
    at = _page()
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("data_template")]
    assert "Шаблон" in button.proto.label
    from dashboard.data.template import template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames[:2] == ["cases", "events"]


def test_demo_reload_asks_first(empty_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_SYNTHETIC_CASES", "5")
    from dashboard.config import get_settings

    get_settings.cache_clear()
    at = _page()
    assert at.button(key="data_reseed").disabled
    at.checkbox(key="data_confirm_reseed").check().run()
    assert not at.button(key="data_reseed").disabled
    at.button(key="data_reseed").click().run()
    assert not at.exception and at.success
    assert load_frames(empty_db)[0].height > 5
