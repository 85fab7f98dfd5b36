"""``nox -s release`` on the example against the seed's steps done by hand, in the same run.

Each contender has its own checkout, bare origin and pair of local pypiservers, and
releases one new minor version per round (a fragment is added and pushed first, untimed).
The peer is benchmarks/manual_release.sh: the same tools (pytest, bump-my-version,
towncrier, git, build, twine, pip) in one prepared venv. releasekit's first round creates
its session venvs; the median covers that.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.helpers.demo import load_demo
from tests.helpers.gitrepo import git
from tests.helpers.noxrun import tool_env

demo = load_demo()
MANUAL = Path(__file__).resolve().parents[2] / "benchmarks" / "manual_release.sh"
ROUNDS = int(os.environ.get("RELEASEKIT_BENCH_ROUNDS", "3"))


@contextmanager
def contender(work: Path) -> Iterator[tuple[Path, Path, dict[str, str], object]]:
    """A staged checkout with its origin, the release environment and the production index."""
    with ExitStack() as stack:
        login = {"username": demo.USERNAME, "password": demo.PASSWORD}
        test_index = stack.enter_context(demo.pypiserver(work / "testpypi", name="TestPyPI", **login))
        index = stack.enter_context(demo.pypiserver(work / "pypi", name="PyPI", **login))
        project, origin = demo.stage_project(work)
        env = tool_env(demo.release_env(test_index, index))
        env.update(
            TEST_UPLOAD_URL=test_index.upload_url,
            TEST_SIMPLE_URL=test_index.simple_url,
            UPLOAD_URL=index.upload_url,
            SIMPLE_URL=index.simple_url,
        )
        yield project, origin, env, index


def add_fragment(project: Path, n: int) -> None:
    # towncrier consumed the last fragments; git keeps no empty directory.
    (project / "changelog.d").mkdir(exist_ok=True)
    (project / "changelog.d" / f"+round{n}.feature.md").write_text(f"Feature of round {n}.\n", encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", f"Round {n}")
    git(project, "push", "-q", "origin", "main")


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return elapsed


@pytest.mark.benchmark
def test_nox_release_against_the_manual_checklist(tmp_path: Path) -> None:
    with contender(tmp_path / "releasekit") as rk, contender(tmp_path / "manual") as by_hand:
        rk_project, rk_origin, rk_env, _ = rk
        manual_project, manual_origin, manual_env, _ = by_hand
        tools = tmp_path / "tools"
        uv_env = tool_env()
        subprocess.run(["uv", "venv", "-q", "-p", sys.executable, str(tools)], check=True, env=uv_env)
        requirements = [f"{manual_project}[test,docs]", "bump-my-version", "towncrier", "build", "twine"]
        python = tools / "bin" / "python"
        install = ["uv", "pip", "install", "-q", "--python", str(python), "-e", *requirements]
        subprocess.run(install, check=True, env=uv_env)
        manual_env["PY"] = str(python)

        releasekit_times, manual_times = [], []
        for n in range(ROUNDS):
            version = f"0.{n + 2}.0"
            if n:
                add_fragment(rk_project, n)
                add_fragment(manual_project, n)
            releasekit_times.append(timed(demo.release_command("minor", "--yes"), rk_project, rk_env))
            manual_times.append(timed(["bash", str(MANUAL), version], manual_project, manual_env))
            for origin in (rk_origin, manual_origin):
                assert git(origin, "describe", "--tags", "--abbrev=0", "main") == f"v{version}"

    rk_median = statistics.median(releasekit_times)
    manual_median = statistics.median(manual_times)
    print(
        f"\nrelease of the example, {ROUNDS} rounds: "
        f"nox -s release median {rk_median:.1f} s (rounds: {', '.join(f'{t:.1f}' for t in releasekit_times)}); "
        f"manual script median {manual_median:.1f} s (rounds: {', '.join(f'{t:.1f}' for t in manual_times)}); "
        f"ratio releasekit/manual {rk_median / manual_median:.2f}"
    )
    assert rk_median > 0 and manual_median > 0
