"""The support policy (RELEASE.md, "Version Support"): which release lines get fixes.

The latest minor line gets full support, the previous one security updates, older
ones none. ``releasekit support`` prints the table, ``releasekit status`` shows it, and
a hotfix is refused on a line that gets none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from releasekit.tags import TagFormat

if TYPE_CHECKING:
    from collections.abc import Iterable

    from packaging.version import Version

# The support each line gets, newest line first; every older line gets the last.
LEVELS = ("full", "security", "none")
_DEFAULT_FORMAT = TagFormat()


class SupportRow(NamedTuple):
    """One minor line of releases and the support it gets."""

    line: str  # "1.2"
    latest: str  # the newest release on that line
    support: str  # "full", "security" or "none"


def support_table(tags: Iterable[str], fmt: TagFormat = _DEFAULT_FORMAT) -> list[SupportRow]:
    """Support by minor line: the latest gets full support, the previous security fixes, older none.

    ``tags`` are read in the project's tag format ``fmt``; others are not releases.
    Pre-releases are not releases users are supported on, so they are left out.
    """
    lines: dict[tuple[int, int], Version] = {}
    for tag in tags:
        version = fmt.version(tag)
        if version is None or version.is_prerelease:
            continue
        key = (version.major, version.minor)
        if key not in lines or version > lines[key]:
            lines[key] = version
    rows = []
    for rank, key in enumerate(sorted(lines, reverse=True)):
        support = LEVELS[min(rank, len(LEVELS) - 1)]
        rows.append(SupportRow(f"{key[0]}.{key[1]}", str(lines[key]), support))
    return rows
