#!/usr/bin/env bash
# Re-pin every dependency with hashes after a change to pyproject.toml (or to take newer
# releases): writes requirements.lock (the app) and requirements-dev.lock (app + tests), which
# the README's set-up command and scripts/test.sh install from with --require-hashes.
# pip-compile reads the same pip configuration (indexes) that `pip install` will use.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${PIP_TOOLS_VENV:-/tmp/oversight-pip-tools}
[ -x "$tools/bin/pip-compile" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q pip-tools; }
# --upgrade: take the newest releases; without it, pins already in the files are kept
opts=(--quiet --generate-hashes --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe "$@")
"$tools/bin/pip-compile" "${opts[@]}" --output-file requirements.lock pyproject.toml
# the dev lock starts from the app's pins, so both install the same versions of shared packages
[ -f requirements-dev.lock ] || cp requirements.lock requirements-dev.lock
"$tools/bin/pip-compile" "${opts[@]}" --extra dev --output-file requirements-dev.lock pyproject.toml
