"""How long adopting releasekit takes: `init --yes`, then the release's dry run.

As the issue asks: `init --yes` plus `release --dry-run` with the project's own tests left
out (`--skip` of every test phase; the package check, the bump in a temporary clone and the
build still run), on the legacy shape (setup.py, .bumpversion.cfg, CHANGELOG.rst, towncrier
with its own types, master, tags without v). Each timed run starts from a fresh copy of the
unadopted repository; the copy and the adoption commit between the two commands are not
timed. The indexes the dry run asks are local pypiservers. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from releasekit.release.gates import PHASES
from tests.helpers import adoption
from tests.helpers.gitrepo import commit_all, git
from tests.helpers.pypi import pypiserver

pytestmark = pytest.mark.benchmark

RUNS = 5


def test_init_then_a_dry_run(tmp_path: Path, hook_venv: Path) -> None:
    files = {**adoption.legacy_files(), "changelog/+speed.feature.rst": "Faster frobnication.\n"}
    pristine = adoption.project_repo(tmp_path / "pristine", files, branch="master", tags=("2.3.0", "2.3.1"))
    releasekit = str(hook_venv / "releasekit")
    commands = {
        "init --yes": [releasekit, "init", "--yes"],
        "release --dry-run": [releasekit, "release", "--dry-run", "--skip", ",".join(PHASES)],
    }
    spent: dict[str, list[float]] = {name: [] for name in commands}
    with pypiserver(tmp_path / "test-index") as test, pypiserver(tmp_path / "index") as prod:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update({**test.env("RELEASEKIT_TEST_"), **prod.env()})
        for i in range(RUNS + 1):
            repo = tmp_path / f"run{i}" / "work"
            shutil.copytree(pristine.parent, repo.parent, symlinks=True)
            git(repo, "remote", "set-url", "origin", str(repo.parent / "origin.git"))  # this copy's own origin
            for name, cmd in commands.items():
                start = time.perf_counter()
                proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False)
                seconds = time.perf_counter() - start
                assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
                if name == "init --yes":
                    commit_all(repo, "Adopt releasekit")  # the maintainer's commit and push: not timed
                    git(repo, "push", "-q", "origin", "master")
                if i:  # the warm-up writes the bytecode and uv caches a user's machine has
                    spent[name].append(seconds)
            assert "oldpkg-2.4.0.tar.gz" in proc.stdout  # the dry run built the version it would release
    totals = [sum(run) for run in zip(*spent.values(), strict=True)]
    parts = ", ".join(f"{name} {statistics.median(s):.2f} s" for name, s in spent.items())
    print(
        f"adoption: init --yes + release --dry-run (test phases skipped), median of {RUNS}: "
        f"{statistics.median(totals):.2f} s ({parts})"
    )
    assert statistics.median(totals) < 300  # generous: the printed figure is what to quote
