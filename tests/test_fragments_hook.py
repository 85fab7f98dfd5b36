"""The `changelog-fragment` hook, installed and run by pre-commit itself (`pre-commit try-repo`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.hooks import try_repo

pytestmark = pytest.mark.integration

HOOK = "changelog-fragment"


def test_hook_blocks_a_source_change_until_it_has_a_valid_fragment(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"docs/index.md": "# Demo\n\nMore.\n"})
    git(repo, "add", "-A")
    docs_only = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert docs_only.returncode == 0, docs_only.output
    assert "changelog fragment" in docs_only.stdout and "Passed" in docs_only.stdout

    write_files(repo, {"src/demo/core.py": "def answer() -> int:\n    return 43\n"})
    git(repo, "add", "-A")
    missing = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert missing.returncode == 1
    assert "Failed" in missing.stdout
    assert "src/demo/core.py:1:1: this changed with no changelog fragment in changelog.d/; add one: " in missing.stdout
    assert "towncrier create --content 'What changed, for users' 42.feature.md" in missing.stdout

    write_files(
        repo,
        {
            "changelog.d/42.feture.md": "The answer is 43.\n",
            "changelog.d/43.bugfix.md": " \n",
            "changelog.d/44.breaking.md": "answer() changed.\n",
        },
    )
    git(repo, "add", "-A")
    bad = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert bad.returncode == 1
    assert "changelog.d/42.feture.md:1:1: unknown fragment type 'feture'; did you mean 'feature'?" in bad.stdout
    assert "changelog.d/43.bugfix.md:1:1: fragment is empty" in bad.stdout
    assert "changelog.d/44.breaking.md:1:1: a breaking change needs a migration fragment" in bad.stdout

    git(repo, "mv", "changelog.d/42.feture.md", "changelog.d/42.feature.md")
    git(repo, "rm", "-q", "-f", "changelog.d/43.bugfix.md")
    write_files(repo, {"changelog.d/44.migration.md": "Expect 43.\n"})
    git(repo, "add", "-A")
    fixed = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert fixed.returncode == 0, fixed.output
    assert "Passed" in fixed.stdout


def test_hook_lets_release_commits_and_reverts_through(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    write_files(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "The answer.\n"})
    commit_all(repo, "Feature")
    git(repo, "push", "-q", "origin", "main")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"1.0.0"', '"1.1.0"'))
    git(repo, "add", "-A")
    subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "1.1.0"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    release = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert release.returncode == 0, release.output
    commit_all(repo, "Release v1.1.0")
    git(repo, "push", "-q", "origin", "main")

    write_files(repo, {"src/demo/core.py": "X = 3\n", "changelog.d/43.feature.md": "Three.\n"})
    feature = commit_all(repo, "Another feature")
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "revert-43")
    git(repo, "revert", "--no-commit", feature)
    revert = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert revert.returncode == 0, revert.output


def test_pre_push_stage_checks_the_refs_pre_commit_gives(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD")
    write_files(repo, {"src/demo/a.py": "A = 1\n", "changelog.d/42.feature.md": "Adds a.\n"})
    with_fragment = commit_all(repo, "a, with its fragment")
    write_files(repo, {"src/demo/b.py": "B = 1\n"})
    without = commit_all(repo, "b, without one")
    # At the pre-commit stage the whole branch counts (staged c.py too), and it has a fragment.
    write_files(repo, {"src/demo/c.py": "C = 1\n"})
    git(repo, "add", "-A")
    staged = try_repo(repo, HOOK, pre_commit_home=pre_commit_home)
    assert staged.returncode == 0, staged.output

    pushed_ok = try_repo(
        repo, HOOK, "--hook-stage", "pre-push", "--from-ref", start, "--to-ref", with_fragment,
        pre_commit_home=pre_commit_home,
    )  # fmt: skip
    assert pushed_ok.returncode == 0, pushed_ok.output

    pushed_bad = try_repo(
        repo, HOOK, "--hook-stage", "pre-push", "--from-ref", with_fragment, "--to-ref", without,
        pre_commit_home=pre_commit_home,
    )  # fmt: skip
    assert pushed_bad.returncode == 1
    assert "src/demo/b.py:1:1: this changed with no changelog fragment" in pushed_bad.stdout
    assert "c.py" not in pushed_bad.stdout


def test_shallow_clone_gives_one_clear_line(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path)
    for n in range(3):
        write_files(repo, {f"src/demo/m{n}.py": "X = 1\n"})
        commit_all(repo, f"Code {n}")
    git(repo, "push", "-q", "origin", "42-add-answer")
    clone = tmp_path / "ci"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "42-add-answer", (tmp_path / "origin.git").as_uri(), clone],
        check=True,
        capture_output=True,
    )
    git(clone, "remote", "set-url", "origin", str(tmp_path / "unreachable.git"))
    result = try_repo(clone, HOOK, pre_commit_home=pre_commit_home)
    assert result.returncode == 1
    assert "- exit code: 2" in result.stdout
    assert "Traceback" not in result.output
    assert "releasekit: error: base origin/main not found and `git fetch --unshallow origin main` failed" in (
        result.stdout
    )
    assert "fetch-depth: 0" in result.stdout
