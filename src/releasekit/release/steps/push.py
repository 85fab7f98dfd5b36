"""### 4. Create Release, "git push origin <tag>": the release commit and its tag, together or not at all."""

from __future__ import annotations

from releasekit import git
from releasekit.errors import CommandError, StepFailed
from releasekit.release import crash
from releasekit.release.context import Context, Step


def run_push(ctx: Context) -> str:
    """``git push --atomic <remote> <release commit>:<branch> <tag>``."""
    record = ctx.journal
    if record.release_commit is None:
        raise StepFailed("the journal holds no release commit; the commit step has not completed")
    # The release commit, not whatever HEAD is now: nothing made after it is pushed by accident.
    refspecs = [f"{record.release_commit}:refs/heads/{record.branch}", f"refs/tags/{record.tag}:refs/tags/{record.tag}"]
    try:
        git.push_atomic(record.remote, refspecs, ctx.root)
    except CommandError as exc:
        raise StepFailed(
            f"git push --atomic {record.remote} {record.branch} {record.tag} was refused; nothing was pushed:\n"
            f"{exc.output}"
        ) from None
    crash.point("push")
    return f"{record.branch} and {record.tag} on {record.remote}"


PUSH = Step("push", "Push the release commit and tag", False, False, run_push)
