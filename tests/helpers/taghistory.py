"""Repositories with a history of release tags made on given days, as real projects have."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from tests.helpers.gitrepo import GIT_ENV

DAY = 86400


def _git(repo: Path, when: int, *args: str) -> None:
    stamp = f"@{when} +0000"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def tag_at(repo: Path, tag: str, days_ago: int, *, annotated: bool = True, now: float | None = None) -> None:
    """Commit a change and tag it ``tag``, both dated ``days_ago`` days (and an hour) before ``now``."""
    when = int(now if now is not None else time.time()) - days_ago * DAY - 3600
    (repo / "history.txt").write_text(f"{tag}\n", encoding="utf-8")
    _git(repo, when, "add", "history.txt")
    _git(repo, when, "commit", "-q", "--no-verify", "-m", f"work for {tag}")
    if annotated:
        _git(repo, when, "tag", "-a", tag, "-m", f"Release {tag}")
    else:
        _git(repo, when, "tag", tag)


def tag_history(repo: Path, tags: Iterable[tuple[str, int]], *, annotated: bool = True) -> None:
    """``tag_at`` for each ``(tag, days_ago)``, oldest first as given."""
    for tag, days_ago in tags:
        tag_at(repo, tag, days_ago, annotated=annotated)
