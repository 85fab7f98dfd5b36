"""Hotfixes: a branch cut from a release tag, released from that branch, merged back.

The checklist's "Hotfix Process", in one place: branch from the latest release tag
(:func:`plan`, :func:`cut`), apply the fix and update the version, follow the abbreviated
release (a release started on a ``hotfix/`` branch is made from it: :func:`release_branch`,
:func:`new_on_remote`), and merge back into main (:func:`merge_back`, the release's
``merge-back`` step, which does nothing for other releases).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from releasekit import git, refnames
from releasekit.errors import CommandError, ReleasekitError, StepFailed
from releasekit.support import support_table
from releasekit.tags import from_version_or_tag, release_tags
from releasekit.versions import next_version

BRANCH_PREFIX = "hotfix/"


class HotfixPlan(NamedTuple):
    """What ``releasekit hotfix`` will do."""

    tag: str
    branch: str
    version: str  # the version the hotfix release will carry
    support: str  # the support the tag's line gets: "full" or "security"


def is_hotfix_branch(branch: str | None) -> bool:
    """True for a branch made by ``releasekit hotfix``."""
    return bool(branch and branch.startswith(BRANCH_PREFIX))


def release_branch(current: str | None, configured: str) -> str:
    """The branch a release is made from: the ``hotfix/`` branch it starts on, else the release branch."""
    return current if current is not None and is_hotfix_branch(current) else configured


def new_on_remote(branch: str, remote: str, root: Path) -> bool:
    """True for a hotfix branch the remote does not have yet: the release pushes it, nothing to sync with."""
    return is_hotfix_branch(branch) and not git.remote_branch_exists(remote, branch, root)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:50].rstrip("-")


def plan(
    root: Path, tag: str, description: str | None, remote: str | None = "origin", tag_format: str | None = None
) -> HotfixPlan:
    """Check that a hotfix can start from ``tag`` and work out its branch and version.

    ``tag`` is a release tag in the project's format, or its bare version (``1.2.0`` or
    ``v1.2.0``, whichever the tags look like). ``tag_format`` is the configured format, if any.
    """
    refnames.check_tag(tag, "hotfix vX.Y.Z")
    git.toplevel(root)  # outside a repository, say so (not that the tag is missing)
    if remote and git.remote_url(remote, root) is not None:
        git.fetch(remote, root)
    fmt, tags = release_tags(root, tag_format)
    named = from_version_or_tag(tag, fmt)
    if named is None:
        raise ReleasekitError(f"{tag!r} is not a release tag; give one like {fmt.tag('1.2.3')}")
    tag = named
    version = fmt.version(tag)
    assert version is not None  # from_version_or_tag gave a tag of this format
    if version.is_prerelease:
        raise ReleasekitError(f"{tag} is a pre-release; hotfixes start from a final release")
    if not git.tag_exists(tag, root):
        raise ReleasekitError(
            f"tag {tag} does not exist here (nor on {remote}); list releases with 'git tag -l \"{fmt.glob}\"'"
        )
    rows = {row.line: row for row in support_table(tags, fmt)}
    row = rows[f"{version.major}.{version.minor}"]
    if row.latest != str(version):
        raise ReleasekitError(
            f"{tag} is not the latest release of {row.line}; start the hotfix from {fmt.tag(row.latest)}"
        )
    if row.support == "none":
        raise ReleasekitError(
            f"the {row.line} line is no longer supported (see 'releasekit support'); fix it on a supported line"
        )
    new_version = next_version(str(version), "patch")
    name = _slug(description) if description else ""
    branch = BRANCH_PREFIX + (name or fmt.tag(new_version))
    if git.branch_exists(branch, root):
        raise ReleasekitError(f"branch {branch} exists already; check it out, or give another description")
    return HotfixPlan(tag, branch, new_version, row.support)


def cut(root: Path, hotfix: HotfixPlan) -> None:
    """Create the hotfix branch at the tag and check it out. The work tree must be clean."""
    if not git.is_clean(root):
        raise ReleasekitError("the work tree has changes; commit or stash them before starting a hotfix")
    git.create_branch(hotfix.branch, hotfix.tag, root)


def merge_back(
    root: Path, branch: str, release_commit: str | None, tag: str, remote: str, target: str, tree: Path
) -> str:
    """Merge a hotfix release into ``target`` on ``remote``, in the throwaway worktree ``tree``; say what happened.

    A release not made from a hotfix branch has nothing to merge. The merge is ``--no-ff``
    into the remote's ``target`` as fetched now; on a conflict nothing is pushed and the
    error names the files, so the maintainer merges by hand and runs the release again.
    """
    if not is_hotfix_branch(branch):
        return "not a hotfix: nothing to merge"
    if release_commit is None:
        raise StepFailed("the journal holds no release commit; the commit step has not completed")
    if not git.fetch_branch(remote, target, root):
        raise StepFailed(f"cannot fetch {target} from {remote}; check the remote, then run the same command again")
    tip = f"refs/remotes/{remote}/{target}"
    if git.is_ancestor(release_commit, tip, root):
        return f"{branch} is in {remote}/{target} already"
    git.git("worktree", "add", "--quiet", "--detach", str(tree), tip, cwd=root)
    try:
        message = f"Merge {branch} ({tag}) into {target}"
        try:
            git.git("merge", "--no-ff", "--no-edit", "-m", message, git.EOO, release_commit, cwd=tree)
        except CommandError:
            conflicts = git.conflicted_files(tree)
            git.git("merge", "--abort", cwd=tree, check=False)
            raise StepFailed(
                f"merging {branch} into {target} conflicts in {', '.join(conflicts) or 'some files'}; "
                f"merge it by hand (git switch {target} && git merge {branch}), push {target}, "
                "then run the same release command again to finish"
            ) from None
        try:
            git.git("push", "--quiet", git.EOO, remote, f"HEAD:refs/heads/{target}", cwd=tree)
        except CommandError as exc:
            raise StepFailed(f"pushing the merge to {remote}/{target} was refused:\n{exc.output}") from None
    finally:
        git.git("worktree", "remove", "--force", str(tree), cwd=root, check=False)
    return f"{branch} merged into {remote}/{target}; pull {target} to get it"
