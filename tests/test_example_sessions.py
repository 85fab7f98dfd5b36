"""The example project's own sessions, run by real nox from this environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.demo import EXAMPLE
from tests.helpers.gitrepo import commit_all, make_repo
from tests.helpers.noxrun import run_nox

pytestmark = pytest.mark.integration


def copy_example(dest: Path) -> Path:
    """The example, copied without build or nox leftovers, committed in a new git repo."""
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".nox", "dist", "build", "*.egg-info", "__pycache__"))
    make_repo(dest)
    commit_all(dest, "The example project")
    return dest


def test_example_sessions_pass(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "example")
    proc = run_nox(project, "-s", "tests", "integration", "benchmark", "coverage", "docs", "examples", "build")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    for session in ("tests", "integration", "benchmark", "coverage", "docs", "examples", "build"):
        assert f"* {session}: success" in out
    assert "Required test coverage of 90% reached" in out
    assert "lists of files in version control and sdist match" in out
    assert "llm-karpathy-consortium 0.1.0:" in out
    assert sorted(p.name for p in (project / "dist").iterdir()) == [
        "llm_karpathy_consortium-0.1.0-py3-none-any.whl",
        "llm_karpathy_consortium-0.1.0.tar.gz",
    ]
