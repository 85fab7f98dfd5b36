"""SIGKILL at random moments of a release, each time resumed: in the end, exactly one release.

Where test_crash_windows ends the process at chosen points between a side effect and its
journal entry, this test kills ``releasekit release`` from outside, with SIGKILL, at
moments drawn at random: first twice inside the overlapping work (the package check
running beside the tests, which sleep so the overlap lasts), then anywhere. Each kill is
followed by the same command again; the children the killed process left running (a
build, a push, an upload) may still finish behind its back. The release must end with one
release commit, one tag, and the same files on both indexes. The seed is printed on failure;
``RELEASEKIT_KILL_SEED`` replays it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.cli import command, environment
from tests.helpers.releaseproj import make_project, step_mark
from tests.helpers.releasing import Indexes, assert_released, index_env, release, state_dir

pytestmark = pytest.mark.integration

# The tests gate sleeps: the package check and the tests overlap for seconds.
SLOW_TESTS = json.dumps([sys.executable, "-c", "import time; time.sleep(4); print('the tests pass')"])


def completed(project_root: Path) -> list[str]:
    path = project_root / ".git" / "releasekit" / "release.json"
    if not path.is_file():
        return []
    steps: list[str] = json.loads(path.read_text())["completed"]
    return steps


def kill_after(cmd: list[str], cwd: Path, env: dict[str, str], marker: str | None, delay: float) -> str:
    """Start ``cmd``; SIGKILL it ``delay`` seconds after it prints ``marker`` (or after it starts); its output."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen: list[str] = []
    if marker is not None:
        deadline = time.monotonic() + 300
        for line in proc.stdout:
            seen.append(line)
            if marker in line or time.monotonic() > deadline:
                break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate(timeout=60)
    return "".join(seen) + rest


def test_sigkill_at_random_moments_then_resume(tmp_path: Path, servers: Indexes) -> None:
    seed = int(os.environ.get("RELEASEKIT_KILL_SEED") or time.time_ns() % 1_000_000)
    rng = random.Random(seed)
    project = make_project(
        tmp_path, tests_gate=False, extra_pyproject=f"\n[tool.releasekit.gates]\ntests = {SLOW_TESTS}\n"
    )
    env = index_env(servers)
    full_env = environment(env)
    cmd = command("release", "minor", "--yes")
    tests_started = f"{step_mark('tests')} ..."
    log = [f"seed {seed}"]

    # Twice inside the overlap: after the tests have started beside the package check.
    for _ in range(2):
        delay = rng.uniform(0.0, 2.5)
        output = kill_after(cmd, project.root, full_env, tests_started, delay)
        done = completed(project.root)
        log.append(f"killed {delay:.2f} s after the tests started; journal: {done}")
        assert tests_started in output, "\n".join(log) + "\n" + output
        # The tests started while the package check was still running: the kill came inside the overlap.
        package_ended = output.find(step_mark("package-check") + ": ok")
        assert package_ended == -1 or output.index(tests_started) < package_ended, output
        assert step_mark("tests") + ": ok" not in output, "\n".join(log)  # the kill landed inside the overlap
        assert "tests" not in done and set(done) <= {"preflight", "package-check"}, "\n".join(log)

    # Then anywhere in the release.
    for _ in range(3):
        delay = rng.uniform(0.5, 20.0)
        kill_after(cmd, project.root, full_env, None, delay)
        log.append(f"killed {delay:.2f} s after the start; journal: {completed(project.root)}")

    if not (state_dir(project) / "released-0.2.0.json").exists():  # the last kill may have come after the end
        final = release(project, "minor", "--yes", env=env)
        log.append(final.output)
        assert final.returncode == 0, "\n".join(log)
    assert_released(project, servers)
    assert not (state_dir(project) / "release.json").exists()


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive (a zombie nobody reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_release_killed_with_sigkill_takes_its_running_tool_with_it(tmp_path: Path, servers: Indexes) -> None:
    pidfile = tmp_path / "gate.pid"
    gate = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    project = make_project(
        tmp_path / "p",
        tests_gate=False,
        extra_pyproject=f"\n[tool.releasekit.gates]\ntests = {json.dumps([sys.executable, '-c', gate])}\n",
    )
    proc = subprocess.Popen(
        command("release", "minor", "--yes"),
        cwd=project.root,
        env=environment(index_env(servers)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not (pidfile.is_file() and pidfile.read_text()) and time.monotonic() < deadline:
            assert proc.poll() is None, "the release ended before its tests gate started"
            time.sleep(0.2)
        gate_pid = int(pidfile.read_text())
        assert _running(gate_pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        end = time.monotonic() + 10
        while _running(gate_pid) and time.monotonic() < end:
            time.sleep(0.1)
        if _running(gate_pid):
            os.kill(gate_pid, signal.SIGKILL)
            pytest.fail("the tests gate outlived the release killed with SIGKILL")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
