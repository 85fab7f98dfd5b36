"""### 3. Testing, "Test installation from clean environment", first part: HEAD's sdist and wheel built and checked.

In a temporary directory, beside the tests (it changes nothing else): ``twine check --strict`` and the
manifest, in seconds. A failure here stops the tests at once.
"""

from __future__ import annotations

from releasekit.errors import StepFailed
from releasekit.gatesconfig import PACKAGE
from releasekit.package import check_head
from releasekit.release.context import Context, Step


def run_package_check(ctx: Context) -> str:
    """Build and check HEAD's files; fail with every finding, each naming its fix."""
    if PACKAGE in ctx.journal.skip:
        with ctx.lock:
            ctx.journal.gates[PACKAGE] = "skipped (--skip: it ran elsewhere)"
        return "skipped (--skip package)"
    result = check_head(ctx.root, ctx.workdir, ctx.note, ctx.secrets)
    if result.findings:
        count = len(result.findings)
        listing = "\n".join(f"  - {finding.text()}" for finding in result.findings)
        raise StepFailed(f"the package check found {count} problem{'s' if count != 1 else ''}:\n{listing}")
    ctx.head_wheel = result.wheel
    assert result.sdist is not None and result.wheel is not None
    with ctx.lock:  # the tests may run beside this step
        ctx.journal.gates[PACKAGE] = "passed (python -m build of HEAD, twine check --strict, manifest)"
    return f"{result.sdist.name} and {result.wheel.name} build and pass their checks"


PACKAGE_CHECK = Step(
    "package-check",
    "Package check (build HEAD, twine check, manifest)",
    True,
    True,
    run_package_check,
    beside_next=True,
)
