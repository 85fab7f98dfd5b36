"""One environment for the test phases whose nox session is releasekit's own, built once and kept between releases.

A noxfile that calls ``releasekit.nox.register()`` with its defaults gets sessions tagged
:data:`TAG`. Where a phase's session carries that tag (not a session the project defined
itself, which always runs through nox), releasekit knows what the session runs, and the
release runs the very same commands in one environment, ``.nox/releasekit-shared``, with
the phases side by side: no nox start-up per phase, no install per phase.

The environment holds the project editable, from this checkout, with what every one of those
sessions installs (the test extras and groups, pytest, pytest-cov; the docs extra, sphinx
and docs/requirements.txt when there are docs). It is reused as :mod:`releasekit.release.envreuse`
reuses nox's: the same fingerprint of its inputs, kept once built; a failing phase forgets it.
After a bump the environment is kept as it is (the code is the tree's; only the version in the
project's metadata lags); a phase that fails there runs once more after the project alone is
installed again (``--no-deps``), and only that run counts.

Nothing runs twice there: the coverage session's run selects every test of the ``tests`` and
``integration`` sessions, so it stands for those phases (:func:`covered_by_coverage`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from releasekit import venvs
from releasekit.config import table
from releasekit.errors import StepFailed
from releasekit.gatesconfig import Gate
from releasekit.release import envreuse
from releasekit.release.testenv import DOCS_NAMES, declares_marker, requirement_sources, unit_expression

TAG = "releasekit-standard"
"""The nox tag of releasekit's sessions registered with their defaults (no python, no extras given)."""
NAME = "releasekit-shared"
"""The shared environment's name: its folder in .nox/ and its key in envreuse's record."""


class Plan(NamedTuple):
    """What releasekit's session of one phase runs: commands after the interpreter, and the exit codes that pass."""

    runs: tuple[tuple[str, ...], ...] = ()
    ok: tuple[int, ...] = (0,)
    skip: str = ""  # the session skips itself, and why


def cov_source_args(root: Path, *, data: Mapping[str, Any]) -> list[str]:
    """``--cov`` arguments: the configured coverage source, else src/, else the project root."""
    run = table(data, "tool.coverage.run")
    if run is not None and run.get("source"):
        return ["--cov"]
    if (root / "src").is_dir():
        return ["--cov=src"]
    return ["--cov=."]


def project_target(root: Path, extras: tuple[str, ...], groups: list[str], where: str = ".") -> list[str]:
    """``-e`` of the project (at ``where``) with ``extras``, and ``--group`` of ``groups``: what a session installs."""
    target = f"{where}[{','.join(extras)}]" if extras else where
    return ["-e", target, *(arg for group in groups for arg in ("--group", f"{root / 'pyproject.toml'}:{group}"))]


def plan(root: Path, phase: str, data: Mapping[str, Any], threshold: float | None, tmp: Path) -> Plan:
    """The commands of releasekit's ``phase`` session (module and arguments, run with the environment's python)."""
    if phase == "tests":
        expression = unit_expression(root, data=data)
        selection = ("-m", expression) if expression else ()
        return Plan((("-m", "pytest", *selection),), (0, 5))
    if phase in ("integration", "benchmark"):
        if not declares_marker(root, phase, data=data):
            return Plan(skip=f"the project declares no {phase!r} pytest marker")
        return Plan((("-m", "pytest", "-m", phase, *(("-s",) if phase == "benchmark" else ())),), (0, 5))
    if phase == "coverage":
        selection = ("-m", "not benchmark") if declares_marker(root, "benchmark", data=data) else ()
        limit = (f"--cov-fail-under={threshold:g}",) if threshold is not None else ()
        report = f"--cov-report=json:{tmp / 'coverage.json'}"
        args = (*selection, *cov_source_args(root, data=data), "--cov-report=term-missing", report, *limit)
        return Plan((("-m", "pytest", *args),))
    if phase == "docs":
        if not (root / "docs" / "conf.py").is_file():
            return Plan(skip="no docs/conf.py")
        return Plan((("-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", os.fspath(tmp / "html")),))
    if phase == "examples":
        scripts = sorted((root / "examples").glob("*.py"))
        if not scripts:
            return Plan(skip="no scripts in examples/")
        return Plan(tuple((os.fspath(script),) for script in scripts))
    raise ValueError(phase)


