"""A gate's full output goes to a log; its failure names the log and the failing tests, from real pytest and tox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.release import gatelog
from tests.helpers.noxrun import tool_env

FAILING_TESTS = """\
def test_passes():
    pass


def test_breaks():
    assert 1 == 2


def test_also_breaks():
    raise RuntimeError("boom")
"""


def test_the_failing_tests_are_named_not_the_last_lines(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(FAILING_TESTS)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_it.py"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    output = proc.stdout + "\nAll done! a linter's last line\n"
    assert proc.returncode == 1
    assert gatelog.failure_lines(output) == [
        "FAILED test_it.py::test_breaks - assert 1 == 2",
        "FAILED test_it.py::test_also_breaks - RuntimeError: boom",
    ]
    log = gatelog.write(gatelog.folder(tmp_path / ".git"), "tests", output)
    assert log == tmp_path / ".git" / "releasekit" / "logs" / "tests.log"
    assert log.read_text() == output
    dry = gatelog.folder(tmp_path / ".git", dry_run=True)  # a dry run leaves the repository as it was
    assert dry.is_dir() and tmp_path not in dry.parents
    dry.rmdir()


@pytest.mark.integration
def test_tox_failing_envs_are_named_with_their_reason(tmp_path: Path) -> None:
    tox_ini = (
        "[tox]\nenv_list = good, bad\nskip_missing_interpreters = false\n\n"
        "[testenv]\nskip_install = true\npackage = skip\n\n"
        "[testenv:good]\ncommands = python -c pass\n\n"
        '[testenv:bad]\ncommands = python -c "import sys; sys.exit(3)"\n'
    )
    (tmp_path / "tox.ini").write_text(tox_ini)
    cmd = [sys.executable, "-m", "tox", "-p", "0"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=tool_env(), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode != 0
    lines = gatelog.failure_lines(proc.stdout + proc.stderr)
    assert any(line.startswith("bad: FAIL code 3") for line in lines), lines
    assert not any(line.startswith("good:") for line in lines)
