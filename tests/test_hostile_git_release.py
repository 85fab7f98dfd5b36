"""Two worktrees of one repository releasing at once, for real: a pypiserver, nox running the tests gate.

The hostile-git checks that need no release run are in test_hostile_git.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from releasekit import git
from releasekit.release import journal
from tests.helpers.cli import one_error, releasekit, start
from tests.helpers.gitrepo import add_worktree
from tests.helpers.pypi import pypiserver
from tests.helpers.releaseproj import make_project

pytestmark = pytest.mark.integration

WAITING_NOXFILE = """\
import os
import time
import nox

@nox.session(venv_backend="none")
def tests(session):
    marks = os.environ["MARKER_DIR"]
    open(os.path.join(marks, "started"), "w").close()
    deadline = time.monotonic() + 120
    while not os.path.exists(os.path.join(marks, "go")) and time.monotonic() < deadline:
        time.sleep(0.05)
"""


def test_two_worktrees_racing_one_wins(tmp_path: Path) -> None:
    """A real release holds the lock in one worktree; the other worktree's release is refused."""
    project = make_project(tmp_path, extra_files={"noxfile.py": WAITING_NOXFILE})
    other = add_worktree(project.root, tmp_path / "second")
    marks = tmp_path / "marks"
    marks.mkdir()
    with pypiserver(tmp_path / "index") as index:
        env = {**index.env(), **index.env("RELEASEKIT_TEST_"), "MARKER_DIR": str(marks)}
        env["RELEASEKIT_FAIL_AT_STEP"] = "tests"
        first = start("release", "patch", "--yes", cwd=project.root, env=env)
        try:
            deadline = time.monotonic() + 120
            while not (marks / "started").exists() and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert (marks / "started").exists(), first.communicate()[0]
            second = releasekit(
                "release",
                "patch",
                "--yes",
                cwd=other,
                env={**index.env(), **index.env("RELEASEKIT_TEST_"), "RELEASEKIT_FAIL_AT_STEP": "preflight"},
            )
        finally:
            (marks / "go").touch()
            output, _ = first.communicate(timeout=120)
    lock = git.common_dir(other) / "releasekit" / "lock"
    assert one_error(second) == (
        f"{lock}: another releasekit release is running in this repository (this worktree or another)"
    )
    assert journal.load(git.git_dir(other)) is None  # the loser left no journal
    assert first.returncode == 1 and "stopping after step 3 (tests)" in output, output
    winner = journal.load(project.root / ".git")
    assert winner is not None and winner.completed == ["preflight", "package-check", "tests"]
