"""Git, through small named functions on top of one helper."""

from __future__ import annotations

import os
from pathlib import Path

from releasekit.errors import ReleasekitError, StepFailed
from releasekit.gitdiff import diff_args
from releasekit.gitfiles import refs_dir
from releasekit.process import run

PathLike = str | os.PathLike[str]

# Ends git's options: whatever follows is a name, even one starting with "-" (git >= 2.24).
# Names from outside are checked where they enter (releasekit.refnames); this is the second guard.
EOO = "--end-of-options"


def _not_an_option(name: str) -> None:
    """For the few git commands that take no --end-of-options: refuse a name git would read as an option."""
    if name.startswith("-"):
        raise ReleasekitError(f"{name!r}: not a git name (starts with '-')")


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
    """The work tree's git directory (where releasekit keeps its journal)."""
    return _rev_parse_path("--git-dir", cwd)


def common_dir(cwd: PathLike) -> Path:
    """The git directory every worktree of the repository shares (where the release lock lives)."""
    return _rev_parse_path("--git-common-dir", cwd)


def _rev_parse_path(option: str, cwd: PathLike) -> Path:
    proc = run(["git", "rev-parse", option], cwd=cwd, check=False)
    if proc.returncode != 0:
        raise ReleasekitError(f"{os.fspath(cwd)}: not inside a git repository")
    return Path(cwd, proc.stdout.rstrip("\n")).resolve()


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
    proc = run(["git", "rev-parse", "--verify", "--quiet", EOO, f"{rev}^{{commit}}"], cwd=cwd, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def tags_merged(cwd: PathLike, pattern: str = "v*") -> list[str]:
    """Tags matching ``pattern`` that are reachable from HEAD."""
    proc = run(["git", "tag", "--merged", "HEAD", "--list", EOO, pattern], cwd=cwd, check=False)
    return proc.stdout.split() if proc.returncode == 0 else []


# What a tag points at, then (an annotated tag) what its tag object points at.
_TAG_TARGET = "%(objecttype)%00%(*objecttype)%00"


def _of_commits(out: str) -> list[list[str]]:
    """The fields after the target's types, for each tag of ``out`` that names a commit: a tag
    pointing at a tree or a blob (``git tag v9 HEAD^{tree}``) is no release."""
    found = []
    for line in out.splitlines():
        kind, peeled, *rest = line.split("\0")
        if kind == "commit" or (kind == "tag" and peeled == "commit"):
            found.append(rest)
    return found


def tags(cwd: PathLike, pattern: str = "v*") -> list[str]:
    """All local tags matching ``pattern`` that name a commit."""
    out = git("tag", "--list", f"--format={_TAG_TARGET}%(refname:strip=2)", EOO, pattern, cwd=cwd)
    return [name for name, *_ in _of_commits(out)]


def tag_dates(cwd: PathLike) -> dict[str, int]:
    """Every tag that names a commit and its date in seconds since the epoch: the tagger's date, or a
    lightweight tag's commit date."""
    fmt = f"--format={_TAG_TARGET}%(refname:strip=2)%00%(creatordate:unix)"
    out = git("for-each-ref", fmt, "refs/tags", cwd=cwd)
    return {name: int(stamp) if stamp.isdigit() else 0 for name, stamp in _of_commits(out)}


def refs_under(cwd: PathLike, *prefixes: str) -> list[str]:
    """The full names of the refs under ``prefixes`` (``refs/heads/hotfix/``, ...)."""
    return git("for-each-ref", "--format=%(refname)", *prefixes, cwd=cwd).splitlines()


def nearest_tag(rev: str, pattern: str, cwd: PathLike) -> str | None:
    """The closest tag matching ``pattern`` in the history of ``rev``, or None."""
    proc = run(["git", "describe", "--tags", "--abbrev=0", "--match", pattern, rev, "--"], cwd=cwd, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def count_commits(revision_range: str, cwd: PathLike) -> int:
    """How many commits ``revision_range`` (``A..B``) holds."""
    return int(git("rev-list", "--count", revision_range, "--", cwd=cwd))


def tag_exists(tag: str, cwd: PathLike) -> bool:
    """True when the local tag ``tag`` exists."""
    return (
        run(["git", "rev-parse", "--verify", "--quiet", EOO, f"refs/tags/{tag}"], cwd=cwd, check=False).returncode == 0
    )


def remote_tag_exists(remote: str, tag: str, cwd: PathLike) -> bool:
    """True when ``remote`` has the tag ``tag``."""
    return git("ls-remote", "--tags", EOO, remote, f"refs/tags/{tag}", cwd=cwd) != ""


def remote_branch_exists(remote: str, branch: str, cwd: PathLike) -> bool:
    """True when ``remote`` has the branch ``branch``."""
    return git("ls-remote", "--heads", EOO, remote, f"refs/heads/{branch}", cwd=cwd) != ""


def remote_url(remote: str, cwd: PathLike) -> str | None:
    """The URL of ``remote``, or None when there is no such remote."""
    proc = run(["git", "remote", "get-url", EOO, remote], cwd=cwd, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def fetch(remote: str, cwd: PathLike, *refs: str) -> None:
    """Fetch ``refs`` (or the default refspecs) and tags from ``remote``.

    A failure is one line saying why (git's own message runs to five, the useful one first).
    """
    proc = run(["git", "fetch", "--quiet", "--tags", EOO, remote, *refs], cwd=cwd, check=False)
    if proc.returncode != 0:
        what = f"{' '.join(refs)} " if refs else ""
        raise StepFailed(f"cannot fetch {what}from {remote}: {remote_problem(remote, proc.stderr, cwd)}")


def remote_problem(remote: str, output: str, cwd: PathLike) -> str:
    """What went wrong talking to ``remote``, in one line, from git's output (and a look at its URL)."""
    url = remote_url(remote, cwd) or ""
    host_part = url.split("/", 1)[0]
    path = url[len("file://") :] if url.startswith("file://") else None if ":" in host_part else url
    if path and not Path(cwd, path).exists():
        # Said plainly, not git's "check your access rights".
        return f"{remote} is the path {url}, which does not exist"
    for line in output.splitlines():
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[0] if lines else "git fetch failed"


def commit_time(rev: str, cwd: PathLike) -> int:
    """The committer time of ``rev``, in seconds since the epoch."""
    return int(git("log", "-1", "--format=%ct", EOO, rev, "--", cwd=cwd))


def is_shallow(cwd: PathLike) -> bool:
    """True in a shallow clone."""
    return git("rev-parse", "--is-shallow-repository", cwd=cwd) == "true"


def changed_paths(cwd: PathLike) -> list[str]:
    """Paths ``git status`` reports: staged, modified or untracked."""
    return [line[3:] for line in git("status", "--porcelain", cwd=cwd).splitlines() if line]


def ahead_behind(rev: str, upstream: str, cwd: PathLike) -> tuple[int, int]:
    """How many commits ``rev`` has that ``upstream`` lacks, and the other way round."""
    ahead, behind = git("rev-list", "--left-right", "--count", EOO, f"{rev}...{upstream}", "--", cwd=cwd).split()
    return int(ahead), int(behind)


def subject(rev: str, cwd: PathLike) -> str:
    """The first line of the message of commit ``rev``."""
    return git("log", "-1", "--format=%s", EOO, rev, "--", cwd=cwd)


def parent(rev: str, cwd: PathLike) -> str | None:
    """The first parent of ``rev``, or None for a root commit."""
    return rev_parse(f"{rev}^", cwd)


def tag_target(tag: str, cwd: PathLike) -> str | None:
    """The commit the tag ``tag`` points at, or None when there is no such tag."""
    return rev_parse(f"refs/tags/{tag}", cwd)


def create_tag(tag: str, message: str, rev: str, cwd: PathLike, *, sign: bool = False) -> None:
    """Create the annotated (or, with ``sign``, signed) tag ``tag`` on ``rev``."""
    git("tag", "-s" if sign else "-a", "-m", message, EOO, tag, rev, cwd=cwd)


def delete_tag(tag: str, cwd: PathLike) -> None:
    """Delete the local tag ``tag``."""
    git("tag", "-d", EOO, tag, cwd=cwd)


def reset_hard(rev: str, cwd: PathLike) -> None:
    """Move the branch and the work tree to ``rev``, dropping local changes."""
    # reset takes no --end-of-options (git 2.39); the "--" makes rev a revision, never a path.
    _not_an_option(rev)
    git("reset", "--quiet", "--hard", rev, "--", cwd=cwd)


def clone(source: PathLike, dest: PathLike, rev: str) -> None:
    """A fresh checkout of ``rev`` of the repository ``source`` in ``dest``."""
    git("clone", "--quiet", "--no-checkout", "--", os.fspath(source), os.fspath(dest), cwd=Path(dest).parent)
    git("switch", "--quiet", "--detach", EOO, rev, cwd=dest)


def push_atomic(remote: str, refspecs: list[str], cwd: PathLike) -> None:
    """Push ``refspecs`` to ``remote`` all together or not at all."""
    git("push", "--quiet", "--atomic", "--porcelain", EOO, remote, *refspecs, cwd=cwd)


def _refs_dir(top: PathLike) -> Path | None:
    """The directory holding refs/ and packed-refs, or None when refs are not plain files."""
    return refs_dir(top)


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
        run(["git", "rev-parse", "--verify", "--quiet", EOO, f"refs/heads/{branch}"], cwd=cwd, check=False).returncode
        == 0
    )


def create_branch(branch: str, start: str, cwd: PathLike) -> None:
    """Create ``branch`` at ``start`` and check it out."""
    # checkout mistakes --end-of-options for a path (git 2.39); switch takes it.
    _not_an_option(branch)
    git("switch", "--quiet", "--create", branch, EOO, start, cwd=cwd)


def first_added_line(cwd: PathLike, path: str, *revs: str) -> int:
    """The first line of ``path`` that ``git diff revs`` adds or changes (1 when there is none)."""
    proc = run(
        ["git", "diff", "-U0", "--no-ext-diff", "--relative", *diff_args(revs), "--", path], cwd=cwd, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            # @@ -a,b +c,d @@
            target = line.split(" ")[2]
            start = int(target[1:].split(",")[0])
            return max(start, 1)
    return 1


def file_diff(cwd: PathLike, path: str, *revs: str) -> str:
    """``git diff -U0 revs -- path``: the changed lines of one file, without context."""
    proc = run(
        ["git", "diff", "-U0", "--no-ext-diff", "--no-color", "--relative", *revs, "--", path], cwd=cwd, check=False
    )
    return proc.stdout if proc.returncode == 0 else ""


def merge_base(a: str, b: str, cwd: PathLike) -> str | None:
    """A best common ancestor of ``a`` and ``b``, or None when they share no history (here)."""
    proc = run(["git", "merge-base", EOO, a, b], cwd=cwd, check=False)
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
    proc = run(["git", "fetch", "--quiet", "--no-tags", *extra, EOO, remote, refspec], cwd=cwd, check=False)
    return proc.returncode == 0


def unshallow(remote: str, cwd: PathLike) -> bool:
    """Complete the history of a shallow clone from ``remote``; True when it worked."""
    return (
        run(["git", "fetch", "--quiet", "--no-tags", "--unshallow", EOO, remote], cwd=cwd, check=False).returncode == 0
    )


def empty_tree(cwd: PathLike) -> str:
    """The id of the empty tree, to diff a repository that has no commit yet."""
    return run(["git", "hash-object", "-t", "tree", "--stdin"], cwd=cwd, input="").stdout.strip()


def subjects(revision_range: str, cwd: PathLike) -> list[str]:
    """The subject lines of the commits in ``revision_range`` (``A..B``)."""
    return git("log", "--format=%s", EOO, revision_range, "--", cwd=cwd).splitlines()


def tracked_files(cwd: PathLike, *pathspecs: str) -> list[str] | None:
    """Files git tracks under ``pathspecs`` (all when none), relative to ``cwd``; None outside a repository."""
    proc = run(["git", "ls-files", "-z", "--", *pathspecs], cwd=cwd, check=False)
    if proc.returncode != 0:
        return None
    return [name for name in proc.stdout.split("\0") if name]


def is_ancestor(ancestor: str, descendant: str, cwd: PathLike) -> bool:
    """True when ``ancestor`` is in the history of ``descendant``."""
    proc = run(["git", "merge-base", "--is-ancestor", EOO, ancestor, descendant], cwd=cwd, check=False)
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
