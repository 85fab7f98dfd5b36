"""Run releasekit's hooks the way users get them: `pre-commit try-repo` against this repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli import Result, run
from tests.helpers.shared import built_once

ROOT = Path(__file__).resolve().parents[2]

# A fixed date makes the snapshot commit the same every time it is made from the same
# files, so pre-commit's cache, keyed on repository and revision, is hit.
_SNAPSHOT_ENV = {
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_AUTHOR_NAME": "snapshot",
    "GIT_AUTHOR_EMAIL": "snapshot@releasekit.invalid",
    "GIT_COMMITTER_NAME": "snapshot",
    "GIT_COMMITTER_EMAIL": "snapshot@releasekit.invalid",
}
_snapshots: dict[Path, tuple[Path, str]] = {}


def _snapshot(pre_commit_home: Path) -> tuple[Path, str]:
    """This work tree as it is now (tracked and untracked, not ignored), committed once per run.

    `pre-commit try-repo` on a dirty tree commits a shadow copy with a new id every
    call, and so builds a new hook environment every call; one snapshot builds one.
    The xdist workers share ``pre_commit_home``, so the first of them makes the snapshot
    beside it (under a lock) and the others reuse it.
    """
    if pre_commit_home not in _snapshots:
        dest = built_once(pre_commit_home.parent / f"{pre_commit_home.name}-hook-source", _commit_work_tree)
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True, check=True)
        _snapshots[pre_commit_home] = (dest, rev.stdout.strip())
    return _snapshots[pre_commit_home]


def _commit_work_tree(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    shutil.rmtree(dest, ignore_errors=True)  # what an interrupted first attempt left
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    env = {**os.environ, **_SNAPSHOT_ENV}
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
        subprocess.run(cmd, cwd=dest, env=env, check=True, capture_output=True)


def try_repo(target: Path, hook: str, *args: str, pre_commit_home: Path) -> Result:
    """Run ``pre-commit try-repo <this repo> <hook> args`` inside the repository ``target``.

    The hook comes from a snapshot of this work tree (uncommitted changes included),
    committed once per test run. try-repo installs it into a hook environment of its own
    each time: pre-commit gives try-repo a temporary store, whatever ``PRE_COMMIT_HOME``
    says (about a CPU-second a call, with uv).
    """
    source, rev = _snapshot(pre_commit_home)
    # Under `nox -s tests` (uv backend) nox points UV_PYTHON at the session venv, and
    # pre-commit-uv's `uv pip install .` would then install the snapshot there, over the
    # editable releasekit the other tests run.
    env = {
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "PRE_COMMIT_COLOR": "never",
        "UV_PYTHON": None,
        "UV_PROJECT_ENVIRONMENT": None,
    }
    return run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(source), hook, "--ref", rev, *args], cwd=target, env=env
    )
