"""### 3. Testing, "Test installation from clean environment": the release's sdist and wheel built and checked.

In a temporary directory, beside the tests (it changes nothing else): the release commit is
made ahead in a clone (:mod:`releasekit.release.prepared`), built from a clean checkout, and
checked: ``twine check --strict`` and, beside it, the wheel in a fresh venv. From the start,
beside all that, check-manifest and ``pip install -e .`` run on HEAD (the release commit
changes only the version places, the changelog and the fragments). The build step takes those
files once the tag is on that commit. Where the commit cannot be made ahead, HEAD is built and
checked instead, and the build step builds the tag. A failure here stops the tests at once.
"""

from __future__ import annotations

from pathlib import Path

from releasekit import git
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.gatesconfig import PACKAGE
from releasekit.package import PackageResult, check_head
from releasekit.parallel import Job
from releasekit.release import prepared
from releasekit.release.context import Context, Step
from releasekit.release.prepared import CHECKOUT, Prepared
from releasekit.release.steps.build import commit_in_clone, editable_import, editable_job, wheel_job


def make_release_commit(ctx: Context) -> Prepared:
    """The release commit of ``ctx.journal`` made in a clone of the start commit, by the commit step's own tools.

    bump-my-version and towncrier run here as they will in the commit step, so their refusal
    (a version file the bump cannot match, say) stops the release here, before any side effect;
    preflight leaves bump-my-version's ``--dry-run`` to this step (``prepared.possible``).
    """
    checkout, record = ctx.workdir / CHECKOUT, ctx.journal
    try:
        commit = commit_in_clone(ctx, checkout, record.start_commit, sign=True)
    except ReleasekitError as exc:
        raise StepFailed(f"making the release commit of {record.tag} in a clone failed: {exc}") from None
    return Prepared(commit, checkout, git.commit_time(commit, checkout))


def run_package_check(ctx: Context) -> str:
    """Build and check the release's files (or HEAD's); fail with every finding, each naming its fix."""
    if PACKAGE in ctx.journal.skip:
        with ctx.lock:
            ctx.journal.gates[PACKAGE] = "skipped (--skip: it ran elsewhere)"
        return "skipped (--skip package)"
    if not prepared.possible(ctx):
        result = check_head(ctx.root, ctx.workdir, ctx.note, ctx.secrets)
        _fail_on(result)
        what, ahead = "HEAD", None
    else:
        made: list[Prepared] = []

        def release() -> tuple[Path, str, int]:
            made.append(make_release_commit(ctx))
            return made[0].checkout, made[0].commit, made[0].epoch

        def installs(sdist: Path, wheel: Path) -> Job:  # the wheel into a fresh venv, beside twine check
            return wheel_job(wheel, ctx.workdir, ctx.note)

        # pip install -e . is the checklist's "Test installation", of the code tested: HEAD, from the start.
        editable = editable_job(ctx.root, ctx.workdir, ctx.note)
        result = check_head(
            ctx.root, ctx.workdir, ctx.note, ctx.secrets, release=release, beside=[editable], beside_twine=installs
        )
        _fail_on(result)
        assert result.sdist is not None and result.wheel is not None
        editable_import(ctx.workdir, result.wheel)
        what, ahead = "the release commit", made[0]._replace(files=(result.sdist, result.wheel))
    assert result.sdist is not None and result.wheel is not None
    ctx.head_wheel, ctx.prepared = result.wheel, ahead
    with ctx.lock:  # the tests may run beside this step
        ctx.journal.gates[PACKAGE] = f"passed (python -m build of {what}, twine check --strict, manifest)"
    return f"{result.sdist.name} and {result.wheel.name} build and pass their checks"


def _fail_on(result: PackageResult) -> None:
    if result.findings:
        count = len(result.findings)
        listing = "\n".join(f"  - {finding.text()}" for finding in result.findings)
        raise StepFailed(f"the package check found {count} problem{'s' if count != 1 else ''}:\n{listing}")


PACKAGE_CHECK = Step(
    "package-check",
    "Package check (build, twine check, manifest, installs)",
    True,
    True,
    run_package_check,
    beside_next=True,
)
