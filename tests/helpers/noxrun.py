"""Run real nox on generated projects, with the tool caches of the real HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# conftest gives every test a HOME of its own; uv's cache must stay the real one, or
# every test would download its packages again.
_REAL_CACHE = os.environ.get("UV_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"
)


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment, with uv's real cache and no inherited nox mode."""
    env = {**os.environ, "UV_CACHE_DIR": _REAL_CACHE, **(extra or {})}
    # Whatever nox session runs these tests must not choose the venvs of the nested runs.
    for key in ("NOX_SCRIPT_MODE", "VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT"):
        env.pop(key, None)
    return env


def run_nox(
    project: Path,
    *args: str,
    python: str | Path = sys.executable,
    script_mode: str | None = "none",
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m nox ARGS`` in ``project``, output captured ."""
    mode = ["--script-mode", script_mode] if script_mode else []
    cmd: Sequence[str] = [os.fspath(python), "-m", "nox", *mode, *args]
    return subprocess.run(
        cmd, cwd=project, env=tool_env(env), capture_output=True, text=True, timeout=timeout, check=False
    )


def listed_sessions(output: str) -> dict[str, bool]:
    """The sessions of ``nox -l`` output: name -> selected by default."""
    sessions: dict[str, bool] = {}
    for line in output.splitlines():
        if line[:2] in ("* ", "- "):
            sessions[line[2:].split(" -> ")[0].strip()] = line[0] == "*"
    return sessions
