"""Emergency releases under real nox: the tests step's expedited sessions and the nox release session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from releasekit.release.runner import begin
from releasekit.release.steps.tests import run_tests
from tests.helpers.emergency import emergency_project as _emergency_project
from tests.helpers.emergency import step_context as _ctx

pytestmark = pytest.mark.integration


NOXFILE = """\
import os
import nox

for name in ("tests", "benchmark"):
    @nox.session(name=name, venv_backend="none")
    def session(session, name=name):
        open(os.path.join(os.environ["MARKER_DIR"], name), "w").close()
"""


def test_tests_step_skips_benchmarks_only_in_an_emergency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, cfg = _emergency_project(tmp_path, extra_files={"noxfile.py": NOXFILE})
    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("MARKER_DIR", str(markers))
    notes: list[str] = []
    detail = run_tests(_ctx(cfg, begin(cfg, "patch", security="high")[0], tmp_path, notes))
    assert sorted(os.listdir(markers)) == ["tests"]
    assert "benchmark: skipped (an emergency release is expedited)" in notes
    assert detail.startswith("ran tests; not run: integration, benchmark")
    run_tests(_ctx(cfg, begin(cfg, "patch")[0], tmp_path, notes))
    assert sorted(os.listdir(markers)) == ["benchmark", "tests"]


def test_nox_release_session_passes_security_through(tmp_path: Path) -> None:
    from tests.helpers.noxrun import run_nox

    noxfile = "import nox\nimport releasekit.nox\n\nreleasekit.nox.register()\n"
    project, _ = _emergency_project(
        tmp_path, fragments={"+crash.bugfix.md": "No crash."}, extra_files={"noxfile.py": noxfile}
    )
    proc = run_nox(project.root, "-s", "release", "--", "patch", "--security", "critical", "--yes")
    assert proc.returncode != 0
    assert "needs at least one security fragment in changelog.d/" in proc.stdout + proc.stderr
