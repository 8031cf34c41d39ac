"""The Import page in Russian in a real browser: a `;`-separated Windows-1251 file from Excel
is checked, the preview shows what would change, the import is confirmed.

Screenshots: tests/artifacts/import-ru-preview.png, import-ru-done.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.excel_files import excel_csv
from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_import_page_in_russian(page, server: str, tmp_path: Path) -> None:
    pg = page
    files = excel_csv(tmp_path, encoding="cp1251", separator=";")
    for path in files:  # cases the server's database does not hold yet
        path.write_bytes(path.read_bytes().replace(b"DOC-", b"XLS-"))
    sign_in(pg, server)
    choose(pg, "Language", "Русский", check=False)
    pg.get_by_role("heading", name="Обзор").wait_for()
    wait_idle(pg)
    try:
        more = pg.get_by_text("Показать", exact=False).filter(has_text="ещё")
        if not pg.get_by_role("link", name="Импорт и экспорт").count() and more.count():
            more.first.click()
        pg.get_by_role("link", name="Импорт и экспорт").first.click()
        pg.get_by_role("heading", name="Импорт и экспорт").first.wait_for()
        wait_idle(pg)
        pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(p) for p in files]
        )
        wait_idle(pg)
        pg.get_by_role("button", name="Проверить файлы").click()
        pg.get_by_text("Пока ничего не записано.", exact=False).first.wait_for()
        wait_idle(pg)
        pg.get_by_text("По делам (2)", exact=False).first.click()  # open the per-case table
        wait_idle(pg)
        shot(pg, "import-ru-preview")
        main = pg.locator('[data-testid="stMain"]').inner_text()
        for english in ("Check", "Import these", "Template", "new", "unchanged"):
            assert english not in main, english
        pg.get_by_role("button", name="Импортировать эти изменения").click()
        pg.get_by_text("Импортировано: дел — новых 2", exact=False).first.wait_for()
        shot(pg, "import-ru-done")
    finally:  # the demo account's language is kept: give the other browser tests English back
        choose(pg, "Язык", "English", check=False)
        wait_idle(pg)
