"""``python -m releasekit.changelog.towncrier_config``: the recommended configuration, and bad pyproject.toml files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from tests.helpers.adoption import legacy_files
from tests.helpers.gitrepo import git, make_repo

MODULE = "releasekit.changelog.towncrier_config"


def print_config(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the module as the docs tell users to, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", MODULE, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )


def test_a_legacy_project_without_a_project_table_takes_origin_s_url(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "oldpkg", legacy_files(), branch="master")  # setup.py holds the metadata
    git(repo, "remote", "add", "origin", "git@github.com:owner/oldpkg.git")
    result = print_config(repo)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    table = tomllib.loads(result.stdout)["tool"]["towncrier"]
    assert table["issue_format"] == "[#{issue}](https://github.com/owner/oldpkg/issues/{issue})"


@pytest.mark.parametrize(
    ("pyproject", "line"),
    [
        ("project = 5\n", "pyproject.toml: project must be a table, not 5"),
        ('project = "oldpkg"\n', "pyproject.toml: project must be a table, not 'oldpkg'"),
        ("project = [1, 2]\n", "pyproject.toml: project must be a table, not [1, 2]"),
        (
            '[project]\nname = "oldpkg"\nurls = "https://github.com/owner/oldpkg"\n',
            "pyproject.toml: [project] urls must be a table of strings, not 'https://github.com/owner/oldpkg'",
        ),
        (
            '[project]\nname = "oldpkg"\n[project.urls]\nSource = 5\n',
            "pyproject.toml: [project.urls] Source must be a string, not 5",
        ),
        (
            '[project]\nname = "oldpkg"\n[project.urls]\n"Source Code" = ["https://github.com/owner/oldpkg"]\n',
            "pyproject.toml: [project.urls] 'Source Code' must be a string, not ['https://github.com/owner/oldpkg']",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_one_line_and_exit_2(tmp_path: Path, pyproject: str, line: str) -> None:
    repo = make_repo(tmp_path / "oldpkg", {**legacy_files(), "pyproject.toml": pyproject}, branch="master")
    result = print_config(repo)
    assert result.returncode == 2
    assert result.stderr == f"releasekit: error: {line}\n"
    assert result.stdout == ""


def test_nothing_is_appended_to_a_pyproject_it_cannot_read(tmp_path: Path) -> None:
    """The docs' ``python -m ... >> pyproject.toml`` leaves a file it refuses as it was."""
    repo = make_repo(tmp_path / "oldpkg", {**legacy_files(), "pyproject.toml": "project = 5\n"}, branch="master")
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as appended:
        proc = subprocess.run(
            [sys.executable, "-m", MODULE], cwd=repo, stdout=appended, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert proc.returncode == 2
    assert proc.stderr == "releasekit: error: pyproject.toml: project must be a table, not 5\n"
    assert (repo / "pyproject.toml").read_text(encoding="utf-8") == "project = 5\n"


def test_a_pyproject_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('[project]\nname = "x"\n[project.urls]\nSource = "https://github.com/other/x"\n')
    repo = make_repo(tmp_path / "oldpkg", {k: v for k, v in legacy_files().items() if k != "pyproject.toml"})
    (repo / "pyproject.toml").symlink_to(outside)
    result = print_config(repo)
    assert result.returncode == 2
    assert result.stderr == (
        f"releasekit: error: {repo / 'pyproject.toml'}: is a symlink leading outside the repository; it is not read\n"
    )
    assert result.stdout == ""
