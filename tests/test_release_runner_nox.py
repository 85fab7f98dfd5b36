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
    project, cfg = _project(tmp_path, extra_files={"noxfile.py": noxfile})
    notes: list[str] = []
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path, note=notes.append)
    with pytest.raises(StepFailed, match=r"the coverage gate \(nox -s coverage\) failed \(exit code 1\)"):
        run_tests(ctx)
    assert "tests: running nox -s tests" in notes and "tests: passed (nox -s tests)" in notes
    # No nox session, no tox env, and no test module for pytest: shown as not configured.
    assert any(note.startswith("integration: not configured: no tests found") for note in notes), notes
