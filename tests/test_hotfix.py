"""`releasekit hotfix`: a branch cut from a release tag, on real repositories."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import add_origin, commit_all, git, write_files
from tests.helpers.projects import seed_repo


def _released(tmp_path: Path) -> Path:
    repo = seed_repo(tmp_path / "seed")
    for tag in ("v1.0.0", "v1.1.0", "v1.1.1", "v1.2.0"):
        write_files(repo, {"history.txt": tag})
        commit_all(repo, f"work for {tag}")
        git(repo, "tag", "-a", tag, "-m", f"Release {tag}")
    write_files(repo, {"history.txt": "after"})
    commit_all(repo, "unreleased work")
    return repo


def test_hotfix_branch_from_the_latest_release(tmp_path: Path) -> None:
    repo = _released(tmp_path)
    add_origin(repo, tmp_path / "origin.git")
    result = releasekit("hotfix", "v1.2.0", "Crash on empty input", cwd=repo)
    assert result.returncode == 0, result.output
    assert "On branch hotfix/crash-on-empty-input, cut from v1.2.0 (full support)" in result.stdout
    assert "releases 1.2.1 from this branch" in result.stdout
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "hotfix/crash-on-empty-input"
    assert git(repo, "rev-parse", "HEAD") == git(repo, "rev-parse", "v1.2.0^{commit}")


def test_hotfix_of_previous_minor_gets_a_version_branch(tmp_path: Path) -> None:
    repo = _released(tmp_path)
    result = releasekit("hotfix", "v1.1.1", cwd=repo)
    assert result.returncode == 0, result.output
    assert "hotfix/v1.1.2" in result.stdout and "security support" in result.stdout


def test_refusals_are_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = _released(tmp_path)
    cases = {
        ("v1.1.0",): "v1.1.0 is not the latest release of 1.1; start the hotfix from v1.1.1",
        ("v1.0.0",): "the 1.0 line is no longer supported",
        ("v9.9.9",): "tag v9.9.9 does not exist here",
        ("1.2",): "'1.2' is not a release tag; give one like v1.2.3",
        ("v1.2.0~1",): "hotfix vX.Y.Z: 'v1.2.0~1' is not a valid tag name (contains '~')",
    }
    for argv, message in cases.items():
        result = releasekit("hotfix", *argv, cwd=repo)
        assert result.returncode == 2, (argv, result.output)
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    git(repo, "tag", "v1.3.0rc1")
    assert "is a pre-release" in releasekit("hotfix", "v1.3.0rc1", cwd=repo).stderr
    git(repo, "branch", "hotfix/v1.2.1", "v1.2.0")
    assert "branch hotfix/v1.2.1 exists already" in releasekit("hotfix", "v1.2.0", cwd=repo).stderr
    (repo / "history.txt").write_text("dirty")
    dirty = releasekit("hotfix", "v1.2.0", "other", cwd=repo)
    assert dirty.returncode == 2 and "the work tree has changes" in dirty.stderr
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_which_branch_a_release_is_made_from_and_whether_it_merges_back(tmp_path: Path) -> None:
    from releasekit import hotfix

    assert hotfix.release_branch("hotfix/crash", "main") == "hotfix/crash"
    assert hotfix.release_branch("feature/x", "main") == "main"
    assert hotfix.release_branch(None, "master") == "master"
    repo = _released(tmp_path)
    add_origin(repo, tmp_path / "origin.git")
    git(repo, "branch", "hotfix/v1.2.1", "v1.2.0")
    assert hotfix.new_on_remote("hotfix/v1.2.1", "origin", repo) is True
    git(repo, "push", "-q", "origin", "hotfix/v1.2.1")
    assert hotfix.new_on_remote("hotfix/v1.2.1", "origin", repo) is False
    assert hotfix.new_on_remote("main", "origin", repo) is False
    head = git(repo, "rev-parse", "HEAD")
    merged = hotfix.merge_back(repo, "main", head, "v1.2.1", "origin", "main", tmp_path / "tree")
    assert merged == "not a hotfix: nothing to merge" and not (tmp_path / "tree").exists()
