"""Dying on purpose inside the windows between a side effect and its journal entry: a testing aid.

``RELEASEKIT_FAIL_AT_STEP`` stops a release cleanly after a step is journaled. A real crash
(power loss, ``kill -9``) can also come after the release commit, the tag, the push or an
upload was made but before the journal says so; the next run must notice what is already
done rather than do it twice. ``RELEASEKIT_CRASH_AT=<point>`` makes the process end with
``os._exit`` at that point: no journal write, no clean-up, no ``finally``.
"""

from __future__ import annotations

import os
import sys

from releasekit.environment import CRASH_POINTS, CRASH_UPLOAD_STEPS, is_crash_point
from releasekit.errors import ReleasekitError

CRASH_AT_ENV = "RELEASEKIT_CRASH_AT"
CRASH_EXIT = 3  # an exit code releasekit gives for nothing else


def requested() -> str | None:
    """The crash point the environment asks for (checked), or None."""
    value = os.environ.get(CRASH_AT_ENV, "").strip()
    if not value:
        return None
    if is_crash_point(value):
        return value
    raise ReleasekitError(
        f"{CRASH_AT_ENV}={value[:60]}: no such crash point; points are {', '.join(CRASH_POINTS)}, "
        f"{', '.join(f'{s}:N' for s in CRASH_UPLOAD_STEPS)} (N counts files from 1)"
    )


def point(name: str) -> None:
    """End the process at once when ``RELEASEKIT_CRASH_AT`` names this point."""
    if os.environ.get(CRASH_AT_ENV, "").strip() != name:
        return
    sys.stdout.flush()
    sys.stderr.write(f"releasekit: {CRASH_AT_ENV}={name}: ending the process here, as asked\n")
    sys.stderr.flush()
    os._exit(CRASH_EXIT)
