"""Shared fixtures. Builders live in tests/helpers, as plain functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.releasing import Indexes, isolate, two_indexes
from tests.helpers.schedule import heaviest_first
from tests.helpers.shared import run_dir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    heaviest_first(items)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test sees git with a fixed identity, no user config, a HOME of its own and the
    shared uv and pip caches (``tests.helpers.releasing.isolate``)."""
    isolate(monkeypatch, tmp_path / "home")


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
