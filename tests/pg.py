"""A throw-away PostgreSQL database per test, on the server named by OVERSIGHT_TEST_POSTGRES_URL.

The first database of a test process is migrated once and kept as a template; every later one is
a copy of it (`CREATE DATABASE ... TEMPLATE`), which takes a fraction of a second instead of a
full Alembic run. The template is dropped when the process exits.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dashboard.data.database import migrate

_templates: dict[str, str] = {}


def server_url() -> str | None:
    """The test server's URL (a maintenance database on it), or None when none is configured."""
    return os.environ.get("OVERSIGHT_TEST_POSTGRES_URL") or None


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _url_for(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop(url: str, name: str) -> None:
    admin = _admin(url)
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _template(url: str) -> str:
    """A migrated database (reference data loaded) to copy; made once per process and server."""
    if url in _templates:
        return _templates[url]
    from db.engine import make_engine

    name = f"tmpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = _admin(url)
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    eng = make_engine(_url_for(url, name))
    try:
        migrate(eng)
    finally:
        eng.dispose()  # a template must have no open connections while it is copied
    _templates[url] = name
    atexit.register(_drop, url, name)
    return name


@contextmanager
def fresh_postgres_database(server_url: str, *, migrated: bool = True) -> Iterator[str]:
    """Yield the URL of a new, empty database (migrated unless `migrated=False`); drop it after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_template(server_url)}"' if migrated else ""
    admin = _admin(server_url)
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"{template}'))
    finally:
        admin.dispose()
    try:
        yield _url_for(server_url, name)
    finally:
        _drop(server_url, name)
