"""releasekit.nox: real nox runs on tiny generated projects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import releasekit.nox as rknox
from releasekit.release import sharedenv
from tests.helpers.gitrepo import commit_all, make_repo, write_files
from tests.helpers.noxrun import listed_sessions, run_nox, tool_env

pytestmark = pytest.mark.integration


REPO_ROOT = Path(__file__).resolve().parents[1]


PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "tiny"
version = "0.1.0"

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.pytest.ini_options]
markers = ["integration: slow", "benchmark: timing"]

[tool.coverage.report]
fail_under = {fail_under}
"""


TINY_SOURCE = """\
__version__ = "0.1.0"


def covered():
    return 1


def uncovered():
    return 2
"""


TINY_TESTS = """\
import pytest

import tiny


def test_unit():
    assert tiny.covered() == 1


@pytest.mark.integration
def test_integration(tmp_path):
    (tmp_path / "x").write_text("integration ran")
    print("INTEGRATION-RAN")


@pytest.mark.benchmark
def test_benchmark():
    print("BENCHMARK-RAN")
"""


HEADER = """\
# /// script
# dependencies = ["nox", "{releasekit}"]
# ///
import nox

import releasekit.nox
"""


CUSTOM_TESTS = """
@nox.session(python=False)
def tests(session):
    session.log("CUSTOM-TESTS")
"""


def tiny_project(root: Path, noxfile_body: str, *, releasekit_req: str = "releasekit", fail_under: int = 50) -> Path:
    """A tiny src-layout package with tests of each marker and the given noxfile."""
    write_files(
        root,
        {
            "pyproject.toml": PYPROJECT.format(fail_under=fail_under),
            "src/tiny/__init__.py": TINY_SOURCE,
            "tests/test_tiny.py": TINY_TESTS,
            "examples/hello.py": "import tiny\nprint('EXAMPLE', tiny.__version__)\n",
            "noxfile.py": HEADER.format(releasekit=releasekit_req) + noxfile_body,
        },
    )
    return root


