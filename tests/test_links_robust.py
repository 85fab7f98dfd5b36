"""Bad input never crashes the link checker: it is reported or skipped with a message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.gitrepo import make_repo, write_files
from tests.helpers.links import run_links


def test_non_utf8_file_is_checked_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"latin1.md": "caf\xe9 [x](gone.md)\n".encode("latin-1")})
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert findings[0][:3] == ("latin1.md", 1, 1)
    assert "not valid UTF-8 (byte 3)" in findings[0][3]
    assert findings[1][:3] == ("latin1.md", 1, 6)  # the replacement character counts as one
    assert "gone.md does not exist" in findings[1][3]


def test_binary_file_is_skipped_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"blob.md": b"\x00\x01\x02[x](gone.md)"})
    code, findings = run_links(repo, capsys)
    assert code == 0  # a warning does not fail the check
    assert findings == [("blob.md", 1, 1, "binary file; not checked")]


def test_symlink_loop_and_dangling_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "[loop](loop.md) [dangling](dangling.md) [dir](loopdir/x.md)\n"})
    os.symlink("loop.md", repo / "loop.md")
    os.symlink("nowhere.md", repo / "dangling.md")
    os.symlink("loopdir2", repo / "loopdir")
    os.symlink("loopdir", repo / "loopdir2")
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert [(col, "cannot be resolved" in msg) for _, _, col, msg in findings] == [(1, True), (17, True), (41, True)]


def test_symlink_loop_in_an_untracked_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # no git repository: the tree is walked, without following symlinks
    root = tmp_path / "plain"
    write_files(root, {"docs/a.md": "[b](b.md)\n", "docs/b.md": "# B\n"})
    os.symlink("..", root / "docs" / "up")
    code, findings = run_links(root, capsys)
    assert (code, findings) == (0, [])


def test_big_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"## Section {i}\n\nSome text é [s](#section-{i}) more.\n\n" for i in range(60000))
    body += "last [gone](#section-60000)\n"
    repo = make_repo(tmp_path / "r", {"big.md": body})
    assert (repo / "big.md").stat().st_size > 3_000_000
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert [f[:3] for f in findings] == [("big.md", 60000 * 4 + 1, 6)]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://[::1/x", "malformed URL"),
        ("http://host:99999/", "malformed URL"),
        ("https:///path", "malformed URL: no host"),
        ("../../etc/passwd", "escapes the repository"),
        ("/../x.md", "escapes the repository"),
    ],
)
def test_malformed_and_escaping_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, problem: str
) -> None:
    repo = make_repo(tmp_path / "r", {"docs/a.md": f"[x]({url})\n"})
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert len(findings) == 1
    assert problem in findings[0][3]


def test_tracked_but_deleted_files_are_not_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"a.md": "[b](b.md)\n", "b.md": "# B\n", "c.md": "[x](gone.md)\n"})
    (repo / "c.md").unlink()
    code, findings = run_links(repo, capsys)
    assert (code, findings) == (0, [])
