"""How long adopting releasekit takes: `init --yes`, then the checks a maintainer runs next.

The issue asks for `init --yes` plus `release --dry-run` with the project's own tests left
out; `release` has no way to skip its test gates yet, so this times `init --yes`, `check
versions`, `check fragments` and `notes` (the draft of the next release) instead, on the
legacy shape (setup.py, .bumpversion.cfg, CHANGELOG.rst, towncrier with its own types,
master). Each timed run starts from a fresh copy of the unadopted repository (the copy is
not timed). Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import adoption

pytestmark = pytest.mark.benchmark

RUNS = 9


def _commands(bin_dir: Path) -> list[list[str]]:
    releasekit = str(bin_dir / "releasekit")
    return [
        [releasekit, "init", "--yes"],
        [releasekit, "check", "versions"],
        [releasekit, "check", "fragments"],
        [releasekit, "notes"],
    ]


def test_init_then_checks_and_notes(tmp_path: Path, hook_venv: Path) -> None:
    files = {**adoption.legacy_files(), "changelog/+speed.feature.rst": "Faster frobnication.\n"}
    pristine = adoption.project_repo(tmp_path / "pristine", files, branch="master", tags=("2.3.0", "2.3.1"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    totals: list[float] = []
    per_command: list[list[float]] = [[] for _ in _commands(hook_venv)]
    for i in range(RUNS + 1):
        repo = tmp_path / f"run{i}" / "work"
        shutil.copytree(pristine, repo, symlinks=True)
        spent = []
        for cmd in _commands(hook_venv):
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False)
            spent.append(time.perf_counter() - start)
            assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
        assert not (repo / ".bumpversion.cfg").exists()
        if i == 0:
            continue  # the warm-up writes the bytecode caches a user's install has
        totals.append(sum(spent))
        for column, seconds in zip(per_command, spent, strict=True):
            column.append(seconds)
    names = ["init --yes", "check versions", "check fragments", "notes"]
    parts = ", ".join(f"{n} {statistics.median(c) * 1000:.0f} ms" for n, c in zip(names, per_command, strict=True))
    print(
        f"adoption (init --yes + check versions + check fragments + notes), median of {RUNS}: "
        f"{statistics.median(totals) * 1000:.0f} ms ({parts})"
    )
    assert statistics.median(totals) < 30  # generous: the printed figure is what to quote
