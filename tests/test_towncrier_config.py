"""``python -m releasekit.changelog.towncrier_config``: the recommended configuration, and bad pyproject.toml files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

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


# Entries of [[tool.towncrier.type]]: with a name, a directory, both, or neither.
TYPE_ENTRIES = [
    {"name": "Added"},
    {"directory": "added"},
    {"directory": "fixed", "name": "Fixed"},
    {"showcontent": False},
    {"name": "Security", "directory": "security", "check": False},
]
FRAGMENT_TABLES: list[dict[str, object] | None] = [None, {}, {"chore": {}}, {"feature": {"name": "New"}}]


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.one_of(st.none(), st.lists(st.sampled_from(TYPE_ENTRIES), max_size=4)),
    st.sampled_from(FRAGMENT_TABLES),
)
def test_towncrier_s_types_loaded_or_refused_as_towncrier_does(
    entries: list[dict[str, object]] | None, fragment: dict[str, object] | None
) -> None:
    """towncrier fails (KeyError: 'name') on a nameless type exactly when it reads the array; releasekit too."""
    from towncrier._settings.load import parse_toml

    from releasekit.changelog.fragments_config import fragments_config
    from releasekit.errors import ReleasekitError

    table: dict[str, object] = {"directory": "changelog.d", "filename": "CHANGELOG.md"}
    if entries is not None:
        table["type"] = entries
    if fragment is not None:
        table["fragment"] = fragment
    try:
        types = parse_toml(".", {"tool": {"towncrier": table}}).types
    except KeyError:
        types = None
    try:
        ours = fragments_config(table, Path("pyproject.toml")).types
    except ReleasekitError as exc:
        assert types is None, exc
        assert "has no name" in str(exc) and "\n" not in str(exc)
        return
    assert types is not None
    assert {t.directory: (t.name, t.showcontent, t.check) for t in ours} == {
        directory: (value["name"], value["showcontent"], value["check"]) for directory, value in types.items()
    }


NAMELESS = """\
[project]
name = "nameless"
version = "1.0.0"

[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"

[[tool.towncrier.type]]
directory = "fixed"
name = "Fixed"

[[tool.towncrier.type]]
directory = "added"
"""


def test_a_nameless_type_is_refused_where_towncrier_fails(tmp_path: Path) -> None:
    """towncrier itself stops with a traceback; the hook, notes and init say which type, in one line, exit 2."""
    from tests.helpers.cli import releasekit

    repo = make_repo(tmp_path / "nameless", {"pyproject.toml": NAMELESS, "CHANGELOG.md": "# Changelog\n"})
    towncrier = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--draft", "--version", "1.0.1"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert towncrier.returncode != 0 and "KeyError: 'name'" in towncrier.stderr
    line = (
        "releasekit: error: pyproject.toml: [[tool.towncrier.type]] type 'added' has no name; towncrier cannot "
        "load it (KeyError: 'name'): add name = \"<the section title>\" to it\n"
    )
    for command in (("check", "fragments"), ("notes", "1.0.0"), ("init",)):
        result = releasekit(*command, cwd=repo)
        assert (result.returncode, result.output) == (2, line), command
    assert git(repo, "status", "--porcelain") == ""
