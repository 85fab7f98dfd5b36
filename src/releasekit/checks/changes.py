"""Which change the fragment check looks at, read from git with as few calls as possible.

- ``PRE_COMMIT_FROM_REF``/``PRE_COMMIT_TO_REF`` (pre-push, or ``pre-commit run
  --from-ref/--to-ref`` in CI): the commits between them;
- otherwise the staged change plus the branch's commits since its merge base with the
  base branch (``--base``, by default ``<remote>/<release branch>``).

The common case is one ``git diff --name-status -z`` call. Only when it fails (the base
is missing, or a shallow clone lacks the merge base) does this module look closer, fetch
the missing history when a remote is there, and otherwise say what to do in one line.
"""

from __future__ import annotations

import os

from releasekit.errors import ReleasekitError
from releasekit.fastpath.record import Record
from releasekit.gitdiff import diff_name_status

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Mapping

    Root = str | os.PathLike[str]

_CI_HINT = "in CI, check out with fetch-depth: 0"


class Entry(Record):
    """One line of ``git diff --name-status``: a status letter and a path."""

    status: str  # A, M, D, T, ...
    path: str


class Change(Record):
    """The paths a change touches, and how it was found."""

    entries: tuple[Entry, ...]
    revs: tuple[str, ...]  # the arguments of `git diff` that list this change
    description: str
    notes: tuple[str, ...] = ()  # what was done on the way (e.g. fetched missing history)
    commits: str | None = None  # the `git log` range of the change's commits (None: no commit yet)


def resolve(
    root: Root,
    *,
    base: str,
    remote: str,
    environ: Mapping[str, str] | None = None,
) -> Change:
    """The change to check, from pre-commit's refs when set, else staged + branch since ``base``."""
    env = os.environ if environ is None else environ
    from_ref, to_ref = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        from releasekit.refnames import check_revision

        check_revision(from_ref, "PRE_COMMIT_FROM_REF")
        check_revision(to_ref, "PRE_COMMIT_TO_REF")
        return _between(root, from_ref, to_ref, remote)
    return _since_base(root, base, remote)


def _entries(pairs: list[tuple[str, str]]) -> tuple[Entry, ...]:
    return tuple(Entry(status, path) for status, path in pairs)


def _between(root: Root, from_ref: str, to_ref: str, remote: str) -> Change:
    revs = (f"{from_ref}...{to_ref}",)
    pairs, error = diff_name_status(root, *revs)
    notes: list[str] = []
    if pairs is None:
        from releasekit import git

        git.toplevel(root)  # outside a repository, say so in one line, not with git's usage text
        notes.extend(_repair(root, from_ref, remote, what="PRE_COMMIT_FROM_REF", against=to_ref))
        pairs, error = diff_name_status(root, *revs)
        if pairs is None:  # pragma: no cover - _repair raises whenever git cannot diff
            raise ReleasekitError(f"cannot list the changes {from_ref[:12]}...{to_ref[:12]}: {error}")
    description = f"commits {from_ref[:12]}...{to_ref[:12]} (from pre-commit)"
    return Change(_entries(pairs), revs, description, tuple(notes), f"{from_ref}..{to_ref}")


def _since_base(root: Root, base: str, remote: str) -> Change:
    revs: tuple[str, ...] = ("--cached", "--merge-base", base)
    pairs, error = diff_name_status(root, *revs)
    notes: list[str] = []
    if pairs is None:
        from releasekit import git

        git.toplevel(root)  # outside a repository, say so in one line, not with git's usage text
        if git.rev_parse("HEAD", root) is None:
            # No commit yet: everything staged is new.
            revs = ("--cached", git.empty_tree(root))
            pairs, error = diff_name_status(root, *revs)
            if pairs is None:  # pragma: no cover - diffing the index against the empty tree does not fail
                raise ReleasekitError(f"cannot list the staged changes: {error}")
            return Change(_entries(pairs), revs, "the first commit (staged files)")
        notes.extend(_repair(root, base, remote, what="base", against="HEAD"))
        pairs, error = diff_name_status(root, *revs)
        if pairs is None:
            # Several merge bases (criss-cross merges): diff against one of them.
            found = git.merge_base(base, "HEAD", root)
            if found is None:  # pragma: no cover - _repair made sure there is one
                raise ReleasekitError(f"cannot list the changes since {base}: {error}")
            revs = ("--cached", found)
            pairs, error = diff_name_status(root, *revs)
            if pairs is None:  # pragma: no cover
                raise ReleasekitError(f"cannot list the changes since {base}: {error}")
    return Change(_entries(pairs), revs, f"staged changes and commits since {base}", tuple(notes), f"{base}..HEAD")


def is_revert(root: Root, change: Change) -> bool:
    """True when the change is a revert: one of its commits is (``Revert "..."``), or a
    ``git revert`` is in progress in the work tree."""
    from releasekit import git

    if (git.git_dir(root) / "REVERT_HEAD").exists():
        return True
    if change.commits is None:
        return False
    return any(subject.startswith("Revert ") for subject in git.subjects(change.commits, root))


def _split_remote_ref(ref: str, root: Root, remote: str | None) -> tuple[str, str] | None:
    """``("origin", "main")`` for ``origin/main`` when ``origin`` is a configured remote."""
    from releasekit import git

    names = git.remotes(root)
    if remote and ref.startswith(f"{remote}/") and remote in names:
        return remote, ref[len(remote) + 1 :]
    for name in names:
        if ref.startswith(f"{name}/"):
            return name, ref[len(name) + 1 :]
    return None


def _repair(root: Root, ref: str, remote: str | None, *, what: str, against: str) -> list[str]:
    """Make ``ref`` and its merge base with ``against`` available, or raise one clear line.

    A missing remote branch is fetched, and a shallow clone is completed, when a remote
    is there to fetch from. Returns notes on what was fetched.
    """
    from releasekit import git

    shallow = git.is_shallow(root)
    split = _split_remote_ref(ref, root, remote)
    notes: list[str] = []
    if git.rev_parse(ref, root) is None:
        if split is None:
            if shallow and remote in git.remotes(root) and git.unshallow(remote, root):
                notes.append(f"fetched the full history from {remote} (the clone was shallow)")
                shallow = False
            if git.rev_parse(ref, root) is None:
                where = f" ({_CI_HINT})" if shallow else ""
                todo = "pass --base REF naming the branch this change goes into" if what == "base" else "fetch it"
                raise ReleasekitError(f"{what} {ref} not found{where}: {todo}")
        elif git.fetch_branch(*split, root, unshallow=shallow):
            extra = " with the full history (the clone was shallow)" if shallow else ""
            notes.append(f"fetched {ref} from {split[0]}{extra}")
            shallow = False
        else:
            command = f"git fetch{' --unshallow' if shallow else ''} {split[0]} {split[1]}"
            raise ReleasekitError(
                f"{what} {ref} not found and `{command}` failed: run it yourself ({_CI_HINT}), or pass --base REF"
            )
    if git.merge_base(ref, against, root) is not None:
        return notes
    if shallow:
        origin = split[0] if split else remote
        if origin in git.remotes(root) and git.unshallow(origin, root) and git.merge_base(ref, against, root):
            return [*notes, f"fetched the full history from {origin} (the clone was shallow)"]
        command = "git fetch --unshallow" + (f" {origin}" if origin else "")
        raise ReleasekitError(
            f"shallow clone: the history back to the merge base of {against} and {ref} is missing; "
            f"run `{command}` ({_CI_HINT})"
        )
    raise ReleasekitError(
        f"{against} and {what} {ref} share no history: pass --base REF naming the branch this change goes into"
    )
