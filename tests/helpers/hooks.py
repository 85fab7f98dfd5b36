"""Run releasekit's hooks the way users get them: `pre-commit try-repo` against this repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli import Result

ROOT = Path(__file__).resolve().parents[2]


def try_repo(target: Path, hook: str, *args: str, pre_commit_home: Path) -> Result:
    """Run ``pre-commit try-repo <this repo> <hook> args`` inside the repository ``target``.

    try-repo takes this repository's working tree as it is (uncommitted changes
    included), installs it into a hook environment, and runs the hook.
    """
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, *args],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
