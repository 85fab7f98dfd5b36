"""The syntax of a release version: SemVer, with PEP 440 pre-releases (a, b, rc).

Kept apart from ``releasekit.versions`` because configuration loading checks the current
version on every start, hooks included, and should not pay for the rest of that module.
"""

from __future__ import annotations

import re

from releasekit.errors import ReleasekitError

# MAJOR.MINOR.PATCH, optionally followed by a PEP 440 pre-release (a, b or rc and a number).
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:(a|b|rc)(0|[1-9]\d*))?")


def check_release_version(text: str, *, where: str = "version") -> None:
    """Refuse anything that is not a release version, naming ``where`` it came from."""
    if not SEMVER.fullmatch(text):
        raise ReleasekitError(
            f"{where}: {text!r} is not a release version; use MAJOR.MINOR.PATCH, optionally with a pre-release "
            "such as 1.2.0rc1"
        )
