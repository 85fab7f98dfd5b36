"""The commit releasekit init makes passes the pre-commit hooks it adds: real pre-commit, legacy and scm shapes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("shape", ["legacy", "scm"])
def test_the_adoption_commit_passes_the_new_hooks(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path, shape: str
) -> None:
    from tests.helpers.hooks import try_repo

    # The project after `init --yes` (made once per run, shared with the init and release tests).
    if shape == "legacy":
        repo, result = adoption.adopted_copy(
            tmp_path_factory, tmp_path, adoption.legacy_files, branch="master", tags=("2.3.0", "2.3.1")
        )
    else:
        repo, result = adoption.adopted_copy(tmp_path_factory, tmp_path, adoption.scm_files, tags=("v1.4.0",))
    assert result.returncode == 0, result.output
    git(repo, "add", "-A")
    validate = [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"]
    assert subprocess.run(validate, cwd=repo, capture_output=True, check=False).returncode == 0
    hooks = ["changelog-fragment", "check-links"] + (["version-sync"] if shape == "legacy" else [])
    for hook in hooks:
        staged = try_repo(repo, hook, pre_commit_home=pre_commit_home)
        assert staged.returncode == 0, (hook, staged.output)
        whole = try_repo(repo, hook, "--all-files", pre_commit_home=pre_commit_home)
        assert whole.returncode == 0, (hook, whole.output)
        assert "Passed" in whole.stdout, (hook, whole.stdout)
    commit_all(repo, "Adopt releasekit")
    fragments = releasekit("check", "fragments", cwd=repo)
    assert fragments.returncode == 0, fragments.output
