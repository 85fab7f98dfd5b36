"""## Hotfix Process, "4. Merge changes back to main": a hotfix release merged into the release branch.

Only a release made from a ``hotfix/`` branch merges back; what that takes is decided
in :mod:`releasekit.hotfix`.
"""

from __future__ import annotations

from releasekit import hotfix
from releasekit.release.context import Context, Step


def run_merge_back(ctx: Context) -> str:
    """Merge a hotfix release into the release branch on the remote, in a throwaway worktree."""
    record = ctx.journal
    return hotfix.merge_back(
        ctx.root,
        record.branch,
        record.release_commit,
        record.tag,
        record.remote,
        ctx.config.release_branch,
        ctx.workdir / "merge-back",
    )


MERGE_BACK = Step("merge-back", "Merge a hotfix back into the release branch", False, False, run_merge_back)
