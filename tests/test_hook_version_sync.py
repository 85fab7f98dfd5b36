"""The `version-sync` hook, installed and run by pre-commit itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.gitrepo import git
from tests.helpers.hooks import try_repo
from tests.helpers.projects import seed_repo

pytestmark = pytest.mark.integration


def test_version_sync_hook_passes_then_blocks_a_mismatch(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    ok = try_repo(repo, "version-sync", "--all-files", pre_commit_home=pre_commit_home)
    assert ok.returncode == 0, ok.output
    assert "version files in sync" in ok.stdout
    assert "Passed" in ok.stdout

    conf = repo / "docs" / "conf.py"
    conf.write_text(conf.read_text().replace('release = "1.2.3"', 'release = "1.2.4"'))
    git(repo, "add", "docs/conf.py")
    bad = try_repo(repo, "version-sync", pre_commit_home=pre_commit_home)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "docs/conf.py:4:12: expected 1.2.3, found 1.2.4" in bad.stdout
