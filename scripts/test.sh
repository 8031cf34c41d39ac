#!/usr/bin/env bash
# Installs everything and runs the whole test suite: lint, type check, the tests on SQLite and on
# a temporary PostgreSQL server, and the real-browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need: Chromium (browser tests) and a PostgreSQL server.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# Pinned versions with hashes (requirements-dev.lock, made by scripts/lock.sh), then the project
# itself without dependencies: a fresh machine installs exactly what CI tested.
.venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.lock
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e .

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# A PostgreSQL server in a temporary directory on a free local port, stopped on exit. A server of
# your own is used instead when OVERSIGHT_TEST_POSTGRES_URL is already set (the tests create and
# drop their own databases on it).
if [ -z "${OVERSIGHT_TEST_POSTGRES_URL:-}" ]; then
  source scripts/postgres.sh
  trap postgres_stop EXIT
  postgres_start
fi

.venv/bin/python -m pytest "$@"
