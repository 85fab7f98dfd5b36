"""Bad input never crashes the link checker: it is reported or skipped with a message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.gitrepo import make_repo, write_files
from tests.helpers.links import at, places, run_links


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


def _timed_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[float, int, list[tuple[str, int, int, str]]]:
    import time

    start = time.perf_counter()
    code, findings = run_links(repo, capsys)
    return time.perf_counter() - start, code, findings


def test_many_rst_targets_are_placed_in_one_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 4,000 targets in ~150 KB: one regular expression per target over the whole text took a minute
    body = "".join(f"`l{i} <gone{i}.rst>`_, and gone{i}.rst.bak, and `l{i}c <gone{i}.rst.x>`_\n" for i in range(4000))
    page = "Title\n=====\n\n" + body
    repo = make_repo(tmp_path / "r", {"many.rst": page})
    seconds, code, findings = _timed_run(repo, capsys)
    assert code == 1
    first = page.split("\n")[3]
    # each target where it is written: inside <...>, and where prose names it before punctuation
    assert findings[:3] == [
        ("many.rst", 4, first.index("gone0.rst>") + 1, "'gone0.rst': gone0.rst does not exist"),
        ("many.rst", 4, first.index("gone0.rst.bak") + 1, "'gone0.rst': gone0.rst does not exist"),
        ("many.rst", 4, first.index("gone0.rst.x") + 1, "'gone0.rst.x': gone0.rst.x does not exist"),
    ]
    assert len(findings) == 12000
    assert len(set(places(findings))) == 12000
    assert seconds < 20  # docutils' own parse is most of it; the placing took a minute


def test_substitution_chain_is_not_expanded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # each substitution uses the one before twice: 2**24 copies if expanded
    chain = ".. |s0| replace:: `gone <gone.rst>`__\n" + "".join(
        f".. |s{i}| replace:: |s{i - 1}| |s{i - 1}|\n" for i in range(1, 25)
    )
    page = f"Title\n=====\n\n{chain}\n|s24| and `anchor <#title>`_\n"
    repo = make_repo(tmp_path / "r", {"chain.rst": page})
    seconds, code, findings = _timed_run(repo, capsys)
    assert (code, findings) == (1, [("chain.rst", *at(page, "gone.rst"), "'gone.rst': gone.rst does not exist")])
    assert seconds < 10


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        ("^https://(a+)+$", True),
        ("(a|ab)*c", True),
        ("^https://(.+\\\\.)+com", True),
        ("^https://([a-z0-9-]+\\\\.)+example\\\\.com/", False),  # each turn ends at a dot the run cannot eat
        ("^https://(?>a+)+$", False),  # atomic: never backtracks
        ("^https://(www\\\\.)?example\\\\.org/", False),
    ],
)
def test_exclude_urls_that_backtrack_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str, refused: bool
) -> None:
    from releasekit.cli import main

    config = f'[tool.releasekit.links]\nexclude_urls = ["{pattern}"]\n'
    page = f"[x](https://{'a' * 40}!) [y](gone.md)\n"
    repo = make_repo(tmp_path / "r", {"pyproject.toml": config, "a.md": page})
    code = main(["-C", str(repo), "check", "links"])
    out, err = capsys.readouterr()
    if refused:
        shown = pattern.replace("\\\\", "\\")
        assert (code, out) == (2, "")
        assert err == (
            f"releasekit: error: pyproject.toml: [tool.releasekit.links] exclude_urls: {shown!r} repeats a group that "
            "itself repeats or alternates, which can backtrack for minutes; write it without "
            "(a character class, or an atomic group (?>...))\n"
        )
    else:
        assert code == 1
        assert "gone.md does not exist" in out
