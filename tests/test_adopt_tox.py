"""A project's own tox ``release`` env is never shadowed silently (issue #22's fifth shape).

The project's tox.ini already has ``[testenv:release]`` (a build, then ``twine upload``).
``tox -e release`` runs it, as tox always does; init says so plainly and names the plugin's
``releasekit-release``, which real tox runs as releasekit's release.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.adoption import init
from tests.helpers.noxrun import tool_env

pytestmark = pytest.mark.integration

TOX_INI = adoption.own_release_tox_ini("python -c \"print('THE PROJECT UPLOADS')\"")


def tox(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "tox", *args]
    return subprocess.run(cmd, cwd=root, env=tool_env(), capture_output=True, text=True, timeout=300, check=False)


def test_init_names_the_unambiguous_env_and_tox_runs_it(tmp_path: Path) -> None:
    files = {**adoption.static_files(nox=False), "tox.ini": TOX_INI}
    repo = adoption.project_repo(tmp_path, files, tags=("v0.4.0",))
    code, out, err = init(repo, "--dry-run")
    assert code == 0, out + err
    assert (
        "note: tox: the project defines its own 'release' env, and `tox -e release` runs it, not releasekit; "
        "type `tox -e releasekit-release -- ...` for releasekit's release (or rename or remove the project's env)"
    ) in out
    assert "nothing to add; releasekit's tox plugin provides" not in out
    listing = tox(repo, "list")
    assert "releasekit-release" in listing.stdout and "releasekit-hotfix" in listing.stdout
    own = tox(repo, "-e", "release")
    assert "THE PROJECT UPLOADS" in own.stdout
    ours = tox(repo, "-e", "releasekit-release", "--", "--help")
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "usage: releasekit release" in ours.stdout and "THE PROJECT UPLOADS" not in ours.stdout
