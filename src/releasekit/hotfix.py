"""Hotfixes: a branch cut from a release tag, for an abbreviated release.

The checklist's hotfix process: branch from the latest release tag, apply the fix and
update the version, follow the abbreviated release, merge back into main. This module
cuts the branch; the release run on a ``hotfix/`` branch does the rest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from releasekit import git, refnames
from releasekit.errors import ReleasekitError
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
