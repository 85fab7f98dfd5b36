"""Projects for the release gates, in the shapes real projects have: nox, tox (ini, toml), or neither.

Every project's own tests append one line to ``$GATE_RECORD``: which test ran, under which
runner (``TOX_ENV_NAME``, ``NOX_CURRENT_SESSION``), and where coverage data went. The
tests of the gates read that file to know what really ran.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.releaseproj import Project, make_project, unique_name

# The least pyproject.toml a project of the gates' tests has: a name and a static version.
BASE = '[project]\nname = "x"\nversion = "1.0"\n'

RECORDING_TESTS = """\
import os

import pytest

import {module}


def _record(name):
    runner = os.environ.get("TOX_ENV_NAME") or os.environ.get("NOX_CURRENT_SESSION") or "pytest"
    where = os.environ.get("COVERAGE_FILE", "")
    with open(os.environ["GATE_RECORD"], "a") as out:
        out.write(f"{{name}} {{runner}} coverage-outside-tree={{not where.startswith(os.getcwd())}}\\n")


def test_unit():
    _record("unit")
    assert {module}.greet() == "hello"
"""

MARKED_TEST = """

@pytest.mark.{marker}
def test_{marker}():
    _record("{marker}")
"""

MODULE = '''"""The {name} package."""

__version__ = "{version}"


def greet():
    return "hello"


def unused():
    return "never called by the tests"
'''

STRICT_MARKERS = """
[tool.pytest.ini_options]
addopts = ["--strict-markers", "-ra"]
markers = [{markers}]
"""

TOX_INI = """\
[tox]
env_list = py

[testenv]
package = wheel
extras = testing
pass_env = GATE_RECORD
commands = pytest -m "not integration and not benchmark" {posargs}

[testenv:integration]
commands = pytest -m integration {posargs}
"""

TOX_TOML = """\
env_list = ["py"]

[env_run_base]
package = "wheel"
extras = ["testing"]
pass_env = ["GATE_RECORD"]
commands = [["pytest", "-m", "not integration and not benchmark", "{posargs}"]]

[env.integration]
commands = [["pytest", "-m", "integration"]]
"""

NOXFILE = """\
import sys

import nox

nox.options.default_venv_backend = "none"
SRC = {"PYTHONPATH": "src"}


@nox.session
def tests(session):
    session.run(sys.executable, "-m", "pytest", "-m", "not integration", env=SRC, external=True)


@nox.session
def integration(session):
    session.run(sys.executable, "-m", "pytest", "-m", "integration", env=SRC, external=True)
"""

GITIGNORE = ".nox/\n.tox/\n__pycache__/\n*.egg-info/\n"


def gate_project(
    base: Path,
    *,
    runner: str = "none",
    markers: tuple[str, ...] = ("integration", "benchmark"),
    requirements: str = "extra",
    fail_under: int | None = None,
    tests: bool = True,
    extra_pyproject: str = "",
    extra_files: dict[str, str] | None = None,
) -> Project:
    """A releasable project (hatchling, towncrier, bump-my-version, bare origin) run by ``runner``.

    ``runner`` is "nox", "tox-ini", "tox-toml" or "none" (releasekit's pytest fallback).
    ``requirements`` says where the test requirements are: a ``testing`` extra or a
    ``dev`` dependency group (PEP 735). ``fail_under`` sets coverage's own threshold.
    """
    name_hint = {"nox": "rk-nox", "tox-ini": "rk-toxini", "tox-toml": "rk-toxtoml"}.get(runner, "rk-plain")
    name = unique_name(name_hint)
    module = name.replace("-", "_")
    pyproject = ""
    if requirements == "extra":
        pyproject += '\n[project.optional-dependencies]\ntesting = ["pytest>=8", "pytest-cov>=5"]\n'
    else:
        pyproject += '\n[dependency-groups]\ndev = ["pytest>=8", "pytest-cov>=5"]\n'
    pyproject += STRICT_MARKERS.format(markers=", ".join(f'"{m}: {m} tests"' for m in markers))
    if fail_under is not None:
        pyproject += f"\n[tool.coverage.report]\nfail_under = {fail_under}\n"
    pyproject += extra_pyproject
    files = {f"src/{module}/__init__.py": MODULE.format(name=name, version="0.1.0"), ".gitignore": GITIGNORE}
    if tests:
        body = RECORDING_TESTS.format(module=module)
        body += "".join(MARKED_TEST.format(marker=marker) for marker in markers)
        files["tests/test_it.py"] = body
    if runner == "nox":
        files["noxfile.py"] = NOXFILE
    elif runner == "tox-ini":
        files["tox.ini"] = TOX_INI
    elif runner == "tox-toml":
        files["tox.toml"] = TOX_TOML
    files.update(extra_files or {})
    return make_project(base, name=name, extra_pyproject=pyproject, extra_files=files, tests_gate=False)


def records(path: Path) -> list[str]:
    """The lines the project's tests wrote, sorted."""
    return sorted(path.read_text().splitlines()) if path.exists() else []
