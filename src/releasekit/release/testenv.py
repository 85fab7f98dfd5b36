"""releasekit's fallback gates: pytest (and sphinx, and the example scripts) in a fresh environment.

Used for a phase the project runs neither through nox nor tox. The environment is built
with uv (venv and pip without it) in the release's temporary directory, never in the work
tree. It holds the wheel built from HEAD (so the tests import what ships, and no build
output lands in the tree) with the project's test extras, its test dependency groups
(PEP 735), pytest, and pytest-cov; sphinx and the docs extras for the docs phase.

pytest runs as the project configures it: ``integration`` and ``benchmark`` only where
the project declares those markers, and a ``-m`` expression that names only declared
markers, so ``--strict-markers`` never rejects it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from releasekit import git, venvs
from releasekit.bounded import loads_json
from releasekit.config import read_pyproject, table
from releasekit.errors import ReleasekitError
from releasekit.gatesconfig import Gate, read_small
from releasekit.safefiles import read_file

TEST_NAMES = ("test", "tests", "testing", "dev")
"""Names of extras and dependency groups that hold test requirements (any group naming pytest counts too)."""
DOCS_NAMES = ("docs", "doc")
_TEST_FILES = ("test_*.py", "*_test.py", "**/test_*.py", "**/*_test.py")


def fallback(root: Path, phase: str, *, forced: bool = False, data: Mapping[str, Any] | None = None) -> Gate:
    """releasekit's own gate for ``phase``, or a ``none`` gate that says what is missing.

    ``forced`` (``phase = "pytest"`` in the configuration) runs the marker phases even
    when the project declares no such marker. ``data`` is the parsed pyproject.toml when
    the caller has it (read here otherwise).
    """
    if phase == "docs":
        if (root / "docs" / "conf.py").is_file():
            return Gate(phase, "sphinx", ("-W", "--keep-going", "-q", "-b", "html", "docs"))
        return Gate(phase, "none", reason="no docs/conf.py, no nox session or tox env named docs")
    if phase == "examples":
        scripts = example_scripts(root)
        if scripts:
            return Gate(phase, "scripts", tuple(scripts))
        return Gate(phase, "none", reason="no examples/*.py, no nox session or tox env named examples")
    if not has_tests(root):
        return Gate(phase, "none", reason="no tests found (no test_*.py or *_test.py tracked by git)")
    data = read_pyproject(root, required=False) if data is None else data
    if phase == "tests":
        expression = unit_expression(root, data=data)
        return Gate(phase, "pytest", ("-m", expression) if expression else ())
    if phase in ("integration", "benchmark"):
        if forced or declares_marker(root, phase, data=data):
            return Gate(phase, "pytest", ("-m", phase))
        return Gate(phase, "none", reason=f"the project declares no {phase!r} pytest marker")
    if phase == "coverage":
        expression = "not benchmark" if declares_marker(root, "benchmark", data=data) else ""
        return Gate(phase, "pytest", ("-m", expression) if expression else ())
    raise ValueError(phase)


def example_scripts(root: Path) -> list[str]:
    """The tracked ``examples/*.py`` scripts."""
    return sorted(name for name in git.tracked_files(root, "examples/*.py") or [] if name.count("/") == 1)


def has_tests(root: Path) -> bool:
    """Whether git tracks any pytest test module in the project."""
    return bool(git.tracked_files(root, *_TEST_FILES))


def unit_expression(root: Path, *, data: Mapping[str, Any] | None = None) -> str:
    """The ``-m`` expression of the unit tests: not the declared integration and benchmark markers.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    data = read_pyproject(root, required=False) if data is None else data
    markers = ("integration", "benchmark")
    return " and ".join(f"not {marker}" for marker in markers if declares_marker(root, marker, data=data))


def declares_marker(root: Path, marker: str, *, data: Mapping[str, Any] | None = None) -> bool:
    """Whether the project's pytest configuration declares ``marker`` (``data``: pyproject.toml, if parsed)."""
    data = read_pyproject(root, required=False) if data is None else data
    pytest_table = table(data, "tool.pytest") or {}  # tool = 5 is a value, not a crash
    for section in (pytest_table.get("ini_options", {}), pytest_table):
        markers = section.get("markers", []) if isinstance(section, dict) else []
        if isinstance(markers, list) and any(str(m).split(":")[0].strip() == marker for m in markers):
            return True
    line = re.compile(rf"^\s*{re.escape(marker)}\s*(:|$)", re.MULTILINE)
    for name in ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"):
        text = read_small(root / name)
        if text and line.search(text):
            return True
    return False


def _names(entries: Any, wanted: Sequence[str], *, by_pytest: bool) -> list[str]:
    if not isinstance(entries, Mapping):
        return []
    chosen = []
    for name, requirements in entries.items():
        mentions_pytest = isinstance(requirements, list) and any(
            isinstance(r, str) and re.match(r"^\s*pytest\b", r) for r in requirements
        )
        if name in wanted or (by_pytest and mentions_pytest):
            chosen.append(str(name))
    return chosen


def requirement_sources(
    root: Path, wanted: Sequence[str] = TEST_NAMES, *, data: Mapping[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """The project's extras and dependency groups named as ``wanted`` (for tests: or listing pytest).

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    data = read_pyproject(root, required=False) if data is None else data
    by_pytest = wanted == TEST_NAMES
    extras = _names(table(data, "project.optional-dependencies"), wanted, by_pytest=by_pytest)
    return extras, _names(table(data, "dependency-groups"), wanted, by_pytest=by_pytest)


def build_env(
    venv: Path, root: Path, project: str, wheel: Path, *, docs: bool = False, secrets: Sequence[str] = ()
) -> Path:
    """A fresh environment at ``venv`` with the wheel and the project's test requirements; its python."""
    data = read_pyproject(root, required=False)
    extras, groups = requirement_sources(root, data=data)
    wanted = list(extras)
    if docs:
        doc_extras, doc_groups = requirement_sources(root, DOCS_NAMES, data=data)
        wanted += doc_extras
        groups += doc_groups
    import shutil

    shutil.rmtree(venv, ignore_errors=True)
    python = venvs.create(venv)
    target = f"{project}[{','.join(dict.fromkeys(wanted))}] @ {wheel.as_uri()}" if wanted else os.fspath(wheel)
    args = [target, "pytest", "pytest-cov"]
    for group in dict.fromkeys(groups):
        args += ["--group", f"{root / 'pyproject.toml'}:{group}"]
    if docs:
        args.append("sphinx")
        requirements = root / "docs" / "requirements.txt"
        if requirements.is_file() and not requirements.is_symlink():
            args += ["-r", os.fspath(requirements)]
    venvs.install(python, args, secrets=secrets)
    return python


def quiet_env(tmp: Path) -> dict[str, str]:
    """Environment for every gate: coverage data and pytest's cache kept out of the work tree."""
    addopts = os.environ.get("PYTEST_ADDOPTS", "")
    return {"COVERAGE_FILE": os.fspath(tmp / ".coverage"), "PYTEST_ADDOPTS": f"{addopts} -p no:cacheprovider".strip()}


FALLBACK_ENV: dict[str, str | None] = {
    "PYTHONDONTWRITEBYTECODE": "1",
    # A release started by `nox -s release` or `tox -e release` must not tell the project's
    # tests that nox or tox runs them: the fallback is plain pytest.
    "NOX_CURRENT_SESSION": None,
    "TOX_ENV_NAME": None,
}
"""Changed for releasekit's own fallback runs: no bytecode in the tree (nox and tox keep theirs, for speed)."""


def coverage_args(root: Path, wheel_modules: Sequence[str], report: Path, threshold: float | None) -> list[str]:
    """pytest-cov arguments: the project's configured source, else the wheel's modules; a JSON report."""
    run_table = table(read_pyproject(root, required=False), "tool.coverage.run") or {}
    configured = bool(run_table.get("source"))
    sources = ["--cov"] if configured or not wheel_modules else [f"--cov={name}" for name in wheel_modules]
    args = [*sources, "--cov-report=term", f"--cov-report=json:{report}"]
    if threshold is not None:
        args.append(f"--cov-fail-under={threshold:g}")
    return args


def coverage_figure(report: Path) -> float | None:
    """The total percentage in a coverage JSON report, if there is one."""
    try:
        data = loads_json(read_file(report, "cache"), source=str(report))
        return float(data["totals"]["percent_covered"])
    except (OSError, ReleasekitError, ValueError, KeyError, TypeError):
        return None
