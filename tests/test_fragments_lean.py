"""The `changelog-fragment` hook's light start: its settings record, its git call, its records and globs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasekit import gitdiff
from releasekit.checks.source_paths import source_matcher
from releasekit.errors import ReleasekitError
from releasekit.fastpath.fragment_settings import Settings, settings
from releasekit.findings import Finding
from tests.helpers.cli import imported_by_releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import age_tree, commit_all, git, write_files

# What a passing hook must not import: each costs more start-up time than the check's own work.
HEAVY = ("tomllib", "typing", "re", "subprocess", "pathlib", "argparse", "towncrier", "releasekit.config")


def _record(repo: Path) -> Path:
    return repo / ".git" / "releasekit" / "check-fragments-settings.pass"


def _run(repo: Path, *args: str, env: dict[str, str] | None = None, expect: int = 0) -> tuple[str, set[str]]:
    """Run the hook in a fresh interpreter: its output, and the modules it imported beyond Python's own start-up."""
    result, modules = imported_by_releasekit("check", "fragments", *args, cwd=repo, env=env)
    assert result.returncode == expect, result.output
    return result.output, modules


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "def answer() -> int:\n    return 43\n", "changelog.d/42.feature.md": "x\n"})
    commit_all(repo, "Answer 43")
    age_tree(repo)
    return repo


def test_a_passing_hook_reads_its_settings_from_the_record(repo: Path) -> None:
    _, modules = _run(repo)
    assert "tomllib" in modules  # nothing recorded yet: pyproject.toml is parsed
    assert _record(repo).is_file()
    second, modules = _run(repo)
    assert "adds changelog.d/42.feature.md" in second
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_a_changed_pyproject_is_read_again(repo: Path) -> None:
    _run(repo)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('directory = "changelog.d"', 'directory = "news"'))
    err, modules = _run(repo, expect=1)  # the fragment is no longer in the fragment directory
    assert "tomllib" in modules
    assert "src/demo/core.py:1:1: this changed with no changelog fragment in news/" in err


def test_no_record_when_switched_off_or_pyproject_is_fresh(repo: Path) -> None:
    _run(repo, env={"RELEASEKIT_NO_CACHE": "1"})
    assert not _record(repo).exists()
    (repo / "pyproject.toml").touch()  # written just now: its stamp could still change unseen
    _run(repo)
    assert not _record(repo).exists()


def test_a_damaged_record_is_ignored(repo: Path) -> None:
    _run(repo)
    text = _record(repo).read_text().split("\n")
    text[2] = "not hex"
    _record(repo).write_text("\n".join(text))
    err, modules = _run(repo)
    assert "tomllib" in modules and "adds changelog.d/42.feature.md" in err
    assert Settings.load("00") is None and Settings.load("zz") is None


def test_settings_survive_the_record(repo: Path) -> None:
    parsed = settings(str(repo))  # parses, and records
    assert _record(repo).is_file()
    assert Settings.load(parsed.dump()) == parsed
    assert settings(str(repo / "src" / "demo")) == parsed  # from the record, found from below the root
    assert parsed.fragments.types[0].directory == "feature" and parsed.fragments.ignore == ()


def test_run_git_reads_both_pipes_whole(tmp_path: Path) -> None:
    repo = tmp_path / "many"
    names = {f"dir{n % 7}/{'long-name-' * 8}{n:05d}.txt": "" for n in range(1500)}
    write_files(repo, names)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    code, out, err = gitdiff.run_git(repo, "diff", "--cached", "--name-only", "--", "no-such-option-needed")
    assert (code, out, err) == (0, "", "")
    code, out, err = gitdiff.run_git(repo, "ls-files", "-z")
    assert code == 0 and len(out) > 1 << 17  # more than a pipe's buffer
    assert sorted(out.rstrip("\0").split("\0")) == sorted(names)
    code, out, err = gitdiff.run_git(repo, "diff", "no-such-rev")
    assert code == 128 and out == "" and "no-such-rev" in err
    assert gitdiff.diff_name_status(repo, "no-such-rev")[0] is None


def test_a_missing_git_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReleasekitError, match=r"^git: command not found; install it or check PATH$"):
        gitdiff.run_git(tmp_path, "status")


class Point(NamedTuple):
    """A point."""

    x: int
    y: int = 0
    label: str = "origin"

    def norm(self) -> int:
        return abs(self.x) + abs(self.y)


def test_records_are_named_tuples() -> None:
    p = Point(3, -4)
    assert p == (3, -4, "origin") and isinstance(p, tuple)
    assert p.norm() == 7 and Point._fields == ("x", "y", "label")
    assert p._replace(label="here").label == "here"
    assert Point.__doc__ == "A point." and Point.__qualname__ == "Point"
    assert Point.__module__ == __name__ and "x" in Point.__annotations__
    assert Finding("a.md", 2, 3, "broken").text() == "a.md:2:3: broken"
    with pytest.raises(TypeError, match="Bad: a field without a default follows one with a default"):

        class Bad(NamedTuple):
            a: int = 1
            b: int


def _oracle(pattern: str) -> re.Pattern[str]:
    """The glob rules as a regular expression: ``**/`` any directories, ``**`` anything, ``*``/``?`` within one."""
    pattern = pattern.strip().removeprefix("./").lstrip("/")
    if "*" not in pattern and "?" not in pattern:
        return re.compile(re.escape(pattern.rstrip("/")) + "(?:/.*)?")
    pattern += "**" if pattern.endswith("/") else ""  # a directory: everything below it
    out = ""
    for token in re.findall(r"\*\*/|\*\*|\*|\?|[^*?]", pattern):
        out += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token) or re.escape(token)
    return re.compile(out, re.DOTALL)


@given(
    pattern=st.text(alphabet="ab/*?.", min_size=1, max_size=8),
    path=st.text(alphabet="ab/.", max_size=10),
)
def test_globs_agree_with_their_regular_expression(pattern: str, path: str) -> None:
    expected = _oracle(pattern).fullmatch(path) is not None if pattern.strip() else False
    assert source_matcher([pattern])(path) is expected
