"""The lock files pin every dependency of pyproject.toml: CI and a fresh machine install only
from them (--require-hashes), so a dependency added without `bash scripts/lock.sh` would be
missing there while a developer's own environment still has it."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def _pinned(lock: str) -> set[str]:
    text = (ROOT / lock).read_text("utf-8")
    return {canonicalize_name(m[1]) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==", text, re.M)}


@pytest.mark.parametrize(
    ("lock", "groups"),
    [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))],
)
def test_every_dependency_is_pinned(lock: str, groups: tuple[str, ...]) -> None:
    wanted = list(PROJECT["dependencies"])
    for g in groups:
        wanted += PROJECT["optional-dependencies"][g]
    missing = {canonicalize_name(Requirement(r).name) for r in wanted} - _pinned(lock)
    assert not missing, f"run `bash scripts/lock.sh`: {sorted(missing)} not in {lock}"
