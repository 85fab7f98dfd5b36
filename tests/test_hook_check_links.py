"""The `check-links` hook, installed and run by pre-commit itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.gitrepo import git, make_repo
from tests.helpers.hooks import try_repo

pytestmark = pytest.mark.integration


def test_check_links_hook_checks_staged_files_and_resolves_targets_anywhere(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(
        tmp_path / "docs-repo",
        {
            "README.md": "# Demo\n\nSee [the guide](docs/guide.md#usage).\n",
            "docs/guide.md": "# Guide\n\n## Usage\n\n[back](../README.md#demo)\n",
            "docs/other.md": "[broken but not staged](nowhere.md)\n",
            "src/demo.py": "x = 1\n",
        },
    )
    # A staged page whose targets live elsewhere (an unchanged page, a source line).
    (repo / "docs" / "new.md").write_text("[usage](guide.md#usage) [code](../src/demo.py#L1)\n")
    git(repo, "add", "docs/new.md")
    ok = try_repo(repo, "check-links", pre_commit_home=pre_commit_home)
    assert ok.returncode == 0, ok.output
    assert "check documentation links" in ok.stdout or "documentation links" in ok.stdout
    assert "Passed" in ok.stdout

    (repo / "docs" / "new.md").write_text("é [usage](guide.md#usag) [gone](gone.md)\n")
    git(repo, "add", "docs/new.md")
    bad = try_repo(repo, "check-links", pre_commit_home=pre_commit_home)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "docs/new.md:1:3: 'guide.md#usag': no anchor #usag in docs/guide.md; did you mean '#usage'?" in bad.stdout
    assert "docs/new.md:1:26: 'gone.md': docs/gone.md does not exist\n" in bad.stdout
    assert "nowhere.md" not in bad.stdout  # only the staged file's links are checked
