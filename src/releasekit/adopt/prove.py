"""The proof of an adoption: what the first release would run before touching anything, run on the plan.

``releasekit init`` clones the repository into a temporary directory, writes its plan
there and commits it, then runs the release's own checks on that clone: the version
checks, the bump to the next patch version simulated as bump-my-version makes it (each
version file must then hold the new version and still parse), the fragment and link
checks, and, beside them, the package check (HEAD built from a clone with its ``.git``,
``twine check --strict``, the sdist's files). What the plan can fix it fixed already, with its reason;
what is left is listed, and init exits 1. Nothing is written to the project by the proof.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from releasekit import git
from releasekit.adopt.plan import Plan
from releasekit.changelog.fragments import validate_directory
from releasekit.checks.bump import bump_findings
from releasekit.checks.version_sync import check_versions
from releasekit.config import load
from releasekit.errors import ReleasekitError
from releasekit.package import check_head
from releasekit.parallel import Job, cores, run_jobs
from releasekit.release.steps.preflight import link_problems
from releasekit.versions import next_version

_IDENTITY = ("-c", "user.name=releasekit init", "-c", "user.email=init@releasekit.invalid")


def _write_plan(clone: Path, plan: Plan) -> None:
    for change in plan.changes:
        path = clone / change.path
        if change.new is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(change.new.encode("utf-8"))


def _clone_with_plan(root: Path, plan: Plan, tmp: Path) -> Path:
    """A clone of HEAD holding the plan's changes, committed; returns the project's directory in it."""
    top = git.toplevel(root)
    clone = tmp / "clone"
    git.clone(top, clone, "HEAD")
    project = clone / os.path.relpath(root, top)
    _write_plan(project, plan)
    git.git("add", "--all", cwd=clone)
    if git.git("status", "--porcelain", cwd=clone):
        git.git(*_IDENTITY, "commit", "--quiet", "--no-verify", "-m", "Adopt releasekit", cwd=clone)
    return project


def _checks(project: Path, tmp: Path, which: tuple[str, ...], note: Callable[[str], None]) -> list[str]:
    """The proof's checks; the package check (a build, minutes on a big project) beside the others.

    All of them only read the clone (the package check builds in its own directory), so they
    run side by side as the release's preflight jobs do; the problems keep their order.
    """

    def rel(text: str) -> str:
        return text.replace(str(project) + os.sep, "")

    config = load(project)
    found: dict[str, list[str]] = {}

    def package() -> str:
        workdir = tmp / "package"
        workdir.mkdir()
        found["package"] = [f"package check: {rel(f.text())}" for f in check_head(project, workdir, note).findings]
        return ""

    def the_rest() -> str:
        problems: list[str] = []
        if "versions" in which:
            problems += [f"check versions: {f.text()}" for f in check_versions(config) if f.level == "error"]
        version = config.version
        if "versions" in which and version is not None and version.writes_files and not problems:
            new = next_version(version.current, "patch")
            note(f"proof: the bump to {new}, simulated as bump-my-version makes it")
            problems += [f"the bump to {new}: {f.text()}" for f in bump_findings(project, version, new)]
        problems += [f"check fragments: {f.text()}" for f in validate_directory(project, config.fragments)[1]]
        problems += [f"check links: {f.text()}" for f in link_problems(config) if f.level == "error"]
        found["checks"] = problems
        return ""

    run_jobs([Job("package", package), Job("checks", the_rest)], cores())
    return found["checks"] + found["package"]


def prove(root: Path, plan: Plan, note: Callable[[str], None]) -> list[str]:
    """What the first release after ``plan`` would stop on, each with what to do; empty when it would pass."""
    with tempfile.TemporaryDirectory(prefix="releasekit-init-") as name:
        tmp = Path(name)
        try:
            project = _clone_with_plan(root, plan, tmp)
        except ReleasekitError as exc:
            return [f"cannot prove the adoption in a clone: {exc}"]
        try:
            return _checks(project, tmp, plan.checks, note)
        except ReleasekitError as exc:
            return [str(exc).replace(str(project) + os.sep, "")]
