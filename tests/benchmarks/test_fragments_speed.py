"""Latency of the `changelog-fragment` hook against `towncrier check`, measured in the same run.

Targets (issue 3): median wall time at most 40 ms on a repository with 3,000 source files
and 200 fragments, and at most 0.3x `towncrier check` on the same change.

Both run from their console scripts in a fresh virtual environment holding releasekit
and its dependencies, as pre-commit builds one for the hook. The repository is aged first:
the hook keeps its parsed settings in a record that is valid while pyproject.toml is
unchanged, and never records a file written in the last two seconds. The run without
that record (the first commit after editing pyproject.toml) is printed too. The development
environment would not do: test tools there (coverage, pre-commit-uv) hook into every
interpreter's start-up through .pth files.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from tests.benchmarks.timing import command, compare
from tests.helpers.fragments import demo_files
from tests.helpers.gitrepo import add_origin, age_tree, commit_all, git, make_repo, write_files

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FILES = 3000
FRAGMENTS = 200
RUNS = 31
TARGET_MS = 40.0
TARGET_RATIO = 0.3


def _big_repo(tmp_path: Path) -> Path:
    files = demo_files()
    for n in range(SOURCE_FILES):
        files[f"src/demo/pkg{n // 100:02d}/mod{n:04d}.py"] = f"VALUE = {n}\n"
    kinds = ("feature", "bugfix", "doc", "misc", "security")
    for n in range(FRAGMENTS):
        files[f"changelog.d/{1000 + n}.{kinds[n % len(kinds)]}.md"] = f"Change number {n}.\n"
    repo = make_repo(tmp_path / "big", files)
    add_origin(repo, tmp_path / "big.git")
    git(repo, "checkout", "-q", "-b", "7-faster")
    write_files(repo, {"src/demo/pkg05/mod0500.py": "VALUE = -1\n", "changelog.d/7.feature.md": "Faster.\n"})
    commit_all(repo, "A change with its fragment")
    age_tree(repo)
    return repo


def test_fragment_check_latency(tmp_path: Path, hook_venv: Path) -> None:
    repo = _big_repo(tmp_path)
    bindir = hook_venv
    ours = [str(bindir / "releasekit"), "check", "fragments"]
    peer = [str(bindir / "towncrier"), "check", "--compare-with", "origin/main"]
    # For scale: the interpreter alone, and the one git call the hook makes.
    diff = ["git", "diff", "--name-status", "-z", "--no-renames", "--cached", "--merge-base", "origin/main", "--"]
    cases = {
        "releasekit": command(ours, cwd=repo),
        "towncrier": command(peer, cwd=repo),
        "unrecorded": command(ours, cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"}),
        "python": command([str(bindir / "python"), "-c", "pass"], cwd=repo),
        "git": command(diff, cwd=repo),
    }
    # Warm-up for all alike: byte-code, page cache, git's index, the hook's settings record.
    timings = compare(cases, rounds=RUNS, warmup=3)
    ours_ms, peer_ms, unrecorded_ms, python_ms, git_ms = (statistics.median(timings[name]) * 1000 for name in cases)
    ratio = ours_ms / peer_ms
    print(
        f"\nchangelog-fragment on {SOURCE_FILES} source files and {FRAGMENTS} fragments, "
        f"medians of {RUNS} interleaved rounds:\n"
        f"  releasekit check fragments  {ours_ms:7.1f} ms  (target <= {TARGET_MS:.0f} ms)\n"
        f"  towncrier check             {peer_ms:7.1f} ms\n"
        f"  ratio                       {ratio:7.2f}     (target <= {TARGET_RATIO})\n"
        f"  without the settings record {unrecorded_ms:7.1f} ms  ({unrecorded_ms / peer_ms:.2f}x; "
        "the first commit after editing pyproject.toml)\n"
        f"  python -c pass              {python_ms:7.1f} ms  (the interpreter's own start-up)\n"
        f"  git diff --name-status      {git_ms:7.1f} ms  (the hook's one git call)"
    )
    assert ratio <= TARGET_RATIO
    assert ours_ms <= TARGET_MS
