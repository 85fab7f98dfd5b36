"""The release's tests step on a real project under real nox: a passing session, a failing one, one not configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.errors import StepFailed
from releasekit.release.context import Context
from releasekit.release.runner import begin
from releasekit.release.steps.tests import run_tests
from tests.helpers.releaseproj import configured_project as _project

pytestmark = pytest.mark.integration


def test_tests_step_runs_sessions_and_reports_a_failing_one(tmp_path: Path) -> None:
    noxfile = (
        "import nox\n\n@nox.session(venv_backend='none')\ndef tests(session):\n    pass\n\n"
        "@nox.session(venv_backend='none', default=False)\ndef coverage(session):\n    session.error('below 90')\n"
    )
    # One phase at a time: side by side, the failing coverage would stop the tests before they pass.
    one = "\n[tool.releasekit.gates]\njobs = 1\n"
    project, cfg = _project(tmp_path, extra_pyproject=one, extra_files={"noxfile.py": noxfile})
    notes: list[str] = []
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path, note=notes.append)
    with pytest.raises(StepFailed, match=r"the coverage gate \(nox -s coverage\) failed \(exit code 1\)"):
        run_tests(ctx)
    assert "tests: running nox -s tests" in notes and "tests: passed (nox -s tests)" in notes
    # No nox session, no tox env, and no test module for pytest: shown as not configured.
    assert any(note.startswith("integration: not configured: no tests found") for note in notes), notes


VERSION_TEST = """\
import importlib.metadata

import {module}


def test_the_installed_version_is_the_code_s():
    assert importlib.metadata.version("{name}") == {module}.__version__
"""


def test_a_bump_alone_reuses_the_editable_sessions_and_a_lagging_version_is_installed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    from releasekit.config import load
    from tests.helpers.gitrepo import commit_all
    from tests.helpers.noxrun import tool_overrides

    for key, value in tool_overrides().items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    noxfile = (
        "import nox\n\n@nox.session(venv_backend='uv')\ndef tests(session):\n"
        "    session.install('-e', '.', 'pytest')\n    session.run('pytest', '-q', '-p', 'no:cacheprovider')\n"
    )
    gates = "\n[tool.releasekit.gates]\ncoverage = false\n"
    project, _ = _project(tmp_path, extra_pyproject=gates, extra_files={"noxfile.py": noxfile})
    (project.root / "tests").mkdir()
    test = VERSION_TEST.format(module=project.module, name=project.name)
    (project.root / "tests" / "test_version.py").write_text(test)
    commit_all(project.root, "A test of the installed version")

    def tests_step() -> list[str]:
        config = load(project.root)
        notes: list[str] = []
        ctx = Context(config, project.root / ".git", begin(config, "patch")[0], tmp_path / "w", note=notes.append)
        (tmp_path / "w").mkdir(exist_ok=True)
        run_tests(ctx)
        return notes

    first = tests_step()
    assert "tests: passed (nox -s tests)" in first and not any("reusing" in note for note in first), first
    # What a release does to the files: bump-my-version writes the new version, nothing else changes.
    bump = [sys.executable, "-m", "bumpversion", "bump", "--new-version", "0.2.0", "--no-commit", "--no-tag", "patch"]
    subprocess.run(bump, cwd=project.root, check=True, capture_output=True)
    commit_all(project.root, "Release 0.2.0")
    second = tests_step()
    reused = "tests: reusing nox's tests environment (only the version changed; the project is editable)"
    assert reused in second, second
    # The kept environment's metadata says 0.1.0: that test fails there, and passes once installed again.
    assert "tests: failed in tests's kept environment; running it again, installed" in second, second
    assert "tests: passed (nox -s tests)" in second
    third = tests_step()
    assert "tests: reusing nox's tests environment (its inputs are unchanged)" in third, third
    assert not any("again" in note for note in third), third
