"""Reads that must stay inside the repository: a hard-linked fragment, a fragment that is a
directory, an absolute towncrier directory or changelog.

Each is built for real (``os.link`` to a fake ~/.pypirc holding a canary, ``mkdir``), and each
run has a timeout; the canary must appear nowhere releasekit prints or writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.cli import Result, one_error
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.test_hostile_files import CANARY, pypirc  # noqa: F401  (pypirc: the fixture, a fake ~/.pypirc)
from tests.test_hostile_files import run as run_hostile


def _pypirc() -> Path:
    """The fake ~/.pypirc of ``test_hostile_files``' fixture, holding its canary."""
    return Path(os.environ["HOME"]) / ".pypirc"


def run(*args: str, cwd: Path) -> Result:
    """``test_hostile_files.run`` (a timeout, no canary in the output), and no traceback."""
    result = run_hostile(*args, cwd=cwd)
    assert "Traceback" not in result.output
    return result


@pytest.mark.usefixtures("pypirc")
def test_a_hard_linked_fragment_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = _pypirc()
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 1\n"})
    fragment = repo / "changelog.d" / "42.bugfix.md"
    os.link(secret, fragment)  # same content, same inode: a second name for the secret
    git(repo, "add", "-A")
    assert fragment.stat().st_nlink == 2
    reason = "has 2 hard links (another may lie outside the repository); it is not read"

    checked = run("check", "fragments", cwd=repo)
    assert checked.returncode == 1, checked.output
    assert checked.stdout.splitlines() == [f"changelog.d/42.bugfix.md:1:1: {reason}"]

    changelog = (repo / "CHANGELOG.md").read_text()
    drafted = run("notes", cwd=repo)
    assert one_error(drafted) == f"changelog.d/42.bugfix.md: {reason}"
    assert (repo / "CHANGELOG.md").read_text() == changelog


def test_a_fragment_that_is_a_directory(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 1\n", "changelog.d/42.feature.md": "A change.\n"})
    git(repo, "add", "-A")
    (repo / "changelog.d" / "43.bugfix.md").mkdir()  # towncrier would open it and fail with a traceback
    (repo / "changelog.d" / "notes").mkdir()  # towncrier check refuses it too: no type in its name
    reason = "is a directory, not a regular file; it is not read"

    checked = run("check", "fragments", cwd=repo)
    assert checked.returncode == 1, checked.output
    found = checked.stdout.splitlines()
    assert found[0] == "changelog.d/43.bugfix.md:1:1: a directory named like a fragment: towncrier cannot read it"
    assert found[1].startswith("changelog.d/notes:1:1: a directory: not a fragment name: no type"), found
    assert len(found) == 2, found
    (repo / "changelog.d" / "notes").rmdir()

    drafted = run("notes", cwd=repo)
    assert one_error(drafted) == f"changelog.d/43.bugfix.md: {reason}"
    (repo / "changelog.d" / "43.bugfix.md").rmdir()
    assert run("check", "fragments", cwd=repo).returncode == 0


@pytest.mark.usefixtures("pypirc")
@pytest.mark.parametrize("key", ["directory", "filename"])
def test_an_absolute_towncrier_path_is_refused(tmp_path: Path, key: str) -> None:
    secret = _pypirc()
    repo = demo_repo(tmp_path, branch=None)
    outside = secret.parent / "fragments"
    outside.mkdir()
    (outside / "1.feature.md").write_text(f"{CANARY}\n")
    value = str(outside) if key == "directory" else str(secret)
    pyproject = repo / "pyproject.toml"
    head, section = pyproject.read_text().split("[tool.towncrier]\n")
    lines = [f'{key} = "{value}"' if line.startswith(f"{key} = ") else line for line in section.splitlines()]
    assert lines != section.splitlines()
    pyproject.write_text(head + "[tool.towncrier]\n" + "\n".join(lines) + "\n")
    commit_all(repo, "towncrier reads elsewhere")
    expected = (
        f"pyproject.toml: [tool.towncrier] {key} {value!r} is an absolute path; releasekit and towncrier "
        "work only inside the project: give a path relative to it"
    )
    for argv in (("notes",), ("check", "fragments"), ("status",)):
        result = run(*argv, cwd=repo)
        assert one_error(result) == expected, argv
    assert secret.read_text().count(CANARY) == 1  # nothing written there either


def test_notes_give_one_line_when_towncrier_fails(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.towncrier]\n", '[tool.towncrier]\ntemplate = "bad.j2"\n'))
    write_files(repo, {"bad.j2": "{% for %}\n", "changelog.d/1.feature.md": "A change.\n"})
    commit_all(repo, "A template towncrier cannot read")
    result = run("notes", cwd=repo)
    line = one_error(result, code=1)
    failed = "towncrier build --draft failed (exit code 1): jinja2.exceptions.TemplateSyntaxError: "
    assert line.startswith(failed), line
    assert line.endswith("; run 'towncrier build --draft' to see all it says")
