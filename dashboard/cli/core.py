"""Core commands: init-db, run."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from dashboard.config import get_settings
from dashboard.data.database import get_engine


def app_script() -> Path:
    """The Streamlit entry script (app.py at the project's top level)."""
    return Path(__file__).resolve().parents[2] / "app.py"


def server_script() -> Path:
    """What `run` serves: asgi.py, Streamlit's `st.App` around app.py with the sign-in route."""
    return app_script().with_name("asgi.py")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init-db", help="create or upgrade the database schema (alembic upgrade head)"
    )
    p.set_defaults(func=cmd_init_db)
    p = sub.add_parser("run", help="start the dashboard (streamlit run asgi.py)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_run)


def cmd_init_db(args: argparse.Namespace) -> int:

    get_engine()
    print(f"database ready: {get_settings().database_url}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:

    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(server_script()),
        "--server.port",
        str(args.port),
        "--server.maxUploadSize",
        str(get_settings().max_upload_mb),
    ]
    if args.headless:
        cmd += ["--server.headless", "true"]
    cmd += ["--browser.gatherUsageStats", "false"]
    return subprocess.call(cmd)
