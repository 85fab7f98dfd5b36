"""Crashes between a side effect and its journal entry, on real git, real pypiservers and real twine.

``RELEASEKIT_FAIL_AT_STEP`` stops after a step is journaled; ``RELEASEKIT_CRASH_AT`` ends the
process with ``os._exit`` after the release commit, the tag, the push or an upload was made
and before the journal says so. Each run resumes from the previous crash; the release must
end with one release commit, one tag, and each file uploaded exactly once to each index.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.release.crash import CRASH_AT_ENV, CRASH_EXIT
from releasekit.release.runner import FAIL_AT_ENV
from tests.helpers.cli import environment
from tests.helpers.flaky import flaky_proxy
from tests.helpers.gitrepo import git
from tests.helpers.releaseproj import Project, make_project
from tests.helpers.releasing import (
    Indexes,
    assert_released,
    env_for,
    files_of,
    release,
    state_dir,
)

pytestmark = pytest.mark.integration


def upload_by_hand(project: Project, url: str, pattern: str, env: dict[str, str]) -> None:
    """twine uploads the journaled files matching ``pattern``, as a run stopped amid its upload leaves them."""
    files = sorted((state_dir(project) / "dist").glob(f"*/{pattern}"))
    assert files, "the build journaled no such file"
    cmd = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", url, *map(str, files)]
    subprocess.run(cmd, env=environment(env), check=True, capture_output=True)


def test_resume_from_every_crash_window(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    t, p = servers
    # Proxies in front of both indexes count the uploads that reach them.
    with flaky_proxy(t.upload_url, fail_from=None) as to_test, flaky_proxy(p.upload_url, fail_from=None) as to_prod:
        env = env_for(to_test.url, t.simple_url, to_prod.url, p.simple_url)

        def crash_at(point: str) -> dict[str, object]:
            result = release(project, "minor", "--yes", env={**env, CRASH_AT_ENV: point})
            assert result.returncode == CRASH_EXIT, result.output
            assert result.stderr.rstrip().endswith(f"{CRASH_AT_ENV}={point}: ending the process here, as asked")
            record: dict[str, object] = json.loads((state_dir(project) / "release.json").read_text())
            return record

        record = crash_at("commit")  # committed, not journaled
        assert record["completed"] == ["preflight", "package-check", "tests"] and record["release_commit"] is None
        assert git(project.root, "log", "-1", "--format=%s") == "Release v0.2.0"

        record = crash_at("tag")  # the commit adopted, the tag made, not journaled
        assert record["completed"][-1] == "commit"  # type: ignore[index]
        assert git(project.root, "tag", "--list") == "v0.2.0"

        # A run stopped in the middle of twine's upload: the sdist is on the test index, the step not journaled.
        stopped = release(project, "minor", "--yes", env={**env, FAIL_AT_ENV: "build"})
        assert stopped.returncode != 0 and "stopping after step 6 (build)" in stopped.output, stopped.output
        upload_by_hand(project, to_test.url, "*.tar.gz", env)
        assert len(files_of(t, project)) == 1
        record = crash_at("test-upload:1")  # this run uploads the one file missing, then stops
        assert record["completed"][-1] == "build" and len(files_of(t, project)) == 2  # type: ignore[index]

        record = crash_at("push")  # on the remote, not journaled
        assert record["completed"][-1] == "test-verify"  # type: ignore[index]
        assert git(project.origin, "tag", "--list") == "v0.2.0"
        # The journal does not know of the push; --abort asks the remote and refuses.
        refused = release(project, "--abort", env=env)
        assert refused.returncode == 2, refused.output
        assert "v0.2.0 is already pushed to origin; a release cannot be taken back" in refused.stderr
        assert git(project.root, "tag", "--list") == "v0.2.0"

        record = crash_at("upload:2")  # both files on the production index, the step not journaled
        assert record["completed"][-1] == "push" and len(files_of(p, project)) == 2  # type: ignore[index]

        final = release(project, "minor", "--yes", env=env)
        assert final.returncode == 0, final.output
        assert "0 uploaded to PyPI, 2 already there" in final.stdout
        assert (to_test.uploads, to_prod.uploads) == (2, 2)  # each file sent once to each index, by hand or not
    assert_released(project, servers)  # one release commit, one tag, the same bytes on both indexes
    assert git(project.root, "log", "--format=%s").splitlines().count("Release v0.2.0") == 1
