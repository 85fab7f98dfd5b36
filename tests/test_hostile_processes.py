"""Every tool releasekit starts has a bound on its wait, and dies with releasekit.

A tool that hangs (a trickling index under twine, a git remote that never answers) is
stopped: at its own timeout, or, run without one, at RELEASEKIT_PROCESS_TIMEOUT. And a
releasekit killed with SIGKILL takes the tool it was running with it (Linux:
PR_SET_PDEATHSIG), instead of leaving it to finish an upload or a push behind its back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from releasekit import process
from releasekit.errors import CommandError, ReleasekitError

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")


def test_a_tool_run_without_a_timeout_is_stopped_at_the_process_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASEKIT_PROCESS_TIMEOUT", "1")
    raised: list[BaseException] = []

    def call() -> None:
        try:
            process.run([sys.executable, "-c", "print('started', flush=True); import time; time.sleep(60)"])
        except BaseException as exc:
            raised.append(exc)

    start = time.monotonic()
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "the run was not stopped"
    assert time.monotonic() - start < 15
    assert len(raised) == 1 and isinstance(raised[0], CommandError)
    assert raised[0].returncode == -1
    assert raised[0].output.splitlines()[-2:] == ["started", "stopped: still running after 1 s"]


def test_a_bad_process_timeout_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASEKIT_PROCESS_TIMEOUT", "soon")
    with pytest.raises(ReleasekitError, match=r"^environment variable RELEASEKIT_PROCESS_TIMEOUT must be a number"):
        process.run([sys.executable, "-c", "pass"])


def _gone(pid: int, within: float) -> bool:
    """Whether ``pid`` has ended (or is a zombie no one reaped) within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


@linux_only
@pytest.mark.parametrize("timeout", [None, 600.0], ids=["no-timeout", "own-group"])
def test_a_tool_dies_with_a_releasekit_killed_by_sigkill(tmp_path: Path, timeout: float | None) -> None:
    pidfile = tmp_path / "tool.pid"
    tool = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    parent = (
        f"import sys\nfrom releasekit.process import run\nrun([sys.executable, '-c', {tool!r}], timeout={timeout!r})\n"
    )
    releasekit = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            if pidfile.is_file() and pidfile.read_text():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the tool never started")
        tool_pid = int(pidfile.read_text())
        assert not _gone(tool_pid, 0.5)  # it runs while releasekit does
        os.kill(releasekit.pid, signal.SIGKILL)
        releasekit.wait(10)
        if not _gone(tool_pid, 10):
            os.kill(tool_pid, signal.SIGKILL)  # no stray process after the test, whatever happened
            pytest.fail("the tool outlived the releasekit that started it")
    finally:
        if releasekit.poll() is None:
            releasekit.kill()
            releasekit.wait(10)


def test_which_children_are_armed() -> None:
    armed = process._worth_arming
    assert armed(["twine", "upload", "x"]) and armed([sys.executable, "-m", "build"]) and armed(["/usr/bin/uv", "pip"])
    assert armed(["git", "push", "--quiet", "origin", "v1"]) and armed(["/usr/bin/git", "fetch", "origin"])
    assert not armed(["git", "rev-parse", "HEAD"]) and not armed(["git", "tag", "--list", "push"])
