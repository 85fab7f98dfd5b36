"""The example project's own sessions, run by real nox from this environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from releasekit import config
from releasekit.checks.version_sync import check_versions
from tests.helpers.gitrepo import commit_all, make_repo
from tests.helpers.noxrun import run_nox

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "llm-karpathy-consortium"


def copy_example(dest: Path) -> Path:
    """The example, copied without build or nox leftovers, committed in a new git repo."""
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".nox", "dist", "build", "*.egg-info", "__pycache__"))
    make_repo(dest)
    commit_all(dest, "The example project")
    return dest


def test_example_versions_are_in_sync_and_configured() -> None:
    cfg = config.load(EXAMPLE)
    version = cfg.require_version()
    assert version.current == "0.1.0"
    assert {f.path for f in version.files} == {"setup.py", "src/llm_karpathy_consortium/__init__.py", "docs/conf.py"}
    assert cfg.project_name == "llm-karpathy-consortium"
    assert cfg.coverage_fail_under == 90
    assert [t.directory for t in cfg.fragments.types][:3] == ["feature", "breaking", "migration"]
    assert list(check_versions(cfg, with_tags=False)) == []
    assert any((EXAMPLE / "changelog.d").glob("*.md"))


@pytest.mark.integration
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
