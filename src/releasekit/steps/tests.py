"""Tests: the project's own nox sessions, each phase run or shown as skipped."""

from __future__ import annotations

import json
from pathlib import Path

from releasekit import environment
from releasekit.advisory import EXPEDITED_SKIPS
from releasekit.errors import CommandError, StepFailed
from releasekit.process import python_module, run
from releasekit.steps import Context, Step

PHASES = ("tests", "integration", "benchmark", "coverage", "docs", "examples")
REUSE_ENV = "RELEASEKIT_REUSE_VENVS"


def _nox(*args: str) -> list[str]:
    # --script-mode none: the noxfile's PEP 723 block must not pull another releasekit.
    return python_module("nox", "--script-mode", "none", *args)


def available_phases(root: Path) -> list[str]:
    """Which of PHASES the project's noxfile defines (default or not)."""
    if not (root / "noxfile.py").is_file():
        return []
    expression = " or ".join(PHASES)
    try:
        proc = run(_nox("--list", "--json", "-k", expression), cwd=root)
    except CommandError as exc:
        raise StepFailed(f"noxfile.py: nox cannot list its sessions:\n{exc.output}") from None
    try:
        sessions = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        raise StepFailed(f"noxfile.py: unexpected output of nox --list --json: {proc.stdout[:200]!r}") from None
    names = {entry.get("name") for entry in sessions if isinstance(entry, dict)}
    return [phase for phase in PHASES if phase in names]


def run_tests(ctx: Context) -> str:
    """Run each phase the project has, in checklist order (an emergency release skips the benchmarks)."""
    present = available_phases(ctx.root)
    reuse = ["--reuse-existing-virtualenvs"] if ctx.reuse_venvs or environment.flag(REUSE_ENV) else []
    ran, skipped = [], []
    for phase in PHASES:
        if ctx.journal.emergency and phase in EXPEDITED_SKIPS:
            skipped.append(phase)
            ctx.note(f"{phase}: skipped (an emergency release is expedited)")
            continue
        if phase not in present:
            skipped.append(phase)
            ctx.note(f"{phase}: skipped (no such nox session)")
            continue
        ctx.note(f"{phase}: running nox -s {phase}")
        try:
            run(_nox("-s", phase, *reuse), cwd=ctx.root, secrets=ctx.secrets)
        except CommandError as exc:
            raise StepFailed(f"nox session {phase!r} failed (exit code {exc.returncode}):\n{exc.output}") from None
        ran.append(phase)
    if not ran:
        return "no test sessions; all phases skipped"
    return f"ran {', '.join(ran)}" + (f"; skipped {', '.join(skipped)}" if skipped else "")


TESTS = Step("tests", "Tests (nox sessions)", reversible=True, in_dry_run=True, run=run_tests)
