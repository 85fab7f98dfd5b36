"""A release in progress, met again: does it resume, start again, or belong to another run?

A release that stopped is resumed from its journal. Two cases are not a resume: the
maintainer committed a fix after a failed check (HEAD moved, and the release has done
nothing a rerun could not do again), and the version was released by another run (its tag
is on a commit this journal did not make).
"""

from __future__ import annotations

from releasekit import git
from releasekit.config import Config
from releasekit.release.journal import Journal
from releasekit.release.steps.commit import is_release_commit
from releasekit.release.steps.package_check import PACKAGE_CHECK
from releasekit.release.steps.preflight import PREFLIGHT
from releasekit.release.steps.tests import TESTS

# The steps before the release commit: they change nothing a rerun could not do again.
_REDOABLE = frozenset({PREFLIGHT.name, PACKAGE_CHECK.name, TESTS.name})


def restart_reason(config: Config, record: Journal) -> str | None:
    """Why the release in progress starts again rather than resumes, or None when it resumes.

    After a failed check the maintainer commits a fix, and HEAD moves. As long as the release
    has committed, tagged, pushed and uploaded nothing, nothing ties it to the old HEAD: it
    starts again from the new one (its checks run again on the fix).
    """
    top = git.head(config.root)
    if top == record.start_commit or record.release_commit or not set(record.completed) <= _REDOABLE:
        return None
    if is_release_commit(top, record, config.root) or git.tag_exists(record.tag, config.root):
        return None
    return (
        f"HEAD moved since the release of {record.version} started (from {record.start_commit[:10]} to "
        f"{top[:10]}), and nothing was committed, tagged, pushed or uploaded yet: starting the release again"
    )


def released_elsewhere(config: Config, record: Journal) -> str | None:
    """Why the journal's release was made by another run (another worktree, another clone), or None.

    The tag lives in the repository every worktree shares. When it exists but is not the
    journal's own (no release commit journaled, or another one), another run released
    the version, and resuming or undoing this journal would adopt, or delete, its work.
    """
    target = git.tag_target(record.tag, config.root)
    if target is None or target == record.release_commit:
        return None
    return f"{record.tag} was already released elsewhere (the tag is on commit {target[:10]}, not a commit of this run)"
