"""Run the real ``releasekit`` command in a subprocess, as users and hooks do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def releasekit(*args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float | None = None) -> Result:
    """Run ``python -m releasekit args`` in ``cwd`` with this interpreter (a hang past ``timeout`` fails the test)."""
    proc = subprocess.run(
        [sys.executable, "-m", "releasekit", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_with_import_log(code: str, *args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Result:
    """Run ``python -c code args`` with Python's import log (``-X importtime``) on stderr.

    ``-S`` leaves out the site module, so no .pth file of the test tools (coverage,
    pre-commit-uv) imports anything first; this interpreter's path, site-packages
    included, comes in through PYTHONPATH instead.
    """
    environ = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", code, *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def imported_by_releasekit(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> tuple[Result, set[str]]:
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
