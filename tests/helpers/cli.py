"""Run the real ``releasekit`` command in a subprocess, as users and hooks do.

Every test that starts releasekit goes through here: ``releasekit`` runs it to the end,
``start`` leaves it running in the background, ``on_terminal`` gives it a terminal to
answer on, and ``command`` is the argv itself: for ``run`` with more options (stdin, a
resource limit), or for a test that must start the process its own way (through a shell,
measured). ``console_script`` is the installed entry point, for the benchmarks that time
it. ``run`` is the helpers' one runner of other commands too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

# An ``env`` entry adds or replaces a variable of the test's environment; None removes it.
Env = Mapping[str, str | None]


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def command(*args: str) -> list[str]:
    """The argv of ``releasekit args``: this interpreter running the package."""
    return [sys.executable, "-m", "releasekit", *args]


def console_script() -> str:
    """The ``releasekit`` console script beside this interpreter, as users start it (for timing its start-up)."""
    import shutil

    return shutil.which("releasekit", path=str(Path(sys.executable).parent)) or "releasekit"


def environment(env: Env | None = None) -> dict[str, str]:
    """The test's environment with ``env`` applied (a None value removes that variable)."""
    environ = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Env | None = None,
    timeout: float | None = None,
    stdin: int | IO[str] | None = subprocess.DEVNULL,
    preexec_fn: Callable[[], object] | None = None,
) -> Result:
    """Run ``argv`` in ``cwd`` to its end, output captured (a hang past ``timeout`` fails the test).

    Its stdin is /dev/null unless ``stdin`` says otherwise: no terminal to ask on, as in CI.
    ``preexec_fn`` runs in the child before the command starts (to set a resource limit).
    """
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env=environment(env),
        stdin=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def releasekit(*args: str, cwd: Path, env: Env | None = None, timeout: float | None = None) -> Result:
    """Run ``releasekit args`` in ``cwd`` to its end, as ``run`` does (its other options: ``run(command(...))``)."""
    return run(command(*args), cwd=cwd, env=env, timeout=timeout)


def start(*args: str, cwd: Path, env: Env | None = None) -> subprocess.Popen[str]:
    """Start ``releasekit args`` in the background, stdin /dev/null, stdout and stderr on one pipe.

    The caller waits for it: ``communicate(timeout=...)``.
    """
    return subprocess.Popen(
        command(*args),
        cwd=cwd,
        env=environment(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def on_terminal(*args: str, cwd: Path, answer: str, env: Env | None = None, timeout: float = 300) -> Result:
    """``releasekit args`` with a pseudo-terminal as stdin, typing ``answer`` for when it asks.

    stdout and stderr come back together, in ``stdout``.
    """
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        command(*args),
        cwd=cwd,
        env=environment(env),
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    os.close(follower)
    try:
        os.write(leader, answer.encode())  # read when the question comes
        output, _ = proc.communicate(timeout=timeout)
    finally:
        os.close(leader)
    return Result(proc.returncode, output, "")


def one_error(result: Result, code: int = 2) -> str:
    """The single error line of a run that must fail with ``code``, without its prefix."""
    assert result.returncode == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("releasekit: error: "), lines[0]
    return lines[0][len("releasekit: error: ") :]


def run_with_import_log(code: str, *args: str, cwd: Path, env: Env | None = None) -> Result:
    """Run ``python -c code args`` with Python's import log (``-X importtime``) on stderr.

    ``-S`` leaves out the site module, so no .pth file of the test tools (coverage,
    pre-commit-uv) imports anything first; this interpreter's path, site-packages
    included, comes in through PYTHONPATH instead.
    """
    path = os.pathsep.join(p for p in sys.path if p)
    environ = {**(env or {}), "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": None}
    return run([sys.executable, "-S", "-X", "importtime", "-c", code, *args], cwd=cwd, env=environ)


def imported_by_releasekit(*args: str, cwd: Path, env: Env | None = None) -> tuple[Result, set[str]]:
    """Run ``releasekit args`` as its console script does: the result (import log left out of
    stderr), and the modules it imported beyond Python's own start-up."""
    run = run_with_import_log("import sys; from releasekit.cli import main; sys.exit(main())", *args, cwd=cwd, env=env)
    baseline = run_with_import_log("pass", cwd=cwd, env=env)

    def split(stderr: str) -> tuple[list[str], set[str]]:
        lines = stderr.splitlines()
        log = {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}
        return [line for line in lines if not line.startswith("import time:")], log

    rest, modules = split(run.stderr)
    _, before = split(baseline.stderr)
    stderr = "".join(f"{line}\n" for line in rest)
    return Result(run.returncode, run.stdout, stderr), modules - before
