"""Files holding case data are created readable by their owner only (0600), like backups."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dashboard.data.backup import backup, restore
from dashboard.data.database import migrate
from dashboard.data.exporter import export_dir
from dashboard.data.importer import import_files
from dashboard.data.public import CLI_PUBLIC, write_public_export
from db.engine import make_engine
from tests.conftest import EXAMPLES


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_exports_and_restores_are_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which gives 0644 to plain files
    try:
        db = tmp_path / "data" / "oversight.db"
        engine = make_engine(f"sqlite:///{db}")
        migrate(engine)
        import_files(engine, [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"])
        assert _mode(db) == 0o600
        assert _mode(Path(f"{db}-wal")) == 0o600
        for fmt in ("csv", "xlsx"):
            for path in export_dir(engine, tmp_path / fmt, fmt=fmt):  # type: ignore[arg-type]
                assert _mode(path) == 0o600, path
            for path in write_public_export(engine, CLI_PUBLIC, tmp_path / f"pub-{fmt}", fmt=fmt):
                assert _mode(path) == 0o600, path
        copy = backup(engine, tmp_path / "backup.db")
        assert _mode(copy) == 0o600
        restored = tmp_path / "restored" / "oversight.db"
        restore(copy, f"sqlite:///{restored}")
        assert _mode(restored) == 0o600
        # an export over an older world-readable file makes it private too
        old_file = tmp_path / "csv" / "cases.csv"
        old_file.chmod(0o644)
        export_dir(engine, tmp_path / "csv")
        assert _mode(old_file) == 0o600
    finally:
        os.umask(old)
