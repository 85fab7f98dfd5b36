"""The support policy: the latest minor line full support, the previous security fixes, older none."""

from __future__ import annotations

import re
from pathlib import Path

from releasekit.support import support_table
from tests.helpers.adoption import legacy_files
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git, make_repo


def test_support_table_from_tags() -> None:
    tags = ["v0.9.0", "v1.0.0", "v1.0.1", "v1.1.0", "v1.1.2", "v1.2.0rc1", "v1.1.1", "release-7", "v2.0.0a1"]
    rows = support_table(tags)
    assert [(r.line, r.latest, r.support) for r in rows] == [
        ("1.1", "1.1.2", "full"),
        ("1.0", "1.0.1", "security"),
        ("0.9", "0.9.0", "none"),
    ]


def test_support_table_previous_minor_across_a_major() -> None:
    rows = support_table(["v1.9.3", "v2.0.0", "v1.8.0"])
    assert [(r.line, r.support) for r in rows] == [("2.0", "full"), ("1.9", "security"), ("1.8", "none")]


def test_support_table_empty() -> None:
    assert support_table([]) == []


# --- releasekit support, run as users run it ---------------------------------------------------


def _tagged_project(tmp_path: Path, tags: tuple[str, ...]) -> Path:
    """The legacy project (setup.py, .bumpversion.cfg, rST changelog, tags without a v) on master,
    a commit for each release, each tagged."""
    repo = make_repo(tmp_path / "oldpkg", legacy_files(), branch="master")
    for tag in tags:
        (repo / "src" / "oldpkg" / "release.txt").write_text(f"{tag}\n", encoding="utf-8")
        commit_all(repo, f"Release {tag}")
        git(repo, "tag", "-a", tag, "-m", f"Release {tag}")
    return repo


def _columns(line: str) -> list[int]:
    """Where each word of ``line`` starts."""
    return [m.start() for m in re.finditer(r"\S+", line)]


def test_support_header_lines_up_with_the_rows(tmp_path: Path) -> None:
    repo = _tagged_project(tmp_path, ("1.9.0", "2.2.0", "2.2.1", "2.3.0", "2.3.1", "2.4.0rc1"))
    result = releasekit("support", cwd=repo)
    assert result.returncode == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "line  latest      support\n2.3   2.3.1       full\n2.2   2.2.1       security\n1.9   1.9.0       none\n"
    )
    lines = result.stdout.splitlines()
    assert {tuple(_columns(line)) for line in lines} == {(0, 6, 18)}


def test_support_columns_grow_for_a_long_line_and_version(tmp_path: Path) -> None:
    repo = _tagged_project(tmp_path, ("9.0.0", "2026.12.0", "2026.12.10001"))  # calendar versions
    result = releasekit("support", cwd=repo)
    assert result.returncode == 0, result.output
    assert result.stdout == (
        "line     latest         support\n2026.12  2026.12.10001  full\n9.0      9.0.0          security\n"
    )
    assert {tuple(_columns(line)) for line in result.stdout.splitlines()} == {(0, 9, 24)}


def test_support_without_release_tags(tmp_path: Path) -> None:
    repo = _tagged_project(tmp_path, ("2.4.0rc1",))
    result = releasekit("support", cwd=repo)
    assert (result.returncode, result.stdout, result.stderr) == (0, "no release tags (X.Y.Z) yet\n", "")
