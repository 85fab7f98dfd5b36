"""Prepare, local and undoable: version files, CHANGELOG.md, the release commit, the tag."""

from __future__ import annotations

from pathlib import Path

from releasekit import git
from releasekit.config import Config
from releasekit.errors import CommandError, StepFailed
from releasekit.process import python_module, run
from releasekit.release import crash
from releasekit.release.context import Context, Step


def commit_message(tag: str) -> str:
    """The release commit's message (and the tag's): ``Release <tag>``, the tag in the project's format."""
    return f"Release {tag}"


def bump_commands(config: Config, version: str) -> list[tuple[str, list[str]]]:
    """The bump-my-version command that writes ``version`` into the project's files, if any.

    bump-my-version finds its own configuration (or, without one, a static ``[project]
    version``); a dynamic version file the build backend reads is handed to it by name. A
    version derived from tags needs no bump: the release tag is the bump.
    """
    current = config.require_version()
    if current.scheme == "tag":
        return []
    if current.scheme == "file":
        files = [entry.path for entry in current.files]
        replace = ("replace", "--current-version", current.current, "--new-version", version, *files)
        return [("bump-my-version", python_module("bumpversion", *replace))]
    bump = ("bump", "--new-version", version, "--no-commit", "--no-tag")
    return [("bump-my-version", python_module("bumpversion", *bump))]


def apply_release(root: Path, config: Config, version: str, tag: str) -> str:
    """Bump the version files, build the changelog, and make the release commit of ``tag`` in ``root``.

    Returns the release commit. Used on the project itself and on a dry run's clone.
    """
    steps = [
        *bump_commands(config, version),
        ("towncrier", python_module("towncrier", "build", "--yes", "--version", version)),
    ]
    for tool, cmd in steps:
        try:
            run(cmd, cwd=root)
        except CommandError as exc:
            raise StepFailed(f"{tool} failed (exit code {exc.returncode}):\n{exc.output}") from None
    git.git("add", "--update", cwd=root)
    changelog = root / config.fragments.filename
    if changelog.exists():
        git.git("add", "--", config.fragments.filename, cwd=root)
    # The release commit is the tool's own: the project's commit hooks judge changes, and
    # a commit that consumes the fragments is exactly what a fragment hook would refuse.
    git.git("commit", "--quiet", "--no-verify", "-m", commit_message(tag), cwd=root)
    return git.head(root)


def _adopt_earlier_commit(ctx: Context) -> str | None:
    """The release commit an interrupted run already made, if HEAD is one."""
    root, journal = ctx.root, ctx.journal
    top = git.head(root)
    if journal.release_commit and top == journal.release_commit:
        return top
    if git.subject(top, root) == commit_message(journal.tag) and git.parent(top, root) == journal.start_commit:
        return top
    return None


def run_commit(ctx: Context) -> str:
    """The release commit: version files bumped, fragments turned into CHANGELOG.md."""
    root, journal = ctx.root, ctx.journal
    earlier = _adopt_earlier_commit(ctx)
    if earlier:
        journal.release_commit = earlier
        return f"release commit {earlier[:10]} already made"
    if git.head(root) != journal.start_commit:
        raise StepFailed(
            f"HEAD moved since the release started (was {journal.start_commit[:10]}); "
            "check it out again or run 'releasekit release --abort'"
        )
    if git.tracked_changes(root):
        # Only an interrupted bump could have left changes: preflight saw a clean tree.
        ctx.note("restoring the files an interrupted run had changed")
        git.reset_hard(journal.start_commit, root)
        changelog = root / ctx.config.fragments.filename
        if ctx.config.fragments.filename in git.changed_paths(root):
            changelog.unlink()  # towncrier made it; it was not there before
    journal.release_commit = apply_release(root, ctx.config, journal.version, journal.tag)
    crash.point("commit")
    return f"{commit_message(journal.tag)} ({journal.release_commit[:10]})"


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


COMMIT = Step("commit", "Prepare: bump versions, build CHANGELOG.md, commit", True, False, run_commit)
TAG = Step("tag", "Prepare: annotated tag", True, False, run_tag)
