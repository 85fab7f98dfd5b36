"""Real pypiserver processes on 127.0.0.1: the package indexes of the tests.

The code lives in :mod:`releasekit.localindex`, so ``nox -s demo`` can use it too.
"""

from __future__ import annotations

from releasekit.localindex import LocalIndex, free_port, pypiserver

__all__ = ["LocalIndex", "free_port", "pypiserver"]
