"""Run real nox on generated projects, with the tool caches of the real HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.helpers.cli import Env, Result, environment, run

# conftest gives every test a HOME of its own; uv's cache must stay the real one, or
# every test would download its packages again.
_REAL_CACHE = os.environ.get("UV_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"
)


def tool_overrides(extra: Env | None = None) -> dict[str, str | None]:
    """What a nested tool run changes in the test's environment (``env`` of tests.helpers.cli):
    uv's real cache, ``extra``, and no inherited nox mode or virtual environment."""
    # Whatever nox session runs these tests must not choose the venvs of the nested runs.
    nested = dict.fromkeys(("NOX_SCRIPT_MODE", "VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT"))
    return {"UV_CACHE_DIR": _REAL_CACHE, **(extra or {}), **nested}


def tool_env(extra: Env | None = None) -> dict[str, str]:
    """The current environment, with uv's real cache and no inherited nox mode."""
    return environment(tool_overrides(extra))


def run_nox(
    project: Path,
    *args: str,
    python: str | Path = sys.executable,
    script_mode: str | None = "none",
    env: Env | None = None,
    timeout: float = 300,
) -> Result:
    """``python -m nox ARGS`` in ``project``, output captured."""
    mode = ["--script-mode", script_mode] if script_mode else []
    return run([os.fspath(python), "-m", "nox", *mode, *args], cwd=project, env=tool_overrides(env), timeout=timeout)


def listed_sessions(output: str) -> dict[str, bool]:
    """The sessions of ``nox -l`` output: name -> selected by default."""
    sessions: dict[str, bool] = {}
    for line in output.splitlines():
        if line[:2] in ("* ", "- "):
            sessions[line[2:].split(" -> ")[0].strip()] = line[0] == "*"
    return sessions
