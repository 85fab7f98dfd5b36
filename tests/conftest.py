"""Shared fixtures. Builders live in tests/helpers, as plain functions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.gitrepo import GIT_ENV


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test sees git with a fixed identity, no user config, and a HOME of its own."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir(exist_ok=True)
    for var in (
        "RELEASEKIT_UPLOAD_URL",
        "RELEASEKIT_SIMPLE_URL",
        "RELEASEKIT_TEST_UPLOAD_URL",
        "RELEASEKIT_TEST_SIMPLE_URL",
        "PRE_COMMIT_FROM_REF",
        "PRE_COMMIT_TO_REF",
    ):
        monkeypatch.delenv(var, raising=False)
    os.environ.pop("GIT_DIR", None)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the whole run: hook environments are built once."""
    return tmp_path_factory.mktemp("pre-commit-home")
