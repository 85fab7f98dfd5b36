"""How long adopting releasekit takes: `init --yes` against the same adoption done by hand, then the dry run.

On the legacy shape (setup.py, .bumpversion.cfg, CHANGELOG.rst, towncrier with its own
types, master, tags without v). `init --yes` moves the bump-my-version configuration into
pyproject.toml and brings it up to date, adds the hooks' configuration and the sdist's
file list, and proves the result: in a clone holding it, what the first release checks
first (the version checks and a simulated bump, the fragments, the links, and the package
check: HEAD built from a clean clone, `twine check --strict`, check-manifest). The peer is
a maintainer doing the same by hand, scripted, with the typing free: the very files init
wrote are copied in, the old configuration is removed, and the tools check the result as
init does in their place, one command after another as one types them
(`bump-my-version bump --dry-run`: every version file holds the version and the bump
applies; `towncrier check`: the fragments; `pre-commit validate-config`: the hooks'
configuration), then the package check a careful maintainer runs before a first
release, done the fastest way in use today: the adoption committed, `uv build` from a
clean clone of it (uv's PEP 517 frontend: like `python -m build` it builds the sdist, then
the wheel from the sdist, each in an isolated environment holding the build requirements,
which uv installs from its cache in milliseconds: no faster way to build exists), `twine
check --strict` of both files (the check PyPI's upload applies; nothing faster does it),
and `check-manifest --no-build-isolation` in the maintainer's environment, which holds the
build requirements already (installed untimed; check-manifest's default makes an isolated
environment with pip on every run, several times slower). Both sides check the same
things; init pays for its own build environments, the maintainer does not. The goal: init
no slower than that (at most 1.0x).

Then the release's dry run with the project's own tests left out (`--skip` of every test
phase; the package check, the bump in a temporary clone and the build still run), on the
adopted repository; its peer is the release benchmark's hand-run checklist. Every timed
run starts from a fresh copy of the repository (the copy, and the adoption commit before
the dry run, untimed); all three run in interleaved rounds after the same warm-up. The
indexes the dry run asks are local pypiservers. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import itertools
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from releasekit.package import build_requires
from releasekit.release.gates import PHASES
from tests.benchmarks.conftest import ROOT
from tests.benchmarks.timing import Case, command, compare, ratio_line
from tests.helpers import adoption
from tests.helpers.gitrepo import commit_all, git
from tests.helpers.pypi import pypiserver

pytestmark = pytest.mark.benchmark

RUNS = 5
TARGET_RATIO = 1.0
LEGACY_BUILD_REQUIRES = ("setuptools>=61", "wheel")  # the legacy shape's [build-system] requires
ADOPTED = ("pyproject.toml", ".pre-commit-config.yaml", "MANIFEST.in")
BY_HAND = """\
set -e
for f in {adopted}; do cp "{reference}/$f" "$f"; done
git rm -q .bumpversion.cfg
{bin}/bump-my-version bump --dry-run --allow-dirty minor
{bin}/towncrier check --compare-with origin/master
{pre_commit} validate-config .pre-commit-config.yaml
git add --all && git commit -q -m "Adopt releasekit"
scratch=$(mktemp -d)
git clone -q . "$scratch/src"
{uv} build -q --python {bin}/python --out-dir "$scratch/dist" "$scratch/src"
{bin}/twine check --strict "$scratch"/dist/*
{bin}/check-manifest --no-build-isolation
rm -rf "$scratch"
"""


@pytest.fixture(scope="module")
def release_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with ``releasekit[release]`` installed from this work tree (not editable),
    byte-compiled: init and the release need the release tools, which the hooks' environment leaves out."""
    venv = tmp_path_factory.mktemp("release-env") / "venv"
    base = [shutil.which("uv") or "uv"]
    subprocess.run([*base, "venv", "-q", "-p", sys.executable, str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    install = [*base, "pip", "install", "-q", "--compile-bytecode", "--python", str(python), f"{ROOT}[release]"]
    subprocess.run(install, check=True, capture_output=True, timeout=900)
    # The maintainer's environment holds the legacy project's build requirements, for check-manifest.
    requires = [*base, "pip", "install", "-q", "--python", str(python), *LEGACY_BUILD_REQUIRES]
    subprocess.run(requires, check=True, capture_output=True, timeout=900)
    return venv / "bin"


def test_init_against_adopting_by_hand_then_a_dry_run(tmp_path: Path, release_venv: Path) -> None:
    files = {**adoption.legacy_files(), "changelog/+speed.feature.rst": "Faster frobnication.\n"}
    pristine = adoption.project_repo(tmp_path / "pristine", files, branch="master", tags=("2.3.0", "2.3.1"))
    assert build_requires(pristine) == list(LEGACY_BUILD_REQUIRES)  # what the maintainer's environment holds
    releasekit = str(release_venv / "releasekit")
    copies = itertools.count()

    def fresh_copy() -> Path:
        repo = tmp_path / f"copy{next(copies)}" / "work"
        shutil.copytree(pristine.parent, repo.parent, symlinks=True)
        git(repo, "remote", "set-url", "origin", str(repo.parent / "origin.git"))  # this copy's own origin
        return repo

    # The adoption init writes, made once untimed: what the maintainer types, and what the dry run starts from.
    reference = fresh_copy()
    command([releasekit, "init", "--yes"], cwd=reference)()
    assert not (reference / ".bumpversion.cfg").exists()

    def adopted_copy() -> Path:
        repo = fresh_copy()
        for name in ADOPTED:
            shutil.copy2(reference / name, repo / name)
        git(repo, "rm", "-q", ".bumpversion.cfg")
        commit_all(repo, "Adopt releasekit")  # the maintainer's commit and push
        git(repo, "push", "-q", "origin", "master")
        return repo

    pre_commit = Path(sys.executable).parent / "pre-commit"
    uv = shutil.which("uv") or "uv"
    by_hand = BY_HAND.format(
        adopted=" ".join(ADOPTED), reference=reference, bin=release_venv, pre_commit=pre_commit, uv=uv
    )
    outputs: list[str] = []
    with pypiserver(tmp_path / "test-index") as test, pypiserver(tmp_path / "index") as prod:
        env = {**test.env("RELEASEKIT_TEST_"), **prod.env()}
        dry_run = [releasekit, "release", "--dry-run", "--skip", ",".join(PHASES)]
        times = compare(
            {
                "init --yes": on_a_copy(
                    fresh_copy, lambda repo: command([releasekit, "init", "--yes"], cwd=repo, env=env)()
                ),
                "adopting by hand": on_a_copy(fresh_copy, lambda repo: command(["sh", "-c", by_hand], cwd=repo)()),
                "release --dry-run": on_a_copy(
                    adopted_copy, lambda repo: outputs.append(command(dry_run, cwd=repo, env=env)().stdout)
                ),
            },
            rounds=RUNS,
            warmup=1,
        )
    assert len(outputs) == RUNS + 1
    assert all("oldpkg-2.4.0.tar.gz" in out for out in outputs)  # each dry run built the version it would release
    print(f"\nadoption on the legacy shape, medians of {RUNS} interleaved rounds:")
    ratio = ratio_line("  init --yes against adopting by hand", times, "init --yes", "adopting by hand")
    dry = statistics.median(times["release --dry-run"])
    total = statistics.median(times["init --yes"]) + dry
    print(f"  release --dry-run (test phases skipped) median {dry:.2f} s; init + dry run {total:.2f} s")
    assert ratio <= TARGET_RATIO


def on_a_copy(copy: Callable[[], Path], run: Callable[[Path], object]) -> Case:
    """``run`` timed in a repository that ``copy`` makes, untimed, before each run."""
    where: list[Path] = []
    return Case(lambda: run(where[-1]), prepare=lambda: where.append(copy()))
