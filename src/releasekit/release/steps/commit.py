"""### 1. Preparation and ### 2. Documentation: the version number and CHANGELOG.md updated, in the release commit.

Local and undoable: bump-my-version writes the version places, towncrier turns the
fragments into the changelog, and one commit "Release <tag>" holds both.
"""

from __future__ import annotations

from pathlib import Path

from releasekit import git
from releasekit.changelog.history import towncrier_arguments
from releasekit.changelog.linkrefs import add_link_reference
from releasekit.changelog.notes import markup_of, towncrier_value
from releasekit.changelog.settle import settle_entry
from releasekit.changelog.unreleased import move_unreleased
from releasekit.config import Config
from releasekit.errors import StepFailed
from releasekit.process import failing_as, python_module, run
from releasekit.release import crash, prepared
from releasekit.release.context import Context, Step
from releasekit.release.journal import Journal
from releasekit.safefiles import read_bytes


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
    previous = config.require_version().current
    # The version (and date) as the changelog's titles write them (v7.6.2 under v7.6.1), read before the bump.
    shown = towncrier_arguments(root, config.fragments.filename, version, previous)
    for tool, cmd in bump_commands(config, version):
        with failing_as(tool):
            run(cmd, cwd=root)
    move_unreleased(root, config.fragments)  # Keep a Changelog's [Unreleased] items: fragments for towncrier
    before = _changelog_text(root, config.fragments.filename)
    with failing_as("towncrier"):
        run(python_module("towncrier", "build", "--yes", *shown), cwd=root)
    _settle_changelog(root, config.fragments.filename, before, version, previous)
    git.git("add", "--update", cwd=root)
    changelog = root / config.fragments.filename
    if changelog.exists():
        git.git("add", "--", config.fragments.filename, cwd=root)
    # The release commit is the tool's own: the project's commit hooks judge changes, and
    # a commit that consumes the fragments is exactly what a fragment hook would refuse.
    git.git("commit", "--quiet", "--no-verify", "-m", commit_message(tag), cwd=root)
    return git.head(root)


def _changelog_text(root: Path, filename: str) -> str | None:
    try:
        return read_bytes(root, filename, "changelog").decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # towncrier writes a new one, or says itself what is wrong with it


def _settle_changelog(root: Path, filename: str, before: str | None, version: str, previous: str) -> None:
    """The new entry spaced like the releases before it, and Keep a Changelog's link reference for it."""
    text = _changelog_text(root, filename)
    if text is None:
        return

    marker = towncrier_value(root, root / "pyproject.toml", "start_string") or (
        "<!-- towncrier release notes start -->" if markup_of(filename) == "md" else ".. towncrier release notes start"
    )
    settled = settle_entry(before, text, marker) if before is not None else text
    new = add_link_reference(settled, version, previous)
    if new != text:
        (root / filename).write_bytes(new.encode("utf-8"))


def is_release_commit(commit: str, record: Journal, root: Path) -> bool:
    """Whether ``commit`` is the release commit of ``record``, journaled or not.

    A run interrupted after committing but before journaling leaves a commit that only its
    message and parent identify: "Release <tag>", made on the commit the release started from.
    """
    if record.release_commit and commit == record.release_commit:
        return True
    return git.subject(commit, root) == commit_message(record.tag) and git.parent(commit, root) == record.start_commit


def run_commit(ctx: Context) -> str:
    """The release commit: version files bumped, fragments turned into CHANGELOG.md."""
    root, journal = ctx.root, ctx.journal
    top = git.head(root)
    if is_release_commit(top, journal, root):
        journal.release_commit = top
        return f"release commit {top[:10]} already made"
    if top != journal.start_commit:
        raise StepFailed(
            f"HEAD moved since the release started (was {journal.start_commit[:10]}); "
            "check it out again or run 'releasekit release --abort'"
        )
    ahead = ctx.prepared
    if ahead is not None and not ctx.dry_run and prepared.adopt(ctx, ahead):
        journal.release_commit = ahead.commit
        crash.point("commit")
        return f"{commit_message(journal.tag)} ({ahead.commit[:10]}, made ahead by the package check)"
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


COMMIT = Step("commit", "Prepare: bump versions, build CHANGELOG.md, commit", True, False, run_commit)
