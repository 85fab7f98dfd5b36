"""The release's gates on real projects: nox, tox (ini and toml), neither; real pypiservers, tox, nox, uv.

Each dry run must run the project's tests the project's way (the tests record their
runner in a file), leave ``git status`` empty, and stop on broken packaging metadata:
the package check runs beside the tests, and its failure stops them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.helpers.cli import Result, releasekit
from tests.helpers.gateproj import GITIGNORE, gate_project, records
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.noxrun import tool_env
from tests.helpers.pypi import LocalIndex, pypiserver
from tests.helpers.releaseproj import Project, step_mark
from tests.helpers.releasing import isolate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """One local index standing in for both TestPyPI and PyPI: a dry run only reads them."""
    with pypiserver(tmp_path_factory.mktemp("index"), name="index") as server:
        yield server


def dry_run(project: Project, index: LocalIndex, record: Path, *args: str) -> Result:
    env = tool_env(
        {
            "RELEASEKIT_TEST_UPLOAD_URL": index.upload_url,
            "RELEASEKIT_TEST_SIMPLE_URL": index.simple_url,
            "RELEASEKIT_UPLOAD_URL": index.upload_url,
            "RELEASEKIT_SIMPLE_URL": index.simple_url,
            "GATE_RECORD": str(record),
        }
    )
    return releasekit("release", "--dry-run", *args, cwd=project.root, env=env)


def assert_clean(project: Project) -> None:
    assert git(project.root, "status", "--porcelain") == ""


class FirstRun(NamedTuple):
    """A project after its first dry run: what it printed, recorded and left."""

    project: Project
    record: Path
    result: Result
    lines: list[str]  # records(record) right after the run
    status: str  # git status --porcelain right after the run


# The projects whose first dry run two tests share: one test reads it, test_a_second_run_reuses_what_the_first_built
# goes on from it in the same checkout (its second run needs the environments the first built).
SHARED_FIRST_RUNS: dict[str, dict[str, object]] = {
    "tox-ini": {"runner": "tox-ini", "fail_under": 50},
    "nox": {"runner": "nox", "markers": ("integration",)},
}


@pytest.fixture(scope="module")
def first_runs(tmp_path_factory: pytest.TempPathFactory, index: LocalIndex) -> Callable[[str], FirstRun]:
    """The first dry run of the project of SHARED_FIRST_RUNS[runner], made once per module (per xdist worker).

    Everything the reading test asserts is taken right after the run, so the order of the two tests does not matter.
    """
    made: dict[str, FirstRun] = {}

    def first_run(runner: str) -> FirstRun:
        if runner in made:
            return made[runner]
        base = tmp_path_factory.mktemp(f"{runner}-first-run")
        with pytest.MonkeyPatch.context() as patch:
            isolate(patch, base / "home")
            project = gate_project(base, **SHARED_FIRST_RUNS[runner])  # type: ignore[arg-type]
            if runner == "nox":
                (project.root / ".nox").mkdir()  # this noxfile's sessions make no venv; nox's own would make .nox/
            record = base / "record.txt"
            result = dry_run(project, index, record)
            made[runner] = FirstRun(
                project, record, result, records(record), git(project.root, "status", "--porcelain")
            )
        return made[runner]

    return first_run


@pytest.mark.parametrize("runner", ["tox-ini", "tox-toml"])
def test_tox_project_runs_its_own_envs(
    tmp_path: Path, index: LocalIndex, runner: str, first_runs: Callable[[str], FirstRun]
) -> None:
    if runner in SHARED_FIRST_RUNS:
        first = first_runs(runner)
        result, lines, status = first.result, first.lines, first.status
    else:
        project = gate_project(tmp_path, runner=runner, fail_under=50)
        record = tmp_path / "record.txt"
        result = dry_run(project, index, record)
        lines, status = records(record), git(project.root, "status", "--porcelain")
    assert result.returncode == 0, result.output
    # tests: a plain `tox` (env py); integration: the project's env of that name; coverage: the fallback.
    assert "unit py coverage-outside-tree=True" in lines
    assert "integration integration coverage-outside-tree=True" in lines
    assert "tests: passed (tox -e py)" in result.stdout
    assert "integration: passed (tox -e integration)" in result.stdout
    assert "benchmark: passed (pytest -m benchmark)" in result.stdout
    assert "coverage: passed: " in result.stdout and "threshold 50 %" in result.stdout
    assert "docs: not configured: no docs/conf.py" in result.stdout
    assert status == ""


def test_nox_project_runs_its_sessions(first_runs: Callable[[str], FirstRun]) -> None:
    first = first_runs("nox")
    result, lines, status = first.result, first.lines, first.status
    assert result.returncode == 0, result.output
    assert "unit tests coverage-outside-tree=True" in lines
    assert "integration integration coverage-outside-tree=True" in lines
    assert "tests: passed (nox -s tests)" in result.stdout
    assert "benchmark: not configured: the project declares no 'benchmark' pytest marker" in result.stdout
    # No threshold anywhere: the figure is reported, not enforced, and the summary says so.
    assert "coverage: " in result.stdout and "no threshold configured: reported, not enforced" in result.stdout
    assert status == ""


# Next to the tests whose first run it goes on from: the module goes whole to one xdist worker, its fixture too.
@pytest.mark.parametrize(
    ("runner", "reused"), [("nox", "reusing nox's tests environment"), ("tox-ini", "reusing tox's")]
)
def test_a_second_run_reuses_what_the_first_built(
    index: LocalIndex, runner: str, reused: str, first_runs: Callable[[str], FirstRun]
) -> None:
    # The dry run builds the environments; the next run with the same inputs installs nothing again.
    # The first run of test_tox_project_runs_its_own_envs[tox-ini] or test_nox_project_runs_its_sessions: the same.
    shared = first_runs(runner)
    project, record, first = shared.project, shared.record, shared.result
    assert first.returncode == 0, first.output
    assert "reusing" not in first.stdout
    second = dry_run(project, index, record)
    assert second.returncode == 0, second.output
    assert reused in second.stdout, second.stdout
    # A changed input (the project's metadata) means a normal run again.
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# changed\n")
    commit_all(project.root, "Change the metadata")
    git(project.root, "push", "-q", "origin", "main")
    third = dry_run(project, index, record)
    assert third.returncode == 0, third.output
    assert "reusing" not in third.stdout, third.stdout
    assert_clean(project)


def test_plain_project_with_strict_markers_and_a_dependency_group(tmp_path: Path, index: LocalIndex) -> None:
    # No nox, no tox, no integration marker under --strict-markers; test requirements in a PEP 735 group.
    project = gate_project(tmp_path, markers=("benchmark",), requirements="group", fail_under=100)
    record = tmp_path / "record.txt"
    result = dry_run(project, index, record)
    # The project's own threshold of 100 % is enforced: unused() is never called.
    assert result.returncode == 1, result.output
    assert "the coverage gate (pytest -m 'not benchmark') failed (exit code 1)" in result.stderr
    assert "Required test coverage of 100% not reached" in result.stderr
    # A dry run keeps the gate's log outside the repository; the failure names it.
    log = Path(result.stderr.split("; full output: ", 1)[1].split("\n", 1)[0])
    assert log.name == "coverage.log" and "Required test coverage" in log.read_text()
    assert project.root not in log.parents
    assert "tests: passed (pytest -m 'not benchmark')" in result.stdout
    assert "integration: not configured: the project declares no 'integration' pytest marker" in result.stdout
    assert "benchmark: passed (pytest -m benchmark)" in result.stdout
    assert records(record)[:2] == [
        "benchmark pytest coverage-outside-tree=True",
        "unit pytest coverage-outside-tree=True",
    ]
    assert_clean(project)


def test_skip_and_gates_mapping_are_shown_and_honoured(tmp_path: Path, index: LocalIndex) -> None:
    mapping = '\n[tool.releasekit.gates]\ncoverage = false\nexamples = ["python", "-c", "print(42)"]\n'
    project = gate_project(tmp_path, extra_pyproject=mapping)
    record = tmp_path / "record.txt"
    result = dry_run(project, index, record, "--skip", "integration,benchmark")
    assert result.returncode == 0, result.output
    assert records(record) == ["unit pytest coverage-outside-tree=True"]
    out = result.stdout
    assert "Skipping (--skip, they ran elsewhere): integration, benchmark" in out
    assert "integration: skipped (--skip: it ran elsewhere)" in out
    assert "coverage: off ([tool.releasekit.gates])" in out
    assert "examples: passed (python -c 'print(42)')" in out
    plan = out[out.index("Gates:") :]
    for line in ("package: passed", "tests: passed", "benchmark: skipped (--skip", "docs: not configured"):
        assert line in plan, plan
    assert_clean(project)


def test_no_tests_is_a_finding_that_says_how(tmp_path: Path, index: LocalIndex) -> None:
    project = gate_project(tmp_path, tests=False)
    result = dry_run(project, index, tmp_path / "record.txt")
    assert result.returncode == 1, result.output
    assert "pyproject.toml:1:1: the tests gate runs nothing (no tests found" in result.stderr
    assert '[tool.releasekit.gates] tests = "nox:SESSION"' in result.stderr
    assert_clean(project)


@pytest.mark.parametrize("runner", ["tox-ini", "tox-toml", "nox", "none"])
def test_broken_metadata_stops_the_tests(tmp_path: Path, index: LocalIndex, runner: str) -> None:
    # setup.py with a Markdown long_description and no content type: twine check --strict refuses it.
    setup = (
        "from setuptools import setup\n\n"
        "setup(\n    name={name!r},\n    version='0.1.0',\n    long_description=open('README.md').read(),\n"
        "    packages=[{module!r}],\n    package_dir={{'': 'src'}},\n"
        "    extras_require={{'testing': ['pytest>=8', 'pytest-cov>=5']}},\n)\n"
    )
    project = gate_project(tmp_path, runner=runner)
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('requires = ["hatchling>=1.18"]', 'requires = ["setuptools>=64"]')
    text = text.replace('build-backend = "hatchling.build"', 'build-backend = "setuptools.build_meta"')
    head, rest = text.split("[project]\n", 1)
    rest = rest[rest.index("\n[tool.hatch") :]
    text = head + rest.replace('[tool.hatch.build.targets.wheel]\npackages = ["src/', "# src/", 1)
    text = text.replace("[project.optional-dependencies]\ntesting", "[tool.releasekit]\n# testing")
    pyproject_entry = 'filename = "pyproject.toml"\nsearch = \'version = "{current_version}"\'\n'
    pyproject_entry += "replace = 'version = \"{new_version}\"'"
    setup_entry = 'filename = "setup.py"\nsearch = "version=\'{current_version}\'"\n'
    setup_entry += "replace = \"version='{new_version}'\""
    text = text.replace(pyproject_entry, setup_entry)
    write_files(
        project.root,
        {
            "pyproject.toml": text,
            "setup.py": setup.format(name=project.name, module=project.module),
            "README.md": "# Title\n\nSome *Markdown* with a [link](https://example.invalid).\n",
            # A setuptools project ignores what its in-tree builds (tox's) leave.
            ".gitignore": GITIGNORE + "build/\n",
            # The tests would pass, slowly: the package check's failure comes first and stops them.
            "tests/test_slow.py": "import time\n\n\ndef test_slow():\n    time.sleep(120)\n",
        },
    )
    commit_all(project.root, "setup.py without long_description_content_type")
    git(project.root, "push", "-q", "origin", "main")
    record = tmp_path / "record.txt"
    result = dry_run(project, index, record)
    assert result.returncode == 1, result.output
    assert "setup.py:1:1: twine check --strict: `long_description_content_type` missing" in result.stderr
    assert 'fix: declare the README\'s type: readme = "README.md" in [project]' in result.stderr
    # The tests started beside the package check; its failure stopped them (a quick phase may have passed first).
    assert f"{step_mark('tests')}: skipped (stopped: Package check" in result.stdout
    assert f"{step_mark('tests')}: ok" not in result.stdout
    assert_clean(project)


def test_tox_release_env_from_the_plugin(tmp_path: Path, index: LocalIndex) -> None:
    project = gate_project(tmp_path, runner="tox-ini")
    assert "releasekit" not in (project.root / "tox.ini").read_text()
    record = tmp_path / "record.txt"
    env = tool_env(
        {
            "RELEASEKIT_TEST_UPLOAD_URL": index.upload_url,
            "RELEASEKIT_TEST_SIMPLE_URL": index.simple_url,
            "RELEASEKIT_UPLOAD_URL": index.upload_url,
            "RELEASEKIT_SIMPLE_URL": index.simple_url,
            "GATE_RECORD": str(record),
        }
    )
    tox = [sys.executable, "-m", "tox"]
    listed = subprocess.run([*tox, "list"], cwd=project.root, env=env, capture_output=True, text=True, check=False)
    assert "release " in listed.stdout and "hotfix " in listed.stdout, listed.stdout + listed.stderr
    proc = subprocess.run(
        [*tox, "-e", "release", "--", "patch", "--dry-run", "--skip", "benchmark"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"would publish {project.name} 0.1.1 as v0.1.1" in out
    assert "tests: passed (tox -e py)" in out and "benchmark: skipped (--skip" in out
    assert "unit py coverage-outside-tree=True" in records(record)
    assert git(project.root, "status", "--porcelain") == ""  # .tox/ is ignored, as in any tox project
    assert os.path.isdir(project.root / ".tox" / "release")


def test_fallback_step_directly_marker_without_tests_and_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from releasekit import config
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.gateproj import RECORDING_TESTS

    # The timeout holds for every gate: 8 s is 3 times the slowest pytest gate here at a load of 12 on 2 cores
    # (2.6 s); the coverage run, which must end before the docs gate beside it times out, took 1.3 s there.
    slow_docs = '\n[tool.releasekit.gates]\ndocs = ["python", "-c", "import time; time.sleep(300)"]\ntimeout = 8\n'
    project = gate_project(tmp_path, extra_pyproject=slow_docs)
    # Both markers declared, no test carries them: pytest exits 5, which is no failure for a marker phase.
    write_files(project.root, {"tests/test_it.py": RECORDING_TESTS.format(module=project.module)})
    commit_all(project.root, "Only unit tests")
    monkeypatch.setenv("GATE_RECORD", str(tmp_path / "record.txt"))
    cfg = config.load(project.root)
    notes: list[str] = []
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch", note=notes.append)
    (tmp_path / "scratch").mkdir()
    with pytest.raises(
        StepFailed, match=r"the docs gate \(python -c 'import time; time.sleep\(300\)'\) failed \(timed out\)"
    ):
        run_tests(ctx)
    assert "integration: no test selected (pytest -m integration: exit code 5)" in notes
    assert "benchmark: no test selected (pytest -m benchmark: exit code 5)" in notes
    assert any(note.startswith("coverage: 80.0 %, no threshold configured") for note in notes), notes
    assert_clean(project)


def test_fallback_docs_and_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from releasekit import config
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.releaseproj import make_project

    record = tmp_path / "record.txt"
    example = "import os\nopen(os.environ['GATE_RECORD'], 'a').write('example ran\\n')\n"
    docs = {"docs/conf.py": "project = 'demo'\n", "docs/index.rst": "Demo\n====\n\nThe docs.\n"}
    project = make_project(tmp_path, extra_files={"examples/hello.py": example, **docs})
    monkeypatch.setenv("GATE_RECORD", str(record))
    cfg = config.load(project.root)
    notes: list[str] = []
    (tmp_path / "scratch").mkdir()
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch", note=notes.append)
    run_tests(ctx)
    assert "docs: passed (sphinx-build -W --keep-going -q -b html docs)" in notes
    assert "examples: passed (python examples/hello.py)" in notes
    assert records(record) == ["example ran"]
    assert_clean(project)
    # -W: a warning in the docs fails the gate.
    write_files(project.root, {"docs/index.rst": "Demo\n====\n\n.. toctree::\n\n   missing\n"})
    commit_all(project.root, "A toctree entry to nowhere")
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch", note=notes.append)
    with pytest.raises(StepFailed, match=r"the docs gate \(sphinx-build -W --keep-going -q -b html docs\) failed"):
        run_tests(ctx)
