"""Git, through small named functions on top of one helper."""

from __future__ import annotations

import os
from pathlib import Path

from releasekit.errors import ReleasekitError
from releasekit.process import run

PathLike = str | os.PathLike[str]


def git(*args: str, cwd: PathLike, check: bool = True) -> str:
    """Run ``git args`` in ``cwd`` and return its stdout, stripped of the final newline."""
    return run(["git", *args], cwd=cwd, check=check).stdout.rstrip("\n")


def toplevel(cwd: PathLike) -> Path:
    """The work tree's top directory. Raises ReleasekitError outside a git repository."""
    proc = run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, check=False)
    if proc.returncode != 0:
        raise ReleasekitError(f"{os.fspath(cwd)}: not inside a git repository")
    return Path(proc.stdout.strip())


def git_dir(cwd: PathLike) -> Path:
    """The repository's git directory (where releasekit keeps its journal)."""
    return Path(cwd, git("rev-parse", "--git-dir", cwd=cwd)).resolve()


def current_branch(cwd: PathLike) -> str | None:
    """The checked-out branch, or None when HEAD is detached."""
    proc = run(["git", "symbolic-ref", "--quiet", "--short", "HEAD"], cwd=cwd, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def is_clean(cwd: PathLike) -> bool:
    """True when there is nothing staged, modified or untracked."""
    return git("status", "--porcelain", cwd=cwd) == ""


def head(cwd: PathLike) -> str:
    """HEAD's full commit id."""
    return git("rev-parse", "HEAD", cwd=cwd)


def rev_parse(rev: str, cwd: PathLike) -> str | None:
    """The commit ``rev`` names, or None when it names nothing."""
    proc = run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=cwd, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def tags_merged(cwd: PathLike, pattern: str = "v*") -> list[str]:
    """Tags matching ``pattern`` that are reachable from HEAD."""
    proc = run(["git", "tag", "--merged", "HEAD", "--list", pattern], cwd=cwd, check=False)
    return proc.stdout.split() if proc.returncode == 0 else []


def tags(cwd: PathLike, pattern: str = "v*") -> list[str]:
    """All local tags matching ``pattern``."""
    return git("tag", "--list", pattern, cwd=cwd).split()


def tag_exists(tag: str, cwd: PathLike) -> bool:
    """True when the local tag ``tag`` exists."""
    return run(["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}"], cwd=cwd, check=False).returncode == 0


def remote_tag_exists(remote: str, tag: str, cwd: PathLike) -> bool:
    """True when ``remote`` has the tag ``tag``."""
    return git("ls-remote", "--tags", remote, f"refs/tags/{tag}", cwd=cwd) != ""


def remote_url(remote: str, cwd: PathLike) -> str | None:
    """The URL of ``remote``, or None when there is no such remote."""
    proc = run(["git", "remote", "get-url", remote], cwd=cwd, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def fetch(remote: str, cwd: PathLike, *refs: str) -> None:
    """Fetch ``refs`` (or the default refspecs) and tags from ``remote``."""
    git("fetch", "--quiet", "--tags", remote, *refs, cwd=cwd)


def commit_time(rev: str, cwd: PathLike) -> int:
    """The committer time of ``rev``, in seconds since the epoch."""
    return int(git("log", "-1", "--format=%ct", rev, cwd=cwd))


def is_shallow(cwd: PathLike) -> bool:
    """True in a shallow clone."""
    return git("rev-parse", "--is-shallow-repository", cwd=cwd) == "true"


def changed_paths(cwd: PathLike) -> list[str]:
    """Paths ``git status`` reports: staged, modified or untracked."""
    return [line[3:] for line in git("status", "--porcelain", cwd=cwd).splitlines() if line]


def ahead_behind(rev: str, upstream: str, cwd: PathLike) -> tuple[int, int]:
    """How many commits ``rev`` has that ``upstream`` lacks, and the other way round."""
    ahead, behind = git("rev-list", "--left-right", "--count", f"{rev}...{upstream}", cwd=cwd).split()
    return int(ahead), int(behind)


def subject(rev: str, cwd: PathLike) -> str:
    """The first line of the message of commit ``rev``."""
    return git("log", "-1", "--format=%s", rev, cwd=cwd)


def parent(rev: str, cwd: PathLike) -> str | None:
    """The first parent of ``rev``, or None for a root commit."""
    return rev_parse(f"{rev}^", cwd)


def tag_target(tag: str, cwd: PathLike) -> str | None:
    """The commit the tag ``tag`` points at, or None when there is no such tag."""
    return rev_parse(f"refs/tags/{tag}", cwd)


def create_tag(tag: str, message: str, rev: str, cwd: PathLike, *, sign: bool = False) -> None:
    """Create the annotated (or, with ``sign``, signed) tag ``tag`` on ``rev``."""
    git("tag", "-s" if sign else "-a", tag, "-m", message, rev, cwd=cwd)


def delete_tag(tag: str, cwd: PathLike) -> None:
    """Delete the local tag ``tag``."""
    git("tag", "-d", tag, cwd=cwd)


def reset_hard(rev: str, cwd: PathLike) -> None:
    """Move the branch and the work tree to ``rev``, dropping local changes."""
    git("reset", "--quiet", "--hard", rev, cwd=cwd)


def clone(source: PathLike, dest: PathLike, rev: str) -> None:
    """A fresh checkout of ``rev`` of the repository ``source`` in ``dest``."""
    git("clone", "--quiet", "--no-checkout", os.fspath(source), os.fspath(dest), cwd=Path(dest).parent)
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", rev, cwd=dest)


def push_atomic(remote: str, refspecs: list[str], cwd: PathLike) -> None:
    """Push ``refspecs`` to ``remote`` all together or not at all."""
    git("push", "--quiet", "--atomic", "--porcelain", remote, *refspecs, cwd=cwd)
