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


def releasekit(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Result:
    """Run ``python -m releasekit args`` in ``cwd`` with this interpreter."""
    proc = subprocess.run(
        [sys.executable, "-m", "releasekit", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
