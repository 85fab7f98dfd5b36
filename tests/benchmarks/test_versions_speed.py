"""How long the version-sync hook takes on a 3,000-file repository, against `towncrier check`.

Both are hooks that run on every commit. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.timing import median_seconds, report
from tests.helpers.gitrepo import add_origin, age_tree, commit_all, git, write_files
from tests.helpers.projects import seed_files

pytestmark = pytest.mark.benchmark

TOWNCRIER = """
[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
"""


def _big_repo(root: Path, n_files: int = 3000) -> Path:
    files: dict[str, str] = dict(seed_files("1.2.3"))
    files["pyproject.toml"] += '\n[project]\nname = "seed"\nversion = "1.2.3"\n' + TOWNCRIER
    files["CHANGELOG.md"] = "# Changelog\n"
    for i in range(n_files):
        files[f"src/seed/pkg{i // 100:02d}/mod{i:04d}.py"] = f'"""Module {i}."""\n\nVALUE = {i}\n'
    from tests.helpers.gitrepo import make_repo

    repo = make_repo(root, files)
    add_origin(repo, root.parent / "origin.git")
    git(repo, "checkout", "-q", "-b", "feature")
    write_files(repo, {"src/seed/pkg00/mod0000.py": '"""Changed."""\n', "changelog.d/1.feature": "A change.\n"})
    commit_all(repo, "A change with a fragment")
    return repo


def test_check_versions_against_towncrier_check(tmp_path: Path, hook_venv: Path) -> None:
    repo = _big_repo(tmp_path / "big")
    tracked = len(git(repo, "ls-files").splitlines())
    assert tracked >= 3000
    releasekit = str(hook_venv / "releasekit")
    towncrier = str(hook_venv / "towncrier")
    git(repo, "tag", "-a", "v1.2.2", "-m", "Release v1.2.2")  # a real repository has older tags
    age_tree(repo)
    cmd = [releasekit, "check", "versions"]
    cold = median_seconds(cmd, cwd=repo, expect=0, env={"RELEASEKIT_NO_CACHE": "1"})
    warm = median_seconds(cmd, cwd=repo, expect=0)
    peer = median_seconds([towncrier, "check", "--compare-with", "origin/main"], cwd=repo, expect=0)
    bare = median_seconds([str(hook_venv / "python"), "-c", "pass"], cwd=repo)
    print(f"python start-up alone: median {bare * 1000:.1f} ms")
    report(f"check versions, {tracked} files, full check (no record)", cold, peer, "towncrier check")
    report(f"check versions, {tracked} files, unchanged inputs (hook record)", warm, peer, "towncrier check")
    # Generous bounds, so noise cannot fail the run: the printed figures are what to quote.
    assert warm < cold
    assert warm <= 0.040 * 1.5