def requirements(root: Path, data: Mapping[str, Any]) -> list[str]:
    """What the shared environment installs: the union of what the sessions it stands for install."""
    extras, groups = requirement_sources(root, data=data)
    wanted = list(extras)
    more = ["pytest>=8", "pytest-cov>=5"]
    if (root / "docs" / "conf.py").is_file():
        wanted += requirement_sources(root, DOCS_NAMES, data=data)[0][:1]  # the docs session takes the first
        more.append("sphinx>=7")
        docs_requirements = root / "docs" / "requirements.txt"
        if docs_requirements.is_file() and not docs_requirements.is_symlink():
            more += ["-r", os.fspath(docs_requirements)]
    chosen = tuple(dict.fromkeys(wanted))
    return [*project_target(root, chosen, list(dict.fromkeys(groups)), os.fspath(root.resolve())), *more]


def folder(root: Path) -> Path:
    """Where the shared environment lives."""
    return root / ".nox" / NAME


def prepare(
    root: Path, data: Mapping[str, Any], project: str | None, version: str, note: Any, secrets: Any
) -> tuple[Path, bool]:
    """The shared environment's python, kept or built anew, and whether the project's metadata lags (a bump).

    A kept environment after a bump holds the tree's code, editable, with the last version in
    its metadata: :func:`reinstall` mends that when a phase fails there.
    """
    venv = folder(root)
    python = venvs.python_of(venv)
    kept = envreuse.reusable(root, NAME, version) if python.is_file() else None
    if kept == "bumped" and not envreuse.follows_the_tree(root, NAME, project):
        kept = None
    if kept is not None:
        why = "its inputs are unchanged" if kept == "same" else "only the version changed; the project is editable"
        note(f"reusing the shared test environment {venv} ({why})")
        return python, kept == "bumped"
    note(f"creating the shared test environment {venv}")
    envreuse.remember(root, NAME, passed=False)  # a build killed half-way is never taken for a kept one
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(exist_ok=True)
    python = venvs.create(venv)
    venvs.install(python, requirements(root, data), secrets=secrets)
    envreuse.remember(root, NAME, passed=True, version=version)
    return python, False


def reinstall(root: Path, python: Path, version: str, secrets: Any) -> None:
    """The project installed again, editable, without its dependencies: its metadata then holds ``version``."""
    venvs.install(python, ["--no-deps", "-e", os.fspath(root.resolve())], secrets=secrets)
    envreuse.remember(root, NAME, passed=True, version=version)


def session_env(python: Path, session: str) -> dict[str, str | None]:
    """The variables nox gives a session: its environment first on PATH, VIRTUAL_ENV, NOX_CURRENT_SESSION."""
    bin_dir = os.fspath(python.parent)
    return {
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "VIRTUAL_ENV": os.fspath(python.parent.parent),
        "NOX_CURRENT_SESSION": session,
        "PYTHONHOME": None,
    }


def covered_by_coverage(root: Path, data: Mapping[str, Any], tmp: Path, gates: list[Gate]) -> list[Gate]:
    """The phases among ``gates`` that the shared coverage run stands for, so that their tests run once, not twice.

    Its ``pytest -m "not benchmark" --cov`` selects every test the ``tests`` and ``integration``
    sessions select. So when all of them run in the shared environment, the coverage run alone
    runs their tests; only when it fails do they run on their own, to say which phase failed
    (:func:`covering`). An integration session that skips itself keeps its own outcome.
    """
    by_phase = {gate.phase: gate for gate in gates if gate.runner == "shared"}
    if "coverage" not in by_phase:
        return []
    covered = [by_phase["tests"]] if "tests" in by_phase else []
    if "integration" in by_phase and not plan(root, "integration", data, None, tmp).skip:
        covered.append(by_phase["integration"])
    return covered


def covering(
    note: Callable[[str], None],
    run_gate: Callable[[Gate], str],
    coverage: Gate,
    covered: list[Gate],
    outcomes: dict[str, str],
) -> Callable[[], str]:
    """The coverage run standing for the ``covered`` phases too; their outcomes go into ``outcomes``."""

    def job() -> str:
        for gate in covered:
            note(f"{gate.phase}: in the coverage run ({coverage.describe()})")
        try:
            outcome = run_gate(coverage)
        except StepFailed:
            # Which phase failed: the covered ones on their own first; else the coverage's own verdict.
            for gate in covered:
                note(f"{gate.phase}: running it on its own, to see which phase failed")
                run_gate(gate)
            raise
        for gate in covered:
            outcomes[gate.phase] = f"passed (in the coverage run: {coverage.describe()})"
            note(f"{gate.phase}: {outcomes[gate.phase]}")
        note(f"coverage: {outcome}")
        return outcome

    return job
