"""The command line: help, version, dispatch and the one-line error contract."""

from __future__ import annotations

from pathlib import Path

import pytest

import releasekit
from releasekit.cli import main
from tests.helpers.cli import releasekit as run_releasekit
from tests.helpers.gitrepo import git
from tests.helpers.projects import seed_repo


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"releasekit {releasekit.__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "release", "hotfix", "support", "notes"):
        assert command in out


def test_console_script_runs(tmp_path: Path) -> None:
    result = run_releasekit("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"releasekit {releasekit.__version__}"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "nothing"])
    assert info.value.code == 2


def test_directory_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seed_repo(tmp_path / "seed")
    assert main(["-C", str(repo), "check", "versions"]) == 0
    assert main(["-C", str(tmp_path / "missing"), "check", "versions"]) == 2
    assert "missing: cannot change into it" in capsys.readouterr().err


def test_support_table_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seed_repo(tmp_path / "seed")
    assert main(["-C", str(repo), "support"]) == 0
    assert "no release tags" in capsys.readouterr().out
    for tag in ("v1.0.0", "v1.1.0", "v1.2.0", "v1.2.3"):
        git(repo, "tag", tag)
    assert main(["-C", str(repo), "support"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["line", "latest", "support"]
    assert [line.split() for line in lines[1:]] == [
        ["1.2", "1.2.3", "full"],
        ["1.1", "1.1.0", "security"],
        ["1.0", "1.0.0", "none"],
    ]


def test_release_names_a_bad_version_before_asking_for_a_terminal(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    for spec, message in (("foo", "'foo': expected major, minor, patch"), ("1.2.0", "is not higher than")):
        result = run_releasekit("release", spec, cwd=repo)  # no terminal here, and no --yes
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr
    assert "no terminal to confirm" in run_releasekit("release", "patch", cwd=repo).stderr
