"""The release commit made ahead, in a clone, so that one build serves the package check and the release.

While the tests run, the package check makes the release commit in a clone of HEAD (the same
bump-my-version and towncrier runs as the commit step's, ``releasekit.release.steps.package_check``)
and builds that commit from a clean checkout, with the ``SOURCE_DATE_EPOCH`` the release build
uses. The commit step then moves the branch to that very commit (:func:`adopt`), and the build
step takes the files already built and checked: they are the files a build of the tag makes,
since the tag points at the same commit.

Nothing here touches the project before the commit step: the clone lives in the run's temporary
directory. Where the commit cannot be made ahead exactly as the commit step would make it (signed
commits), or a resumed run has no clone any more, the steps do their work in place, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from releasekit import git
from releasekit.errors import ReleasekitError
from releasekit.gatesconfig import PACKAGE
from releasekit.process import run
from releasekit.release.context import Context

CHECKOUT = "release-commit"


class Prepared(NamedTuple):
    """The release commit made in a clone, and the files built from it (once built)."""

    commit: str
    checkout: Path  # the clone the commit was made in
    epoch: int  # its committer time: the build's SOURCE_DATE_EPOCH
    files: tuple[Path, ...] = ()  # the sdist and the wheel, built and checked (installs included)


def possible(ctx: Context) -> bool:
    """Whether this run's package check makes the release commit ahead (:mod:`...steps.package_check`).

    Not when it is skipped (``--skip package``), nor where ``git commit`` signs: a signed
    commit is made in place, by the commit step.
    """
    return PACKAGE not in ctx.journal.skip and not signs_commits(ctx.root)


def signs_commits(root: Path) -> bool:
    """Whether ``git commit`` signs in ``root``: such a commit is made in place, by the commit step."""
    value = git.git("config", "--type=bool", "--get", "commit.gpgsign", cwd=root, check=False)
    return value == "true"


def adopt(ctx: Context, prepared: Prepared) -> bool:
    """Move the release branch to the prepared commit, as ``git commit`` would have left it; False when it cannot.

    Only from the commit the release started at, with no tracked file changed: the work tree is
    then updated by ``git reset --keep``, which refuses rather than overwrite anything.
    """
    root, start = ctx.root, ctx.journal.start_commit
    if git.head(root) != start or git.parent(prepared.commit, prepared.checkout) != start:
        return False
    if git.tracked_changes(root):
        return False
    try:
        fetch = ("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", str(prepared.checkout), "HEAD")
        git.git(*fetch, cwd=root)
    except ReleasekitError:
        return False
    if git.rev_parse(prepared.commit, root) is None:
        return False
    proc = run(["git", "reset", "--quiet", "--keep", prepared.commit, "--"], cwd=root, check=False)
    return proc.returncode == 0 and git.head(root) == prepared.commit
