"""The syntax of a release version: SemVer, with PEP 440 pre-releases (a, b, rc).

Kept apart from ``releasekit.versions`` because configuration loading checks the current
version on every start, hooks included, and should not pay for the rest of that module.
"""

from __future__ import annotations

import re

from releasekit.errors import ReleasekitError

# MAJOR.MINOR.PATCH, optionally followed by a PEP 440 pre-release (a, b or rc and a number).
# ASCII digits only (``\d`` would take other scripts' digits, which packaging refuses), and
# at most 12 of them per number, so that no version string costs a huge int conversion.
_NUMBER = r"(0|[1-9][0-9]{0,11})"
SEMVER = re.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:(a|b|rc){_NUMBER})?", re.ASCII)


def check_release_version(text: str, *, where: str = "version") -> None:
    """Refuse anything that is not a release version, naming ``where`` it came from."""
    if not SEMVER.fullmatch(text):
        shown = repr(text) if len(text) <= 40 else f"{text[:30]!r}... ({len(text)} characters)"
        raise ReleasekitError(
            f"{where}: {shown} is not a release version; use MAJOR.MINOR.PATCH (at most 12 digits each, "
            "0-9 only), optionally with a pre-release such as 1.2.0rc1"
        )
