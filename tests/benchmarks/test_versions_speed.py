"""How long the version-sync hook takes on a 3,000-file repository, against checking by hand.

The hook checks that every version file holds the current version. By hand a maintainer
asks bump-my-version, the tool that keeps those files: `bump-my-version bump --dry-run`
refuses when a configured file does not hold the current version, or `bump-my-version
show current_version` and a grep of each file for it. The ratio is taken against the
faster of the two. Both the hook's full check (no record: the first commit after a
version file or its configuration changed) and its recorded answer (inputs unchanged)
are held to the goal: at most 40 ms, and at most 0.3x checking by hand, as for the
fragment hook. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.timing import command, compare, medians, ratio_line
from tests.helpers.gitrepo import add_origin, age_tree, commit_all, git, write_files
from tests.helpers.projects import seed_files

pytestmark = pytest.mark.benchmark

RUNS = 21
TARGET_MS = 40.0
TARGET_RATIO = 0.3
PEERS = ("bump-my-version bump --dry-run", "show + grep")
# The seed's version places (tests/helpers/projects.py), each searched as bump-my-version's entry says.
SHOW_AND_GREP = (
    'v=$({bump} show current_version) && grep -qF "version=\\"$v\\"" setup.py'
    ' && grep -qF "$v" src/seed/__init__.py && grep -qF "release = \\"$v\\"" docs/conf.py'
    ' && grep -qF "version = \\"${{v%.*}}\\"" docs/conf.py && grep -qF "version = \\"$v\\"" pyproject.toml'
)
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


def test_check_versions_against_bump_my_version(tmp_path: Path, hook_venv: Path) -> None:
    repo = _big_repo(tmp_path / "big")
    tracked = len(git(repo, "ls-files").splitlines())
    assert tracked >= 3000
    git(repo, "tag", "-a", "v1.2.2", "-m", "Release v1.2.2")  # a real repository has older tags
    age_tree(repo)
    bump = str(hook_venv / "bump-my-version")
    ours = [str(hook_venv / "releasekit"), "check", "versions"]
    cases = {
        "version-sync": command(ours, cwd=repo),
        "version-sync, no record": command(ours, cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"}),
        # What the hook replaces: bump-my-version's own check that every configured file
        # holds the current version (it refuses a bump when one does not) ...
        "bump-my-version bump --dry-run": command([bump, "bump", "--dry-run", "--allow-dirty", "patch"], cwd=repo),
        # ... or the version asked of bump-my-version, and each file searched for it.
        "show + grep": command(["sh", "-c", SHOW_AND_GREP.format(bump=bump)], cwd=repo),
        "python -c pass": command([str(hook_venv / "python"), "-c", "pass"], cwd=repo),
    }
    times = compare(cases, rounds=RUNS, warmup=3)
    m = medians(times)
    peer = min(PEERS, key=m.__getitem__)  # the faster way to check by hand: the one that flatters us least
    print(f"\ncheck versions, {tracked} files, medians of {RUNS} interleaved rounds:")
    for name, seconds in m.items():
        print(f"  {name:32} {seconds * 1000:7.1f} ms")
    full = ratio_line(
        "  full check (the first commit after a version file changes)", times, "version-sync, no record", peer
    )
    recorded = ratio_line("  recorded answer (inputs unchanged)", times, "version-sync", peer)
    assert full <= TARGET_RATIO
    assert recorded <= TARGET_RATIO
    assert m["version-sync"] <= TARGET_MS / 1000
