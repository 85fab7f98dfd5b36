"""releasekit's own nox sessions run by the release in one shared environment; a project's own one under nox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from releasekit.config import load
from releasekit.errors import StepFailed
from releasekit.release import gates, sharedenv
from releasekit.release.context import Context
from releasekit.release.runner import begin
from releasekit.release.steps.tests import run_tests
from tests.helpers.gateproj import gate_project, records
from tests.helpers.gitrepo import commit_all
from tests.helpers.noxrun import tool_overrides
from tests.test_release_runner_nox import VERSION_TEST

pytestmark = pytest.mark.integration

REGISTERED = "import nox\nimport releasekit.nox\n\nreleasekit.nox.register()\n"
OWN_TESTS = """
@nox.session(venv_backend="none")
def tests(session):
    session.log("the project's own tests session")
"""


@pytest.fixture
def tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """uv's real cache, no inherited virtualenv; the file the projects' tests record into."""
    for key, value in tool_overrides().items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    record = tmp_path / "record.txt"
    monkeypatch.setenv("GATE_RECORD", os.fspath(record))
    return record


def run_step(root: Path, work: Path) -> list[str]:
    config = load(root)
    notes: list[str] = []
    work.mkdir(exist_ok=True)
    ctx = Context(config, root / ".git", begin(config, "patch")[0], work, note=notes.append)
    try:
        run_tests(ctx)
    except StepFailed as exc:
        notes.append(f"FAILED {exc}")
    return notes


def test_a_session_the_project_defines_runs_through_nox_the_registered_ones_shared(tmp_path: Path) -> None:
    plain = gate_project(tmp_path / "plain", extra_files={"noxfile.py": REGISTERED}).root
    assert gates.nox_listing(plain)["tests"] == {sharedenv.TAG}
    chosen = {gate.phase: gate.runner for gate in gates.resolve(plain, load(plain).gates)}
    assert chosen["tests"] == chosen["coverage"] == chosen["examples"] == "shared", chosen
    # The project's own tests session, defined after register(), wins and keeps running through nox.
    own = gate_project(tmp_path / "own", extra_files={"noxfile.py": REGISTERED + OWN_TESTS}).root
    chosen = {gate.phase: gate.runner for gate in gates.resolve(own, load(own).gates)}
    assert chosen["tests"] == "nox" and chosen["coverage"] == "shared", chosen
    # register() with extras of its own: the release cannot know the sessions' installs, nox runs them.
    extras = gate_project(
        tmp_path / "extras", extra_files={"noxfile.py": REGISTERED.replace("register()", "register(extras=['x'])")}
    ).root
    assert gates.nox_listing(extras)["tests"] == set()
    # Mapped explicitly to the session: nox runs it.
    mapped = '\n[tool.releasekit.gates]\ntests = "nox:tests"\n'
    explicit = gate_project(tmp_path / "mapped", extra_files={"noxfile.py": REGISTERED}, extra_pyproject=mapped).root
    chosen = {gate.phase: gate.runner for gate in gates.resolve(explicit, load(explicit).gates)}
    assert chosen["tests"] == "nox" and chosen["integration"] == "shared", chosen


def test_the_phases_run_in_one_environment_kept_across_a_bump_and_own_sessions_under_nox(
    tmp_path: Path, tools: Path
) -> None:
    import subprocess
    import sys

    project = gate_project(tmp_path / "p", fail_under=50, extra_files={"noxfile.py": REGISTERED + OWN_TESTS})
    root = project.root
    (root / "tests" / "test_version.py").write_text(VERSION_TEST.format(module=project.module, name=project.name))
    commit_all(root, "A test of the installed version")
    first = run_step(root, tmp_path / "w1")
    assert not any(note.startswith("FAILED") for note in first), first
    assert "tests: passed (nox -s tests)" in first, first  # the project's own session, under nox
    shared = "releasekit's nox -s {}, in the shared environment"
    # The coverage run selects the integration tests too: they run there, once, not in a run of their own.
    assert f"integration: passed (in the coverage run: {shared.format('coverage')})" in first, first
    assert any(n.startswith("coverage: passed: ") and "threshold 50 %" in n for n in first), first
    assert any(n.startswith("creating the shared test environment") for n in first), first
    # What ran where: the project's unit test under nox's own session (no venv), the others as nox names them.
    ran = records(tools)
    assert ran.count("integration coverage coverage-outside-tree=True") == 1, ran
    assert not any(line.startswith("integration integration") for line in ran), ran
    assert "unit coverage coverage-outside-tree=True" in ran and "benchmark benchmark coverage-outside-tree=True" in ran
    assert (root / ".nox" / sharedenv.NAME).is_dir()
    # A bump alone: the environment is kept, only the project is installed again.
    bump = [sys.executable, "-m", "bumpversion", "bump", "--new-version", "0.2.0", "--no-commit", "--no-tag", "patch"]
    subprocess.run(bump, cwd=root, check=True, capture_output=True)
    commit_all(root, "Release 0.2.0")
    second = run_step(root, tmp_path / "w2")
    assert not any(note.startswith("FAILED") for note in second), second
    assert any("only the version changed; the project is editable" in note for note in second), second
    assert not any(n.startswith("creating the shared") for n in second), second
    # Its metadata said 0.1.0: the coverage phase failed there, and passed once the project alone was installed again.
    assert "coverage: failed in the kept shared environment; installing the project again" in second, second
    assert any(n.startswith("coverage: passed: ") for n in second), second
    third = run_step(root, tmp_path / "w3")
    assert any("reusing the shared test environment" in n and "unchanged" in n for n in third), third


def test_a_failing_test_in_the_shared_environment_fails_the_gate_and_shows_it(tmp_path: Path, tools: Path) -> None:
    failing = "\n\n@pytest.mark.integration\ndef test_broken_on_purpose():\n    assert 1 + 1 == 3\n"
    project = gate_project(tmp_path / "p", extra_files={"noxfile.py": REGISTERED})
    test_file = project.root / "tests" / "test_it.py"
    test_file.write_text(test_file.read_text() + failing)
    commit_all(project.root, "A failing integration test")
    notes = run_step(project.root, tmp_path / "w")
    failed = next(note for note in notes if note.startswith("FAILED"))
    # The coverage run, which stands for the integration phase, failed: the phase ran on its own to say so.
    assert "integration: running it on its own, to see which phase failed" in notes, notes
    assert "the integration gate (releasekit's nox -s integration, in the shared environment) failed" in failed
    assert "test_broken_on_purpose" in failed and "full output: " in failed, failed
    # A failure forgets the environment's record: the next run builds it again.
    assert sharedenv.NAME not in (project.root / ".nox" / ".releasekit-envs.json").read_text()
