"""releasekit's sessions for releasekit itself.

The project's own tests, coverage, benchmark, lint, docs and demo sessions are defined
here; `releasekit.nox.register()`, from this checkout, adds the rest of the release
checklist (build, release, hotfix). Release releasekit from an environment that has it
installed: `python -m pip install -e '.[release]' && nox -s release -- minor`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
import releasekit.nox  # this checkout's releasekit, found through the line above

nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "docs"]

TEST_EXTRAS = ".[test]"
# The tests run in parallel, a module to a worker (loadfile: what a module builds once for
# its tests is built once), the heaviest modules first (tests/helpers/schedule.py). With
# one worker per core the cores stood idle 13 % of the time (a test waiting on a timeout,
# a server or a sleeping child): one worker more keeps them busy.
WORKERS = len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1
XDIST = ("-n", str(WORKERS), "--dist", "loadfile")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and integration tests under coverage, on every core; then the coverage session enforces the threshold.

    pytest-xdist runs the tests in worker processes (one per core, and one more; posargs
    such as ``-n 0`` override it). Coverage measures each worker, and every process they
    start that imports releasekit (tests/helpers/covhook.py: processes that never run
    releasekit, such as pypiserver or twine, are left alone); the coverage session
    combines the data files.
    """
    session.install("-e", TEST_EXTRAS)
    session.run("python", "tests/helpers/covhook.py")
    _compile_bytecode(session)
    session.env["RELEASEKIT_TESTS_COVERAGE"] = os.path.join(os.getcwd(), "pyproject.toml")
    session.run("coverage", "erase")
    pytest = ["pytest", "-m", "not benchmark", "-p", "no:cacheprovider", *XDIST]
    session.run("coverage", "run", "-m", *pytest, *session.posargs)
    session.notify("coverage")


def _compile_bytecode(session: nox.Session) -> None:
    """Bytecode for everything the suite's Python processes import: once, not in each of them.

    uv installs without compiling, and where PYTHONDONTWRITEBYTECODE is set (as on CI
    machines) no process writes what it compiled, so each of the suite's thousands of
    processes (releasekit, twine, build, nox, tox, pytest's workers) compiled its imports
    from source again: a fifth of the suite's CPU. compileall skips what is up to date.
    """
    site = session.run_install("python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True)
    if isinstance(site, str):  # None under --no-install, with the environment kept as it is
        session.run_install("python", "-m", "compileall", "-q", "-q", "-j", "0", site.strip(), "src")


@nox.session
def coverage(session: nox.Session) -> None:
    """Combine the data of the test processes and fail under [tool.coverage.report] fail_under."""
    session.install("coverage[toml]>=7.10")
    session.run("coverage", "combine", success_codes=[0, 1])
    session.run("coverage", "report")


@nox.session
def benchmark(session: nox.Session) -> None:
    """Speed figures, each with the ratio to its peer measured in the same run."""
    session.install("-e", TEST_EXTRAS)
    session.run("pytest", "-m", "benchmark", "-s", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """pre-commit on every file: ruff, ruff-format, mypy and releasekit's own hooks."""
    session.install("-e", ".", "pre-commit>=4.4")
    if subprocess.run(["git", "remote", "get-url", "origin"], capture_output=True, check=False).returncode != 0:
        # No origin to compare with (a local clone of a clone, say): the fragment check has no base.
        session.env["SKIP"] = "changelog-fragment"
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx documentation with warnings as errors."""
    session.install("-e", ".", "sphinx>=7")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Release the example project end to end against local indexes and a local git origin."""
    session.install("-e", ".[release]", "pypiserver[passlib]>=2.1")
    session.run("python", "examples/demo.py", *session.posargs)


# `tests` above runs the integration tests too, and `demo` is the example's end-to-end run.
releasekit.nox.register(skip=("integration", "examples"))
