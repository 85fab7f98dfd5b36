"""### 4. Create Release: ``git tag -a <tag> -m "Release <tag>"`` on the release commit.

The tag is in the project's format (``vX.Y.Z`` or ``X.Y.Z``, as the journal recorded it),
annotated, and signed when ``sign_tags`` asks for it. Local and undoable until the push.
"""

from __future__ import annotations

from releasekit import git
from releasekit.errors import StepFailed
from releasekit.release import crash
from releasekit.release.context import Context, Step
from releasekit.release.steps.commit import commit_message


def run_tag(ctx: Context) -> str:
    """The annotated release tag (``v1.2.3`` or ``1.2.3``: the journal's format) on the release commit.

    Signed when configured.
    """
    root, journal = ctx.root, ctx.journal
    assert journal.release_commit is not None
    tag = journal.tag
    target = git.tag_target(tag, root)
    if target == journal.release_commit:
        return f"{tag} already there"
    if target is not None:
        raise StepFailed(f"tag {tag} exists but points at {target[:10]}, not the release commit")
    git.create_tag(tag, commit_message(tag), journal.release_commit, root, sign=ctx.config.sign_tags)
    crash.point("tag")
    return f"{tag}{' (signed)' if ctx.config.sign_tags else ''}"


TAG = Step("tag", "Prepare: annotated tag", True, False, run_tag)
