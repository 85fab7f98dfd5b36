"""The release, as the checklist reads: one ordered tuple of steps and the runner that walks it.

Every completed step is journaled before the next begins, so running the same command
again after any failure resumes at the step that failed. ``RELEASEKIT_FAIL_AT_STEP``
(a step number, from 1, or a step name) stops the process right after that step has
completed and been journaled: a testing aid for crash-and-resume. ``RELEASEKIT_CRASH_AT``
(releasekit.release.crash) ends it abruptly inside a step, between a side effect and its journal entry.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from releasekit import emergency, environment, git, hotfix
from releasekit.config import Config
from releasekit.errors import ReleasekitError, StepFailed, secrets_from_env
from releasekit.release import crash, journal, overlap
from releasekit.release.context import Context, Step
from releasekit.release.journal import Journal
from releasekit.release.resume import released_elsewhere, restart_reason
from releasekit.release.steps.build import BUILD
from releasekit.release.steps.ci_handoff import CI_HANDOFF
from releasekit.release.steps.commit import COMMIT, is_release_commit
from releasekit.release.steps.github_release import GITHUB_RELEASE
from releasekit.release.steps.merge_back import MERGE_BACK
from releasekit.release.steps.package_check import PACKAGE_CHECK
from releasekit.release.steps.preflight import PREFLIGHT, suggested_bump
from releasekit.release.steps.push import PUSH
from releasekit.release.steps.security_advisory import SECURITY_ADVISORY
from releasekit.release.steps.summary import SUMMARY
from releasekit.release.steps.tag import TAG
from releasekit.release.steps.test_upload import TEST_UPLOAD
from releasekit.release.steps.test_verify import TEST_VERIFY
from releasekit.release.steps.tests import TESTS
from releasekit.release.steps.upload import UPLOAD
from releasekit.release.steps.verify import VERIFY
from releasekit.tags import project_format
from releasekit.versions import BUMPS, next_version

# Preflight checks the work tree's files first, before anything else reads the project: it refuses
# a hostile file (a symlink out of the repository, a FIFO, /dev/zero) before a build backend or a
# test runner opens it. Then the package check and the tests start beside it, while it waits on the
# remote, the indexes, GitHub and bump-my-version's dry run.

STEPS: tuple[Step, ...] = (
    PREFLIGHT,  # 1. branch, no modified tracked file, in sync, tag free, versions, fragments, links, indexes
    PACKAGE_CHECK,  # 2. the release commit made ahead in a clone, built, checked: twine, manifest, installs
    TESTS,  # 3. tests, integration, benchmark, coverage, docs, examples: by nox, tox, or pytest
    COMMIT,  # 4. bump-my-version, towncrier, the release commit
    TAG,  # 5. annotated tag in the project's format (vX.Y.Z or X.Y.Z), "Release <tag>"
    BUILD,  # 6. the package check's files (the tag's commit), or a clean checkout of the tag built and checked
    TEST_UPLOAD,  # 7. upload the missing files to the test index (first irreversible step)
    TEST_VERIFY,  # 8. install pkg==X.Y.Z from it, import it, served bytes == journaled hashes
    PUSH,  # 9. git push --atomic origin <branch> <tag>
    UPLOAD,  # 10. upload to the production index
    VERIFY,  # 11. install from it, verify the hashes
    GITHUB_RELEASE,  # 12. post-release: the GitHub release, with the release notes
    SECURITY_ADVISORY,  # 13. an emergency release only: notify users through a GitHub security advisory
    MERGE_BACK,  # 14. a hotfix release only: merge the hotfix branch back into main
    SUMMARY,  # 15. version, files, hashes, index URLs, the gates, release notes, the advisory
)

# With [tool.releasekit] publish = "ci": everything up to the push, then the tag's release workflow
# (releasekit build, releasekit publish, the GitHub release) takes over. What only a maintainer's
# machine does stays here: an emergency release's advisory, a hotfix merged back into main.
CI_STEPS: tuple[Step, ...] = (
    PREFLIGHT,
    PACKAGE_CHECK,
    TESTS,
    COMMIT,
    TAG,
    PUSH,
    SECURITY_ADVISORY,
    MERGE_BACK,
    CI_HANDOFF,
)


def steps_for(config: Config) -> tuple[Step, ...]:
    """The checklist this project's release walks: all of it, or up to the push with ``publish = "ci"``.

    The commit step is named after the project's real changelog file (CHANGES.md, docs/changelog.rst).
    """
    steps = CI_STEPS if config.publish == "ci" else STEPS
    title = COMMIT.title.replace("CHANGELOG.md", config.fragments.filename)
    return tuple(step._replace(title=title) if step.name == COMMIT.name else step for step in steps)


FAIL_AT_ENV = "RELEASEKIT_FAIL_AT_STEP"


class FaultInjected(StepFailed):
    """The process stops on purpose after a step (``RELEASEKIT_FAIL_AT_STEP``)."""


class Event(NamedTuple):
    """Progress of a run, for the command to show as a live checklist."""

    number: int
    step: Step
    status: str  # "start", "ok", "done-before", "skipped", "failed", "note"
    detail: str = ""


Reporter = Callable[[Event], None]
Confirm = Callable[[str], bool]


def _fail_at(steps: Sequence[Step]) -> int | None:
    value = environment.get(FAIL_AT_ENV)
    if value is None:
        return None
    if value.isascii() and value.isdigit():
        return int(value)
    names = [s.name for s in steps]
    if value not in names:
        raise ReleasekitError(f"{FAIL_AT_ENV}={value}: no such step; steps are {', '.join(names)}")
    return names.index(value) + 1


def _noter(report: Reporter, number: int, step: Step) -> Callable[[str], None]:
    def note(message: str) -> None:
        report(Event(number, step, "note", message))

    return note


def begin(
    config: Config,
    spec: str | None,
    *,
    dry_run: bool = False,
    security: str | None = None,
    skip: Sequence[str] | None = None,
    say: Callable[[str], None] | None = None,
) -> tuple[Journal, bool]:
    """The journal of the release to run, and whether it resumes one in progress.

    ``security`` (a severity) makes it an emergency security release, which needs a
    ``security`` fragment. A resumed release keeps the severity it started with; asking
    for another one is an error. ``skip`` names the test phases that ran elsewhere
    (``--skip``); a resumed release keeps the ones it started with, and asking for
    others is an error too.
    """
    if security is not None:
        emergency.check_severity(security)
    git_dir = git.git_dir(config.root)
    current = journal.load(git_dir)
    restart = None if current is None or dry_run else restart_reason(config, current)
    if current is not None and restart is not None:
        if say is not None:
            say(restart)
        spec = current.spec if spec is None else spec
        security = current.security if security is None else security
        skip = current.skip if skip is None else skip
        current = None
    if current is not None:
        elsewhere = released_elsewhere(config, current)
        if elsewhere is not None:
            raise ReleasekitError(
                f"{journal.path(git_dir)}: {elsewhere}; this journal is stale: "
                "clear it with 'releasekit release --abort' (it leaves that tag and its commit alone)"
            )
        resume = current.resume_command()
        if dry_run:
            raise ReleasekitError(
                f"a release of {current.version} is in progress; finish it with '{resume}' "
                "or undo it with 'releasekit release --abort'"
            )
        if spec not in (None, current.spec, current.version, current.tag):
            raise ReleasekitError(
                f"a release of {current.version} (asked as {current.spec!r}) is in progress, not {spec!r}; "
                f"resume with '{resume}' or undo it with 'releasekit release --abort'"
            )
        if security is not None and security != current.security:
            raise ReleasekitError(
                f"the release of {current.version} in progress is {emergency.kind(current.security)}, not --security "
                f"{security}; resume with '{resume}' or undo it with 'releasekit release --abort'"
            )
        if skip is not None and list(skip) != current.skip:
            kept = f"--skip {','.join(current.skip)}" if current.skip else "no --skip"
            raise ReleasekitError(
                f"the release of {current.version} in progress was started with {kept}; resume with '{resume}' "
                "or undo it with 'releasekit release --abort'"
            )
        return current, True
    previous = config.require_version().current
    chosen = suggested_bump(config, previous) if spec is None else spec  # "" is asked for, not left out
    fmt = project_format(config.tag_format, git.tags(config.root, "*"))
    if chosen not in BUMPS:
        tag_version = fmt.version_text(chosen)
        chosen = tag_version or chosen  # the new version given as its tag
        if not chosen[:1].isdigit() and not chosen.startswith("v"):
            raise ReleasekitError(f"{chosen!r}: expected major, minor, patch or a version such as 1.2.3")
    version = next_version(previous, chosen)
    if security is not None:
        emergency.require_security_fragment(config)
    current_branch = git.current_branch(config.root)
    record = Journal(
        version=version,
        spec=chosen,
        previous_version=previous,
        branch=hotfix.release_branch(current_branch, config.release_branch),
        remote=config.remote,
        start_commit=git.head(config.root),
        security=security,
        tag_format=fmt.template,
        skip=list(skip or ()),
    )
    return record, False


def confirmation_prompt(config: Config, record: Journal) -> str:
    """The question asked before the first upload (or, with ``publish = "ci"``, the push)."""
    if config.publish == "ci":
        return f"Push {record.tag} to {record.remote}, so that its release workflow publishes {record.version}?"
    return (
        f"Upload {record.project} {record.version} ({len(record.artifacts)} files) to {config.test_index.name}, "
        f"push {record.tag} to {record.remote}, then upload to {config.index.name}?"
    )


def _walk(ctx: Context, steps: Sequence[Step], report: Reporter, confirm: Confirm | None, fail_at: int | None) -> None:
    record, dry_run = ctx.journal, ctx.dry_run
    confirmed = confirm is None

    def complete(number: int, step: Step, detail: str) -> None:
        if not dry_run:
            with ctx.lock:
                record.completed.append(step.name)
                journal.save(ctx.git_dir, record)
        report(Event(number, step, "ok", detail))
        if fail_at == number and not dry_run:
            raise FaultInjected(f"{FAIL_AT_ENV}: stopping after step {number} ({step.name}), as asked")

    def runs(step: Step) -> bool:
        return not (dry_run and not step.in_dry_run) and not record.done(step.name)

    numbered = list(enumerate(steps, 1))
    index = 0
    while index < len(numbered):
        number, step = numbered[index]
        index += 1
        ctx.note = _noter(report, number, step)
        if dry_run and not step.in_dry_run:
            report(Event(number, step, "skipped", "dry run"))
            continue
        if record.done(step.name):
            report(Event(number, step, "done-before"))
            continue
        if not step.reversible and not confirmed:
            assert confirm is not None
            if not confirm(confirmation_prompt(ctx.config, record)):
                raise StepFailed(
                    "stopped before the first upload, as asked; run the same command again to continue, "
                    "or 'releasekit release --abort' to undo the local steps"
                )
            confirmed = True
        group = [(number, step)]
        while group[-1][1].beside_next and index < len(numbered) and numbered[index][1].reversible:
            if not runs(numbered[index][1]):
                break
            group.append(numbered[index])
            index += 1
        if len(group) > 1:
            # Read-only steps side by side (preflight, the package check, the tests), journaled in order.
            ctx.note = _noter(report, *group[-1])
            overlap.walk_group(ctx, group, lambda *e: report(Event(*e)), complete)
            continue
        report(Event(number, step, "start"))
        try:
            detail = step.run(ctx)
        except BaseException as exc:
            report(Event(number, step, "failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
            raise
        complete(number, step, detail)


def run(
    config: Config,
    record: Journal,
    *,
    dry_run: bool = False,
    reuse_venvs: bool = False,
    report: Reporter = lambda event: None,
    confirm: Confirm | None = None,
    steps: Sequence[Step] = STEPS,
) -> list[str]:
    """Walk ``steps`` in order, skipping those the journal records, journaling each one done.

    Returns the report its last step rendered (the summary, or the hand-over to CI). A dry
    run's journal stays in memory: steps fill it in as in a release, and it is never written.
    """
    git_dir = git.git_dir(config.root)
    fail_at = _fail_at(steps)
    crash.requested()  # a misspelt crash point is an error now, not a crash that never comes
    workdir = Path(tempfile.mkdtemp(prefix="releasekit-"))
    secrets = tuple(secrets_from_env())
    ctx = Context(config, git_dir, record, workdir, dry_run, reuse_venvs, secrets)
    guard = contextlib.nullcontext() if dry_run else journal.locked(git.common_dir(config.root))
    try:
        with guard:
            _walk(ctx, steps, report, confirm, fail_at)
            if not dry_run:
                journal.finish(git_dir, record)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return ctx.report


def abort(config: Config) -> list[str]:
    """Undo the local, not yet pushed steps of the release in progress; say what was undone."""
    root = config.root
    git_dir = git.git_dir(root)
    record = journal.load(git_dir)
    if record is None:
        raise ReleasekitError("no release in progress; nothing to abort")
    with journal.locked(git.common_dir(root)):
        elsewhere = released_elsewhere(config, record)
        if elsewhere is not None:
            # Not ours to undo: forget this run, touch nothing the other run made.
            _remove_artifacts(git_dir, record)
            journal.discard(git_dir)
            return [f"{elsewhere}: left as it is", f"forgot the stale release of {record.version} in this worktree"]
        # A crash between the push and its journal entry leaves the tag on the remote unrecorded: ask it.
        if record.done(PUSH.name) or (record.done(TAG.name) and _tag_on_remote(record, root)):
            raise ReleasekitError(
                f"{record.tag} is already pushed to {record.remote}; a release cannot be taken back. "
                f"Finish it with '{record.resume_command()}'"
            )
        return _undo(config, record)


def _tag_on_remote(record: Journal, root: Path) -> bool:
    try:
        return git.remote_tag_exists(record.remote, record.tag, root)
    except ReleasekitError:
        # Unknown is not "no": deleting a tag the remote already has would split the release in two.
        raise ReleasekitError(
            f"cannot ask {record.remote} whether {record.tag} was pushed; run --abort again once it answers"
        ) from None


def _remove_artifacts(git_dir: Path, record: Journal) -> bool:
    artifacts = journal.artifacts_dir(git_dir, record.version)
    if not artifacts.exists():
        return False
    shutil.rmtree(artifacts)
    return True


def _undo(config: Config, record: Journal) -> list[str]:
    root = config.root
    git_dir = git.git_dir(root)
    top = git.head(root)
    release_commit = record.release_commit
    if release_commit is None and top != record.start_commit and is_release_commit(top, record, root):
        release_commit = top  # a commit step interrupted after committing, before journaling
    if release_commit and top == release_commit and git.tracked_changes(root):
        raise ReleasekitError("the work tree has changes made after the release commit; commit or stash them first")
    undone = []
    if release_commit and git.tag_target(record.tag, root) == release_commit:
        git.delete_tag(record.tag, root)
        undone.append(f"deleted tag {record.tag}")
    if release_commit and top == release_commit:
        git.reset_hard(record.start_commit, root)
        undone.append(f"reset {record.branch} to {record.start_commit[:10]}: version files and fragments restored")
    elif top == record.start_commit and git.tracked_changes(root) and not record.done(COMMIT.name):
        git.reset_hard(record.start_commit, root)
        undone.append("restored the files an interrupted bump had changed")
    elif top != record.start_commit:
        undone.append(f"HEAD is at {top[:10]}, not the release commit: left as it is")
    if _remove_artifacts(git_dir, record):
        undone.append("removed the built files")
    if record.done(TEST_UPLOAD.name):
        undone.append(
            f"warning: {config.test_index.name} keeps the files of {record.version}; "
            "a new build of the same version will clash there, so release another version"
        )
    journal.discard(git_dir)
    undone.append(f"the release of {record.version} is aborted")
    return undone
