"""A release of an older line never becomes GitHub's "latest" release."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config, git
from releasekit.release.context import Context
from releasekit.release.journal import Journal
from releasekit.release.steps.github_release import newest_release_line, run_github_release
from tests.helpers.github_api import fake_github
from tests.helpers.gitrepo import git as run_git
from tests.helpers.releaseproj import make_project

TOKEN = "ghp_latest_canary_0123456789"


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    for tag in ("v1.2.0", "v1.2.3", "v1.3.0", "v1.4.0rc1", "not-a-version"):
        run_git(project.root, "tag", tag)
    return project.root


@pytest.mark.parametrize(
    ("version", "latest"),
    [("1.2.4", False), ("1.3.1", True), ("1.4.0", True), ("1.3.0", True), ("2.0.0", True), ("2.0.0rc1", False)],
)
def test_newest_release_line(tagged: Path, version: str, latest: bool) -> None:
    assert newest_release_line(version, tagged) is latest


def _context(root: Path, version: str) -> Context:
    record = Journal(
        version=version,
        spec=version,
        previous_version="1.2.3",
        branch="main",
        remote="origin",
        start_commit=git.head(root),
    )
    return Context(config=config.load(root), git_dir=git.git_dir(root), journal=record, workdir=root.parent)


def test_a_hotfix_of_an_older_minor_is_not_made_latest(tagged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_github(TOKEN) as (url, state):
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("RELEASEKIT_GITHUB_API_URL", url)
        run_git(tagged, "tag", "v1.2.4")
        run_github_release(_context(tagged, "1.2.4"))
        run_git(tagged, "tag", "v1.3.1")
        run_github_release(_context(tagged, "1.3.1"))
    assert state.releases["v1.2.4"]["make_latest"] == "false"
    assert state.releases["v1.3.1"]["make_latest"] == "true"
