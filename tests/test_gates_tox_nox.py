"""The gates under real tox and nox: their listings, a project's own release env, skipped envs and sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config
from releasekit.release import gates
from tests.helpers.gateproj import BASE, gate_project
from tests.helpers.gitrepo import make_repo

pytestmark = pytest.mark.integration


def test_real_tox_and_nox_listings(tmp_path: Path) -> None:
    toml = gate_project(tmp_path / "toml", runner="tox-toml").root
    default, listed = gates.tox_envs(toml)  # one `tox list`
    assert default == ["py"] and "integration" in listed
    in_pyproject = make_repo(
        tmp_path / "pyproject",
        {"pyproject.toml": BASE + '[tool.tox]\nenv_list = ["lint"]\n[tool.tox.env.lint]\ncommands = [["true"]]\n'},
    )
    assert gates.has_tox_config(in_pyproject) and gates.tox_envs(in_pyproject)[0] == ["lint"]
    nox = gate_project(tmp_path / "nox", runner="nox").root
    assert gates.nox_sessions(nox) == {"tests", "integration"}
    assert gates.nox_sessions(toml) == set() and not gates.has_tox_config(nox)


def test_a_release_env_the_project_defines_wins_over_the_plugins(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.helpers.noxrun import tool_env

    own = "[tox]\nenv_list = py\n\n[testenv:release]\nskip_install = true\ncommands = python -c \"print('OWN')\"\n"
    root = make_repo(tmp_path, {"pyproject.toml": BASE, "tox.ini": own})
    proc = subprocess.run(
        [sys.executable, "-m", "tox", "-e", "release"], cwd=root, env=tool_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OWN" in proc.stdout and "releasekit release" not in proc.stdout


def test_skip_passes_through_the_nox_release_session(tmp_path: Path) -> None:
    from tests.helpers.noxrun import run_nox

    noxfile = "import nox\nimport releasekit.nox\n\nreleasekit.nox.register()\n"
    root = make_repo(tmp_path, {"pyproject.toml": BASE, "noxfile.py": noxfile})
    proc = run_nox(root, "-s", "release", "--", "patch", "--dry-run", "--skip", "benchmark,docz")
    assert proc.returncode != 0
    assert "releasekit: error: --skip docz: no such phase; phases are package, tests" in proc.stdout + proc.stderr


TOX_PY27 = """\
[tox]
env_list = py, py27
skip_missing_interpreters = true

[testenv]
skip_install = true
commands = python -c "print('ran')"

[testenv:integration]
basepython = python2.7
"""


def test_tox_envs_skipped_for_a_missing_interpreter_are_shown_and_never_a_pass(tmp_path: Path) -> None:
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.releaseproj import make_project

    project = make_project(tmp_path, extra_files={"tox.ini": TOX_PY27, ".gitignore": ".tox/\n"})
    cfg = config.load(project.root)
    notes: list[str] = []
    (tmp_path / "scratch").mkdir()
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch", note=notes.append)
    # tox itself fails when every environment it was asked for is skipped.
    with pytest.raises(StepFailed, match=r"the integration gate \(tox -e integration\) failed \(exit code 1\)"):
        run_tests(ctx)
    assert "tests: passed (tox -e py,py27; tox skipped py27)" in notes


def test_a_nox_tests_session_that_skips_itself_is_no_pass(tmp_path: Path) -> None:
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.releaseproj import make_project

    noxfile = "import nox\n\n@nox.session(venv_backend='none')\ndef tests(session):\n    session.skip('not today')\n"
    project = make_project(tmp_path, extra_files={"noxfile.py": noxfile, ".gitignore": ".nox/\n"})
    cfg = config.load(project.root)
    (tmp_path / "scratch").mkdir()
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch")
    with pytest.raises(StepFailed, match=r"the tests gate \(nox -s tests\) ran nothing: the session skipped itself"):
        run_tests(ctx)