def test_register_lists_every_session_with_release_and_hotfix_not_default(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n")
    proc = run_nox(project, "-l")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = listed_sessions(proc.stdout)
    # nox shows a session's tags after its name: the test sessions carry the one the release reads.
    tagged = {name.split(" [")[0] for name in listed if name.endswith(f" [{sharedenv.TAG}]")}
    assert tagged == {"tests", "integration", "benchmark", "coverage", "docs", "examples"}, listed
    sessions = {name.split(" [")[0]: default for name, default in listed.items()}
    assert list(sessions) == list(rknox.SESSIONS)
    assert {name for name, default in sessions.items() if default} == set(rknox.DEFAULT_SESSIONS)


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_session_the_project_defines_wins(tmp_path: Path, where: str) -> None:
    body = "\nreleasekit.nox.register()\n"
    body = CUSTOM_TESTS + body if where == "before" else body + CUSTOM_TESTS
    project = tiny_project(tmp_path, body)
    proc = run_nox(project, "-s", "tests")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "CUSTOM-TESTS" in out
    assert "pytest" not in out  # releasekit's tests session did not run
    assert "already been registered" not in out
    assert not (project / ".nox" / "tests").exists()
    listed = listed_sessions(run_nox(project, "-l").stdout)
    assert {name.split(" [")[0] for name in listed} == set(rknox.SESSIONS)
    assert "tests" in listed  # the project's own tests session: untagged


def installed_releasekit() -> Path:
    """Where this interpreter imports releasekit from, asked of a fresh process as nox is."""
    code = "import pathlib, releasekit; print(pathlib.Path(releasekit.__file__).parent)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    return Path(out.stdout.strip())


def test_script_mode_none_runs_the_releasekit_nox_runs_in(tmp_path: Path) -> None:
    # The script block names a releasekit that is nowhere to be installed from: with
    # --script-mode none nox must not try, and the release session must call this one.
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n", releasekit_req="releasekit>=99")
    proc = run_nox(project, "-s", "release", "--", "--help")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"from {installed_releasekit()}" in out
    assert "usage: releasekit release" in out
    assert not (project / ".nox" / "_nox_script_mode").exists()
    hotfix = run_nox(project, "-s", "hotfix", "--", "--help")
    assert hotfix.returncode == 0 and "usage: releasekit hotfix" in hotfix.stdout, hotfix.stdout + hotfix.stderr


def test_venv_sessions_run_pytest_by_marker_and_examples(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n")
    proc = run_nox(project, "-s", "tests", "integration", "benchmark", "examples", "docs")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Creating virtual environment (uv)" in out
    assert "pytest -m 'not integration and not benchmark'" in out
    assert "1 passed, 2 deselected" in out
    assert "pytest -m integration" in out
    assert "pytest -m benchmark -s" in out and "BENCHMARK-RAN" in out
    assert "EXAMPLE 0.1.0" in out
    assert "docs: skipped (no docs/conf.py)" in out


def test_coverage_threshold_comes_from_coverage_config(tmp_path: Path) -> None:
    passing = tiny_project(tmp_path / "ok", "\nreleasekit.nox.register()\n", fail_under=50)
    proc = run_nox(passing, "-s", "coverage")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "--cov-fail-under=50" in proc.stdout + proc.stderr
    failing = tiny_project(tmp_path / "strict", "\nreleasekit.nox.register()\n", fail_under=100)
    proc = run_nox(failing, "-s", "coverage")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Required test coverage of 100% not reached" in out


def test_a_marker_the_project_does_not_declare_is_skipped(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"benchmark: timing"', ""))
    proc = run_nox(project, "-s", "benchmark")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Session benchmark skipped: the project declares no 'benchmark' pytest marker" in proc.stdout + proc.stderr


def test_build_session_is_the_release_build_into_dist(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny", "\nreleasekit.nox.register()\n")
    pyproject = (
        (project / "pyproject.toml")
        .read_text()
        .replace('version = "0.1.0"\n', 'version = "0.1.0"\nreadme = "README.md"\n')
    )
    files = {"MANIFEST.in": "include noxfile.py\ngraft tests\ngraft examples\n", ".gitignore": ".nox/\n"}
    write_files(project, {**files, "README.md": "# tiny\n", "pyproject.toml": pyproject})
    make_repo(project)
    commit_all(project, "tiny")
    (project / "dist").mkdir()
    (project / "dist" / "tiny-0.0.9.tar.gz").write_text("an older build")
    proc = run_nox(project, "-s", "build")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Session build was successful" in out
    # The release's own build and checks ran, check-manifest's verdict among them.
    assert "package: check-manifest: lists of files in version control and sdist match" in out
    assert "twine check --strict" in out and "pip install -e . into another fresh venv" in out
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["tiny-0.1.0-py3-none-any.whl", "tiny-0.1.0.tar.gz"]
    assert not (project / ".nox" / "build").exists()  # no virtualenv: the build runs as releasekit build does

    (project / "src" / "tiny" / "__init__.py").write_text(TINY_SOURCE + "# not committed\n")
    proc = run_nox(project, "-s", "build")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "the work tree has uncommitted changes; the build is of the committed HEAD: commit them" in out
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["tiny-0.1.0-py3-none-any.whl", "tiny-0.1.0.tar.gz"]


def test_script_mode_with_only_nox_installs_releasekit_itself(tmp_path: Path) -> None:
    venv = tmp_path / "nox-only"
    subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(venv)], check=True, env=tool_env())
    subprocess.run(
        ["uv", "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "nox>=2025.2.9"],
        check=True,
        env=tool_env(),
    )
    project = tiny_project(
        tmp_path / "project",
        "\nreleasekit.nox.register()\n",
        releasekit_req=f"releasekit[release] @ {REPO_ROOT.as_uri()}",
    )
    proc = subprocess.run(
        [str(venv / "bin" / "nox"), "-s", "release", "--", "--help"],
        cwd=project,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    script_env = project / ".nox" / "_nox_script_mode"
    assert f"from {script_env}" in out
    assert "usage: releasekit release" in out


STRICT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "tiny"
version = "0.1.0"

[project.optional-dependencies]
testing = ["pytest>=8"]

[tool.pytest.ini_options]
addopts = ["--strict-markers"]
markers = ["integration: slow"]
"""


STRICT_TESTS = """\
import pytest

import tiny


def test_unit():
    assert tiny.covered() == 1


@pytest.mark.integration
def test_integration():
    pass
"""


def test_default_sessions_follow_the_projects_markers_extras_and_threshold(tmp_path: Path) -> None:
    # --strict-markers, no benchmark marker, a `testing` extra, no coverage threshold anywhere.
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n")
    write_files(project, {"pyproject.toml": STRICT_PYPROJECT, "tests/test_tiny.py": STRICT_TESTS})
    proc = run_nox(project, "-s", "tests", "coverage")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "pip install -e '.[testing]'" in out or "install -e .[testing]" in out
    assert "pytest -m 'not integration'" in out and "1 passed, 1 deselected" in out
    assert "no coverage threshold configured: the figure is reported, not enforced" in out
    assert "--cov-fail-under" not in out
    assert not list(project.glob(".coverage*"))  # coverage data went to the session's temp dir


def test_a_pyproject_the_sessions_cannot_read_ends_each_with_one_line(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "\nreleasekit.nox.register()\n")
    (project / "pyproject.toml").write_text('[project]\nname = "tiny"\n[project\n')
    proc = run_nox(project, "-s", "tests", "integration", "coverage", "docs")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    line = f"{project / 'pyproject.toml'}: invalid TOML: Cannot declare ('project',) twice (at line 3, column 9)."
    for session in ("tests", "integration", "coverage"):
        assert f"nox > Session {session} aborted: {line}\n" in out
    assert "nox > Session docs skipped: no docs/conf.py." in out  # nothing to build: pyproject.toml is not read
