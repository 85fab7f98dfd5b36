"""The release, as the checklist reads: one ordered tuple of steps and the runner that walks it.

Every completed step is journaled before the next begins, so running the same command
again after any failure resumes at the step that failed. ``RELEASEKIT_FAIL_AT_STEP``
(a step number, from 1, or a step name) stops the process right after that step has
completed and been journaled: a testing aid for crash-and-resume.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from releasekit import git, journal
from releasekit.advisory import check_severity, require_security_fragment
from releasekit.config import Config
from releasekit.errors import ReleasekitError, StepFailed, secrets_from_env
from releasekit.hotfix import is_hotfix_branch
from releasekit.journal import Journal
from releasekit.steps import Context, Plan, Step
from releasekit.steps.advisory import SECURITY_ADVISORY
from releasekit.steps.build import BUILD
from releasekit.steps.package_check import PACKAGE_CHECK
from releasekit.steps.post_release import GITHUB_RELEASE, MERGE_BACK
from releasekit.steps.preflight import PREFLIGHT, suggested_bump
from releasekit.steps.prepare import COMMIT, TAG
from releasekit.steps.publish import TEST_UPLOAD, TEST_VERIFY, UPLOAD, VERIFY
from releasekit.steps.push import PUSH
from releasekit.steps.summary import SUMMARY
from releasekit.steps.tests import TESTS
from releasekit.versions import BUMPS, next_version, tag_for

STEPS: tuple[Step, ...] = (
    PREFLIGHT,  # 1. branch, no modified tracked file, in sync, tag free, versions, fragments, links, indexes
    PACKAGE_CHECK,  # 2. HEAD's sdist and wheel in a temp dir: twine check --strict, manifest; in seconds
    TESTS,  # 3. tests, integration, benchmark, coverage, docs, examples: by nox, tox, or pytest
    COMMIT,  # 4. bump-my-version, towncrier, the release commit
    TAG,  # 5. annotated tag vX.Y.Z "Release vX.Y.Z"
    BUILD,  # 6. clean checkout of the tag, build, twine check, check-manifest, install checks, hashes
    TEST_UPLOAD,  # 7. upload the missing files to the test index (first irreversible step)
    TEST_VERIFY,  # 8. install pkg==X.Y.Z from it, import it, served bytes == journaled hashes
    PUSH,  # 9. git push --atomic origin <branch> vX.Y.Z
    UPLOAD,  # 10. upload to the production index
    VERIFY,  # 11. install from it, verify the hashes
    GITHUB_RELEASE,  # 12. post-release: the GitHub release, with the release notes
    SECURITY_ADVISORY,  # 13. an emergency release only: notify users through a GitHub security advisory
    MERGE_BACK,  # 14. a hotfix release only: merge the hotfix branch back into main
    SUMMARY,  # 15. version, files, hashes, index URLs, the gates, release notes, the advisory
)

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
    value = os.environ.get(FAIL_AT_ENV, "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    names = [s.name for s in steps]
    if value not in names:
        raise ReleasekitError(f"{FAIL_AT_ENV}={value}: no such step; steps are {', '.join(names)}")
    return names.index(value) + 1


def _noter(report: Reporter, number: int, step: Step) -> Callable[[str], None]:
    def note(message: str) -> None:
        report(Event(number, step, "note", message))

    return note


def _resume_command(record: Journal) -> str:
    return " ".join(
        [
            "releasekit release",
            record.spec,
            *(["--security", record.security] if record.security else []),
            *(["--skip", ",".join(record.skip)] if record.skip else []),
        ]
    )


def _kind(severity: str | None) -> str:
    return f"an emergency release (--security {severity})" if severity else "an ordinary release (no --security)"


def begin(
    config: Config,
    spec: str | None,
    *,
    dry_run: bool = False,
    security: str | None = None,
    skip: Sequence[str] | None = None,
) -> tuple[Journal, bool]:
    """The journal of the release to run, and whether it resumes one in progress.

    ``security`` (a severity) makes it an emergency security release, which needs a
    ``security`` fragment. A resumed release keeps the severity it started with; asking
    for another one is an error. ``skip`` names the test phases that ran elsewhere
    (``--skip``); a resumed release keeps the ones it started with, and asking for
    others is an error too.
    """
    if security is not None:
        check_severity(security)
    git_dir = git.git_dir(config.root)
    current = journal.load(git_dir)
    if current is not None:
        resume = _resume_command(current)
        if dry_run:
            raise ReleasekitError(
                f"a release of {current.version} is in progress; finish it with '{resume}' "
                "or undo it with 'releasekit release --abort'"
            )
        if spec not in (None, current.spec, current.version, tag_for(current.version)):
            raise ReleasekitError(
                f"a release of {current.version} (asked as {current.spec!r}) is in progress, not {spec!r}; "
                f"resume with '{resume}' or undo it with 'releasekit release --abort'"
            )
        if security is not None and security != current.security:
            raise ReleasekitError(
                f"the release of {current.version} in progress is {_kind(current.security)}, not --security "
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
    chosen = spec or suggested_bump(config, previous)
    if chosen not in BUMPS and not chosen[:1].isdigit() and not chosen.startswith("v"):
        raise ReleasekitError(f"{chosen!r}: expected major, minor, patch or a version such as 1.2.3")
    version = next_version(previous, chosen)
    if security is not None:
        require_security_fragment(config)
    current_branch = git.current_branch(config.root)
    record = Journal(
        version=version,
        spec=chosen,
        previous_version=previous,
        branch=current_branch if current_branch and is_hotfix_branch(current_branch) else config.release_branch,
        remote=config.remote,
        start_commit=git.head(config.root),
        security=security,
        skip=list(skip or ()),
    )
    return record, False


def confirmation_prompt(config: Config, record: Journal) -> str:
    """The question asked before the first upload."""
    return (
        f"Upload {record.project} {record.version} ({len(record.artifacts)} files) to {config.test_index.name}, "
        f"push {record.tag} to {record.remote}, then upload to {config.index.name}?"
    )


def _walk(ctx: Context, steps: Sequence[Step], report: Reporter, confirm: Confirm | None, fail_at: int | None) -> None:
    record, dry_run = ctx.journal, ctx.dry_run
    confirmed = confirm is None
    for number, step in enumerate(steps, 1):
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
        report(Event(number, step, "start"))
        try:
            detail = step.run(ctx)
        except BaseException as exc:
            report(Event(number, step, "failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
            raise
        if not dry_run:
            record.completed.append(step.name)
            journal.save(ctx.git_dir, record)
        report(Event(number, step, "ok", detail))
        if fail_at == number and not dry_run:
            raise FaultInjected(f"{FAIL_AT_ENV}: stopping after step {number} ({step.name}), as asked")


def run(
    config: Config,
    record: Journal,
    *,
    dry_run: bool = False,
    reuse_venvs: bool = False,
    report: Reporter = lambda event: None,
    confirm: Confirm | None = None,
    steps: Sequence[Step] = STEPS,
) -> Plan:
    """Walk ``steps`` in order, skipping those the journal records, journaling each one done."""
    git_dir = git.git_dir(config.root)
    fail_at = _fail_at(steps)
    workdir = Path(tempfile.mkdtemp(prefix="releasekit-"))
    ctx = Context(
        config=config,
        git_dir=git_dir,
        journal=record,
        workdir=workdir,
        dry_run=dry_run,
        reuse_venvs=reuse_venvs,
        secrets=tuple(secrets_from_env()),
    )
    guard = contextlib.nullcontext() if dry_run else journal.locked(git_dir)
    try:
        with guard:
            _walk(ctx, steps, report, confirm, fail_at)
            if not dry_run:
                journal.finish(git_dir, record)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if ctx.plan.project is None:
        ctx.plan.project = record.project
    return ctx.plan


def abort(config: Config) -> list[str]:
    """Undo the local, not yet pushed steps of the release in progress; say what was undone."""
    root = config.root
    git_dir = git.git_dir(root)
    record = journal.load(git_dir)
    if record is None:
        raise ReleasekitError("no release in progress; nothing to abort")
    if record.done(PUSH.name):
        raise ReleasekitError(
            f"{record.tag} is already pushed to {record.remote}; a release cannot be taken back. "
            f"Finish it with '{_resume_command(record)}'"
        )
    with journal.locked(git_dir):
        return _undo(config, record)


def _undo(config: Config, record: Journal) -> list[str]:
    from releasekit.steps.prepare import commit_message

    root = config.root
    git_dir = git.git_dir(root)
    top = git.head(root)
    release_commit = record.release_commit
    if release_commit is None and top != record.start_commit:
        # A commit step interrupted after committing, before journaling: is HEAD ours?
        ours = git.subject(top, root) == commit_message(record.version) and git.parent(top, root) == record.start_commit
        release_commit = top if ours else None
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
    artifacts = journal.artifacts_dir(git_dir, record.version)
    if artifacts.exists():
        shutil.rmtree(artifacts)
        undone.append("removed the built files")
    if record.done(TEST_UPLOAD.name):
        undone.append(
            f"warning: {config.test_index.name} keeps the files of {record.version}; "
            "a new build of the same version will clash there, so release another version"
        )
    journal.discard(git_dir)
    undone.append(f"the release of {record.version} is aborted")
    return undone
