"""Package check: HEAD's sdist and wheel built in a temporary directory and checked, before the tests."""

from __future__ import annotations

from releasekit.errors import StepFailed
from releasekit.package import check_head
from releasekit.release.context import Context, Step
from releasekit.release.gates import PACKAGE


def _record(ctx: Context, outcome: str) -> None:
    ctx.plan.gates[PACKAGE] = outcome
    if not ctx.dry_run:
        ctx.journal.gates[PACKAGE] = outcome


def run_package_check(ctx: Context) -> str:
    """Build and check HEAD's files; fail with every finding, each naming its fix."""
    if PACKAGE in ctx.journal.skip:
        _record(ctx, "skipped (--skip: it ran elsewhere)")
        return "skipped (--skip package)"
    result = check_head(ctx.root, ctx.workdir, ctx.note, ctx.secrets)
    if result.findings:
        count = len(result.findings)
        listing = "\n".join(f"  - {finding.text()}" for finding in result.findings)
        raise StepFailed(f"the package check found {count} problem{'s' if count != 1 else ''}:\n{listing}")
    ctx.head_wheel = result.wheel
    assert result.sdist is not None and result.wheel is not None
    _record(ctx, "passed (python -m build of HEAD, twine check --strict, manifest)")
    return f"{result.sdist.name} and {result.wheel.name} build and pass their checks"


PACKAGE_CHECK = Step(
    "package-check", "Package check (build HEAD, twine check, manifest)", True, True, run_package_check
)
