"""Where the change comes from: odd histories, shallow clones, other remotes, monorepos, worktrees, GIT_DIR."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit.cli import main
from tests.helpers.cli import releasekit
from tests.helpers.fragments import demo_monorepo, demo_repo
from tests.helpers.gitrepo import commit_all, git, write_files


def run_check(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple:
    monkeypatch.chdir(repo)
    code = main(["check", "fragments", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_criss_cross_merges_use_one_merge_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path, branch=None)
    git(repo, "checkout", "-q", "-b", "other")
    write_files(repo, {"docs/other.md": "other\n"})
    commit_all(repo, "other")
    git(repo, "checkout", "-q", "-b", "42-feature", "main")
    write_files(repo, {"docs/mine.md": "mine\n"})
    mine = commit_all(repo, "mine")
    git(repo, "merge", "-q", "--no-edit", "other")
    git(repo, "checkout", "-q", "other")
    git(repo, "merge", "-q", "--no-edit", mine)
    write_files(repo, {"docs/other2.md": "x\n"})
    commit_all(repo, "other again")
    git(repo, "checkout", "-q", "42-feature")
    write_files(repo, {"src/demo/new.py": "N = 1\n"})
    commit_all(repo, "code")
    assert len(git(repo, "merge-base", "--all", "HEAD", "other").split()) == 2
    code, out, _ = run_check(repo, monkeypatch, capsys, "--base", "other")
    assert code == 1
    assert out.startswith("src/demo/new.py:1:1:")


def test_base_on_another_remote_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path)
    git(repo, "remote", "add", "upstream", str(tmp_path / "origin.git"))
    write_files(repo, {"changelog.d/42.feature.md": "x\n", "src/demo/x.py": "X = 1\n"})
    git(repo, "add", "-A")
    code, _, err = run_check(repo, monkeypatch, capsys, "--base", "upstream/main")
    assert code == 0
    assert "releasekit: fetched upstream/main from upstream" in err


def test_missing_from_ref_in_a_shallow_clone_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD")
    write_files(repo, {"src/demo/x.py": "X = 1\n"})
    commit_all(repo, "code")
    write_files(repo, {"docs/x.md": "x\n"})
    commit_all(repo, "docs")
    git(repo, "push", "-q", "origin", "42-add-answer")
    clone = tmp_path / "ci"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "42-add-answer", (tmp_path / "origin.git").as_uri(), clone],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", start)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    code, out, err = run_check(clone, monkeypatch, capsys)
    assert code == 1
    assert "releasekit: fetched the full history from origin (the clone was shallow)" in err
    assert out.startswith("src/demo/x.py:1:1:")

    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "0" * 39 + "1")
    code, out, err = run_check(clone, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err == f"releasekit: error: PRE_COMMIT_FROM_REF {'0' * 39}1 not found: fetch it\n"


def test_project_in_a_subdirectory_sees_only_its_own_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers.fragments import demo_files
    from tests.helpers.gitrepo import add_origin, make_repo

    files = {f"packages/demo/{path}": text for path, text in demo_files().items()}
    files["packages/other/src/other/__init__.py"] = ""
    repo = make_repo(tmp_path / "mono", files)
    add_origin(repo, tmp_path / "origin.git")
    git(repo, "checkout", "-q", "-b", "42-x")
    write_files(repo, {"packages/other/src/other/__init__.py": "X = 1\n"})
    git(repo, "add", "-A")
    code, out, err = run_check(repo / "packages" / "demo" / "src", monkeypatch, capsys)
    assert (code, out) == (0, "")
    assert "touches no source path" in err
    write_files(repo, {"packages/demo/src/demo/core.py": "X = 2\n"})
    git(repo, "add", "-A")
    code, out, _ = run_check(repo / "packages" / "demo", monkeypatch, capsys)
    assert code == 1
    assert out.startswith("src/demo/core.py:1:1:")


def stage(repo: Path, files: dict[str, str | bytes]) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")


def test_git_dir_from_a_worktree_commit_and_a_project_in_a_subdirectory(tmp_path: Path) -> None:
    """`git commit` in a linked worktree hands its hooks GIT_DIR; with the project in a
    subdirectory (``releasekit -C sub``) git must not take that subdirectory for the work tree's top."""
    repo = demo_monorepo(tmp_path)
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "43-y", str(wt), "42-x")
    stage(wt, {"packages/a/src/demo/core.py": "A = 3\n"})
    env = {
        "GIT_DIR": str(repo / ".git" / "worktrees" / "wt"),
        "GIT_INDEX_FILE": str(repo / ".git" / "worktrees" / "wt" / "index"),
    }
    for args in (("-C", "packages/a"), ()):
        cwd = wt if args else wt / "packages" / "a"
        result = releasekit(*args, "check", "fragments", cwd=cwd, env=env)
        assert result.returncode == 1, (args, result.output)
        assert "src/demo/core.py:1:1:" in result.stdout
    stage(wt, {"packages/a/changelog.d/43.feature.md": "A is 3.\n"})
    ok = releasekit("-C", "packages/a", "check", "fragments", cwd=wt, env=env)
    assert ok.returncode == 0, ok.output
