"""What the processes of one test run share: a directory, and things built in it once.

Under pytest-xdist every worker is a process of its own, with its own session-scoped
fixtures. An expensive artefact that the tests only read (the hooks' pre-commit cache,
a built wheel, a virtual environment) is built once per run, by whichever worker asks
first, under a file lock in ``run_dir``; the others wait for it and reuse it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

# Long enough for the slowest build (a hook environment with all of releasekit's
# dependencies, on a loaded machine); a worker that waits longer fails instead of hanging.
LOCK_TIMEOUT = 900.0
_DONE = ".built"


def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory all processes of this test run share, and only they.

    Under xdist each worker's base temp is ``pytest-N/popen-gwK``; ``pytest-N`` is the
    run's. Without xdist the base temp is the run's own.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def lock(path: Path) -> FileLock:
    """An inter-process lock beside ``path``."""
    return FileLock(str(path.with_name(path.name + ".lock")), timeout=LOCK_TIMEOUT)


def built_once(path: Path, build: Callable[[Path], None]) -> Path:
    """``path``, built by ``build(path)`` by the first process of the run that asks for it.

    The others wait on the lock and get it once it is complete: a build that raised is
    not marked done, so the next one to ask builds it again (and fails the same way).
    """
    done = path.with_name(path.name + _DONE)
    with lock(path):
        if not done.exists():
            build(path)
            done.touch()
    return path
