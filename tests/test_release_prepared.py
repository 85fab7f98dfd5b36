"""One build for the package check and the release: the release commit made ahead, in a clone.

Real git, bump-my-version, towncrier, build and twine, two real pypiservers. The files the
release publishes must be the files a clean build of its tag makes, and where the commit
cannot be made ahead (a repository that signs its commits), the commit is made in place and
the tag is built, as before.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.helpers.gitrepo import git
from tests.helpers.releaseproj import make_project, step_mark
from tests.helpers.releasing import Indexes, assert_released, index_env, release, state_dir

pytestmark = pytest.mark.integration


def build_tag(root: Path, tag: str, out: Path) -> dict[str, Path]:
    """``python -m build`` of a clean clone of ``tag``, SOURCE_DATE_EPOCH its commit time, as a maintainer builds it."""
    src = out / "src"
    subprocess.run(["git", "clone", "-q", "--branch", tag, str(root), str(src)], check=True, capture_output=True)
    epoch = git(src, "log", "-1", "--format=%ct")
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    cmd = [sys.executable, "-m", "build", "--installer", "uv", "--outdir", str(out / "dist"), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return {path.suffix: path for path in (out / "dist").iterdir()}


def members(sdist: Path) -> dict[str, bytes]:
    """The sdist's files and their bytes (the archive's own timestamps aside)."""
    with tarfile.open(sdist) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}  # type: ignore[union-attr]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_release_publishes_what_a_clean_build_of_its_tag_makes(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path / "p")
    start = git(project.root, "rev-parse", "HEAD")
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    assert_released(project, servers)
    # The commit step took the commit the package check made ahead; the build step took its files.
    assert f"{step_mark('commit')}: ok" in result.stdout and "made ahead by the package check" in result.stdout
    assert "the package check built the release commit" in result.stdout
    commit = git(project.root, "rev-parse", "HEAD")
    assert git(project.root, "rev-parse", "v0.2.0^{commit}") == commit
    assert git(project.root, "rev-parse", "HEAD^") == start and git(project.root, "status", "--porcelain") == ""
    # A maintainer's build of the tag: the same wheel, byte for byte, and an sdist holding the same files.
    built = build_tag(project.root, "v0.2.0", tmp_path / "by-hand")
    released = {path.suffix: path for path in (state_dir(project) / "dist" / "0.2.0").iterdir()}
    assert sorted(p.name for p in released.values()) == sorted(p.name for p in built.values())
    assert digest(released[".whl"]) == digest(built[".whl"])
    assert members(released[".gz"]) == members(built[".gz"])


def test_a_repository_that_signs_its_commits_gets_them_made_in_place(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path / "p")
    key = tmp_path / "signing-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, capture_output=True)
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true")):
        git(project.root, "config", name, value)
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    assert_released(project, servers)
    # Signed, by git commit in the project itself; then the tag built from a clean checkout.
    assert "made ahead" not in result.stdout and "the package check built the release commit" not in result.stdout
    assert "python -m build (SOURCE_DATE_EPOCH=" in result.stdout
    assert "gpgsig" in git(project.root, "cat-file", "commit", "HEAD")
