"""Shared benchmark fixtures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def hook_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with releasekit installed from this work tree (not editable), byte-compiled.

    The hooks are timed from here, as pre-commit would build their environment: the
    development environment's test tools (coverage, pre-commit-uv) hook into every
    interpreter's start-up through .pth files.
    """
    venv = tmp_path_factory.mktemp("hook-env") / "venv"
    uv = shutil.which("uv")
    base = [uv] if uv else [sys.executable, "-m", "uv"]
    subprocess.run([*base, "venv", "-q", "-p", sys.executable, str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    # The peers the hook benchmarks time beside the hooks: since the release machinery moved
    # to releasekit[release], the hooks' own install no longer brings them.
    peers = ["towncrier>=24.8", "bump-my-version"]
    install = [*base, "pip", "install", "-q", "--compile-bytecode", "--python", str(python), str(ROOT), *peers]
    subprocess.run(install, check=True, capture_output=True)
    return venv / "bin"
