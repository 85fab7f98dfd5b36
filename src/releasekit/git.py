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


def tracked_changes(cwd: PathLike) -> bool:
    """True when a tracked file is staged or modified (untracked files do not count)."""
    return git("status", "--porcelain", "--untracked-files=no", cwd=cwd) != ""


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


def remote_branch_exists(remote: str, branch: str, cwd: PathLike) -> bool:
    """True when ``remote`` has the branch ``branch``."""
    return git("ls-remote", "--heads", remote, f"refs/heads/{branch}", cwd=cwd) != ""


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


def _refs_dir(top: PathLike) -> Path | None:
    """The directory holding refs/ and packed-refs, or None when refs are not plain files."""
    from releasekit.hookcache import git_dir as find_git_dir  # the hooks' os-only lookup, shared

    found = find_git_dir(os.fspath(top))
    if found is None:
        return None
    dot_git = Path(found)
    commondir = dot_git / "commondir"
    if commondir.is_file():
        dot_git = dot_git / commondir.read_text(encoding="utf-8").strip()
    if not dot_git.is_dir() or (dot_git / "reftable").exists():
        return None
    return dot_git


def tag_names_from_refs(top: PathLike) -> list[str] | None:
    """Tag names read straight from the ref files, without starting git.

    The hooks use this to skip a git call when no tag could matter. Returns None when
    the layout is not the plain files one (reftable, or no .git found), so the caller
    asks git instead.
    """
    refs = _refs_dir(top)
    if refs is None:
        return None
    names: set[str] = set()
    tags_dir = refs / "refs" / "tags"
    if tags_dir.is_dir():
        names.update(p.relative_to(tags_dir).as_posix() for p in tags_dir.rglob("*") if p.is_file())
    packed = refs / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
            ref = line.partition(" ")[2]
            if ref.startswith("refs/tags/"):
                names.add(ref[len("refs/tags/") :])
    return sorted(names)


def tag_ref_paths(top: PathLike) -> list[str] | None:
    """The files and directories whose stamps change when a tag is added, moved or packed."""
    refs = _refs_dir(top)
    if refs is None:
        return None
    tags_dir = refs / "refs" / "tags"
    dirs = [tags_dir, *(p for p in tags_dir.rglob("*") if p.is_dir())] if tags_dir.is_dir() else [tags_dir]
    return [str(refs / "packed-refs"), *(str(d) for d in dirs)]


def branch_exists(branch: str, cwd: PathLike) -> bool:
    """True when the local branch ``branch`` exists."""
    return (
        run(["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"], cwd=cwd, check=False).returncode == 0
    )


def create_branch(branch: str, start: str, cwd: PathLike) -> None:
    """Create ``branch`` at ``start`` and check it out."""
    git("checkout", "--quiet", "-b", branch, start, cwd=cwd)


def first_added_line(cwd: PathLike, path: str, *revs: str) -> int:
    """The first line of ``path`` that ``git diff revs`` adds or changes (1 when there is none)."""
    proc = run(["git", "diff", "-U0", "--no-ext-diff", "--relative", *revs, "--", path], cwd=cwd, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            # @@ -a,b +c,d @@
            target = line.split(" ")[2]
            start = int(target[1:].split(",")[0])
            return max(start, 1)
    return 1


def merge_base(a: str, b: str, cwd: PathLike) -> str | None:
    """A best common ancestor of ``a`` and ``b``, or None when they share no history (here)."""
    proc = run(["git", "merge-base", a, b], cwd=cwd, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def remotes(cwd: PathLike) -> list[str]:
    """The names of the configured remotes."""
    return git("remote", cwd=cwd).split()


def fetch_branch(remote: str, branch: str, cwd: PathLike, *, unshallow: bool = False) -> bool:
    """Fetch ``branch`` into ``refs/remotes/<remote>/<branch>``; True when it worked.

    The explicit refspec makes this work in single-branch clones too. ``unshallow``
    also completes the history of a shallow clone.
    """
    refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    extra = ["--unshallow"] if unshallow else []
    proc = run(["git", "fetch", "--quiet", "--no-tags", *extra, remote, refspec], cwd=cwd, check=False)
    return proc.returncode == 0


def unshallow(remote: str, cwd: PathLike) -> bool:
    """Complete the history of a shallow clone from ``remote``; True when it worked."""
    return run(["git", "fetch", "--quiet", "--no-tags", "--unshallow", remote], cwd=cwd, check=False).returncode == 0


def empty_tree(cwd: PathLike) -> str:
    """The id of the empty tree, to diff a repository that has no commit yet."""
    return run(["git", "hash-object", "-t", "tree", "--stdin"], cwd=cwd, input="").stdout.strip()


def subjects(revision_range: str, cwd: PathLike) -> list[str]:
    """The subject lines of the commits in ``revision_range`` (``A..B``)."""
    return git("log", "--format=%s", revision_range, "--", cwd=cwd).splitlines()


def tracked_files(cwd: PathLike, *pathspecs: str) -> list[str] | None:
    """Files git tracks under ``pathspecs`` (all when none), relative to ``cwd``; None outside a repository."""
    proc = run(["git", "ls-files", "-z", "--", *pathspecs], cwd=cwd, check=False)
    if proc.returncode != 0:
        return None
    return [name for name in proc.stdout.split("\0") if name]


def is_ancestor(ancestor: str, descendant: str, cwd: PathLike) -> bool:
    """True when ``ancestor`` is in the history of ``descendant``."""
    proc = run(["git", "merge-base", "--is-ancestor", ancestor, descendant], cwd=cwd, check=False)
    return proc.returncode == 0


def conflicted_files(cwd: PathLike) -> list[str]:
    """The paths a merge in progress left unmerged."""
    return git("diff", "--name-only", "--diff-filter=U", cwd=cwd).splitlines()


def untracked_paths(cwd: PathLike) -> list[str]:
    """Files git does not track and does not ignore (they never ship: the build is from the tag)."""
    proc = run(["git", "ls-files", "-z", "--others", "--exclude-standard", "--directory"], cwd=cwd)
    return [name for name in proc.stdout.split("\0") if name]


def modified_paths(cwd: PathLike) -> list[str]:
    """Tracked paths that are staged or modified in the work tree."""
    return [line[3:] for line in git("status", "--porcelain", "--untracked-files=no", cwd=cwd).splitlines() if line]
