"""The `changelog-fragment` hook run by pre-commit itself: `pre-commit try-repo`, and `git commit` with it installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import Result
from tests.helpers.fragments import demo_monorepo, demo_repo
from tests.helpers.gitrepo import age_tree, commit_all, git, write_files
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


def stage(repo: Path, files: dict[str, str | bytes]) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")


# --- the hook installed in .git/hooks, run by `git commit` ------------------------------------------


def _install_hook(repo: Path, pre_commit_home: Path, entry: str | None = None) -> dict[str, str]:
    from tests.helpers.hooks import _snapshot

    source, rev = _snapshot(pre_commit_home)
    extra = f"\n    entry: {entry}" if entry else ""
    config = f"repos:\n- repo: {source}\n  rev: {rev}\n  hooks:\n  - id: changelog-fragment{extra}\n"
    (repo / ".pre-commit-config.yaml").write_text(config)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    for key in ("UV_PYTHON", "UV_PROJECT_ENVIRONMENT"):
        env.pop(key, None)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True, capture_output=True)
    return env


def _commit(cwd: Path, env: dict[str, str], *args: str) -> Result:
    proc = subprocess.run(["git", "commit", "-m", "change", *args], cwd=cwd, env=env, capture_output=True, text=True)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_git_commit_with_the_hook_installed(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path)
    env = _install_hook(repo, pre_commit_home)
    commit_all(repo, "Hook config")
    age_tree(repo)
    write_files(repo, {"src/demo/core.py": "X = 2\n"})
    blocked = _commit(repo, env, "-a")  # git hands the hook GIT_INDEX_FILE=.git/index.lock
    assert blocked.returncode == 1, blocked.output
    assert "src/demo/core.py:1:1:" in blocked.output
    stage(repo, {"changelog.d/42.feature.md": "Two.\n"})
    # Only core.py goes into this commit: git gives the hook a temporary index without the fragment.
    partial = _commit(repo, env, "--", "src/demo/core.py")
    assert partial.returncode == 1, partial.output
    assert "src/demo/core.py:1:1:" in partial.output
    ok = _commit(repo, env, "-a")
    assert ok.returncode == 0, ok.output
    assert (repo / ".git" / "releasekit" / "check-fragments-settings.pass").is_file()


def test_git_commit_in_a_worktree_of_a_monorepo(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_monorepo(tmp_path)
    env = _install_hook(repo, pre_commit_home, entry="releasekit -C packages/a check fragments")
    commit_all(repo, "Hook config")
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "43-y", str(wt), "42-x")
    for tree in (repo, wt):
        stage(tree, {"packages/a/src/demo/core.py": "A = 3\n"})
        blocked = _commit(tree, env)
        assert blocked.returncode == 1, (tree, blocked.output)
        assert "src/demo/core.py:1:1:" in blocked.output
        stage(tree, {"packages/a/changelog.d/43.feature.md": "A is 3.\n"})
        ok = _commit(tree, env)
        assert ok.returncode == 0, (tree, ok.output)
