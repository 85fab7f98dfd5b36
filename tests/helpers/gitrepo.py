"""Real git repositories in tmp dirs: the builders every test shares."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Tests run git with a fixed identity and no global or system configuration.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Release Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.invalid",
    "GIT_COMMITTER_NAME": "Release Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return stdout; fail the test loudly when git fails."""
    proc = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) below ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(path: Path, files: Mapping[str, str | bytes] | None = None, *, branch: str = "main") -> Path:
    """A new repository at ``path`` with ``files`` in one first commit."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    git(path, "config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    git(path, "config", "commit.gpgsign", "false")
    git(path, "config", "tag.gpgsign", "false")
    if files:
        write_files(path, files)
        commit_all(path, "Initial commit")
    return path


def commit_all(repo: Path, message: str) -> str:
    """Stage everything and commit; return the new commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def add_origin(repo: Path, bare: Path, *, branch: str = "main") -> Path:
    """Create the bare repository ``bare``, make it ``origin`` and push ``branch`` to it."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", branch, str(bare)], check=True)
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "-u", "origin", branch)
    return bare


def add_worktree(repo: Path, path: Path, branch: str = "main") -> Path:
    """A second worktree of ``repo`` at ``path``, on ``branch`` too (as two releasers racing on one branch)."""
    git(repo, "worktree", "add", "--force", "-q", str(path), branch)
    return path


def age_tree(root: Path, seconds: float = 60) -> None:
    """Make every file and directory below ``root`` look ``seconds`` old.

    releasekit's hook cache does not record inputs changed in the last moments (their
    stamps could still change unseen); tests that want a record age the tree first.
    """
    import time

    past = time.time() - seconds
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*filenames, *dirnames]:
            os.utime(os.path.join(dirpath, name), (past, past), follow_symlinks=False)
    os.utime(root, (past, past))


def copy_with_origin(repo: Path, origin: Path, base: Path) -> tuple[Path, Path]:
    """A copy of ``repo`` and of its bare ``origin`` below ``base``, under the same names, the copy's
    ``origin`` pointing at the copied bare repository.

    For a module whose tests each need the same fresh repository: built once (a dozen git
    processes), copied for each test (one). The copied files are stamped now, as freshly
    written ones are (releasekit's hook cache tells recent files from old ones).
    """
    copy = Path(shutil.copytree(repo, base / repo.name, symlinks=True, copy_function=shutil.copy))
    bare = Path(shutil.copytree(origin, base / origin.name, symlinks=True, copy_function=shutil.copy))
    git(copy, "remote", "set-url", "origin", str(bare))
    return copy, bare
