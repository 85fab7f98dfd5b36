"""The release's live checklist on a pseudo-terminal, and the plain lines everywhere else.

``releasekit release --dry-run`` runs on a real project (its tests gate sleeps, so the
package check and the tests overlap) with its output on a pty: the rich display must show
the steps with their states (a spinner and the time while running, a tick and the time when
done, the reason of a skip), the side-by-side steps marked as such, and the summary at the
end. With ``TERM=dumb``, with ``NO_COLOR``, or through a pipe, the output is the plain
checklist lines, the same in all three.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.cli import command, environment
from tests.helpers.releaseproj import make_project
from tests.helpers.releasing import Indexes, index_env

pytestmark = pytest.mark.integration

SLOW_TESTS = json.dumps([sys.executable, "-c", "import time; time.sleep(3); print('the tests pass')"])
SPINNER = set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")


def on_pty(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> tuple[int, str]:
    """Run ``args`` with stdout and stderr on a pseudo-terminal; its exit code and everything it drew."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the follower side closed: the process is done
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=30)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    return code, b"".join(chunks).decode("utf-8", errors="replace")


def plain(output: str) -> list[str]:
    """The checklist's lines with the times taken out (they differ from run to run)."""
    lines = [re.sub(r"\d+\.\d s", "T s", line) for line in output.replace("\r\n", "\n").splitlines()]
    return [line for line in lines if line.startswith("[")]


@pytest.fixture
def project_env(tmp_path: Path, servers: Indexes) -> tuple[Path, dict[str, str]]:
    extra = f"\n[tool.releasekit.gates]\ntests = {SLOW_TESTS}\n"
    project = make_project(tmp_path, tests_gate=False, extra_pyproject=extra)
    env = environment({**index_env(servers), "NO_COLOR": None, "TERM": "xterm-256color", "COLUMNS": "160"})
    return project.root, env


def test_the_live_checklist_on_a_terminal(project_env: tuple[Path, dict[str, str]]) -> None:
    root, env = project_env
    code, screen = on_pty(command("release", "--dry-run"), root, env)
    assert code == 0, screen
    assert "\x1b[" in screen  # drawn, with colours and cursor moves
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r", "")
    assert SPINNER & set(screen), screen  # a step ran with its spinner
    assert re.search(r"Package check \(build, twine check, manifest, installs\) \(side by side\)", screen), screen
    assert re.search(r"Tests \(the project's nox, tox or pytest gates\) \(side by side\)", screen), screen
    final = screen[screen.rindex("[ 1/15]") :]  # the last drawing of the checklist
    assert re.search(r"✓ .*\[ 1/15\] Preflight checks .*\d+\.\d s", screen), screen
    assert re.search(r"↷ .*Test index: upload +dry run", final), final  # skipped, with the reason
    assert "✓" in final and "tests" in final  # the tests phase under its step, done
    assert "would publish" in screen  # the summary at the end
    assert not re.search(r"^\[ 1/15\] Preflight checks \.\.\.$", screen.replace("\r", ""), re.M)  # not the plain lines


def test_plain_lines_without_a_colour_terminal(project_env: tuple[Path, dict[str, str]]) -> None:
    root, env = project_env
    piped = subprocess.run(command("release", "--dry-run"), cwd=root, env=env, capture_output=True, text=True)
    assert piped.returncode == 0, piped.stdout + piped.stderr
    expected = plain(piped.stdout)
    assert expected[0] == "[ 1/15] Preflight checks ..."
    assert "[ 7/15] Test index: upload: skipped (dry run)" in expected
    for change in ({"TERM": "dumb"}, {"NO_COLOR": "1"}):
        code, screen = on_pty(command("release", "--dry-run"), root, {**env, **change})
        assert code == 0, screen
        assert "\x1b[" not in screen and not SPINNER & set(screen), change
        # The same lines (side by side: in any order).
        assert sorted(plain(screen)) == sorted(expected), (change, screen, piped.stdout)
