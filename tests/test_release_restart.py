"""A rerun after a fix commit starts the release again when nothing irreversible happened (issue #22's seventh shape).

The release stops after its package check; the maintainer commits a fix and pushes it. Nothing
was committed, tagged, pushed or uploaded by the release, so the rerun starts again from the new
HEAD, and says so, instead of asking for ``--abort``. Once the release commit exists, a moved
HEAD is still refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import git
from releasekit.release import journal
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all
from tests.helpers.gitrepo import git as run_git
from tests.helpers.pypi import pypiserver
from tests.helpers.releaseproj import make_project

pytestmark = pytest.mark.integration


def test_a_fix_commit_after_a_failed_check_restarts_the_release(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    with pypiserver(tmp_path / "index") as index:
        env = {**index.env(), **index.env("RELEASEKIT_TEST_")}
        first = releasekit(
            "release", "patch", "--yes", cwd=project.root, env={**env, "RELEASEKIT_FAIL_AT_STEP": "package-check"}
        )
        assert first.returncode != 0 and "stopping after step 2 (package-check)" in first.output, first.output
        started = journal.load(git.git_dir(project.root))
        assert started is not None and started.completed == ["preflight", "package-check"]
        (project.root / "README.md").write_text("# fixed\n\nThe fix the check asked for.\n")
        fix = commit_all(project.root, "Fix the README")
        run_git(project.root, "push", "-q", "origin", "HEAD")
        again = releasekit("release", "--yes", cwd=project.root, env={**env, "RELEASEKIT_FAIL_AT_STEP": "preflight"})
    assert (
        f"HEAD moved since the release of {started.version} started (from {started.start_commit[:10]} to "
        f"{fix[:10]}), and nothing was committed, tagged, pushed or uploaded yet: starting the release again"
    ) in again.output
    assert "stopping after step 1 (preflight)" in again.output, again.output
    restarted = journal.load(git.git_dir(project.root))
    assert restarted is not None and restarted.start_commit == fix and restarted.completed == ["preflight"]
    assert restarted.version == started.version and restarted.spec == "patch"
