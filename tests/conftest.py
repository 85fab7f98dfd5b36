"""Shared fixtures. Builders live in tests/helpers, as plain functions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.gitrepo import GIT_ENV
from tests.helpers.releasing import CACHES, Indexes, two_indexes
from tests.helpers.schedule import heaviest_first
from tests.helpers.shared import run_dir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    heaviest_first(items)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test sees git with a fixed identity, no user config, and a HOME of its own.

    The uv and pip caches stay the shared ones: a cold cache in that HOME would make uv
    build every build environment and query every interpreter again.
    """
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key, value in CACHES.items():
        monkeypatch.setenv(key, value)
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
    """One pre-commit cache for the whole run, shared by the xdist workers: hook environments are built once.

    pre-commit locks its own store while it clones and installs, so workers can share it.
    """
    home = run_dir(tmp_path_factory) / "pre-commit-home"
    home.mkdir(exist_ok=True)
    return home


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexes]:
    """Two password-protected pypiservers, started once per worker process and shared by every test it runs.

    Each test releases a project of its own name (``tests.helpers.releaseproj.unique_name``),
    so a test reads back only its own files (``tests.helpers.releasing.files_of``). A test
    that needs indexes nobody else uploads to starts its own with ``two_indexes``.
    """
    with two_indexes(tmp_path_factory.mktemp("indexes")) as indexes:
        yield indexes
