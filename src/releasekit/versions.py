"""The version policy (RELEASE.md, "Version Numbering" and "Release Schedule").

SemVer with PEP 440 pre-releases; the bump a release's fragments call for; a minor
release every ``minor_every_days`` when features wait. The version files are checked
by ``releasekit.checks.version_sync``, the support lines by ``releasekit.support``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from releasekit.errors import ReleasekitError
from releasekit.semver import check_release_version
from releasekit.tags import TagFormat

if TYPE_CHECKING:
    from collections.abc import Iterable

    from packaging.version import Version

BUMPS = ("major", "minor", "patch")
_DEFAULT_FORMAT = TagFormat()


def parse_version(text: str, *, where: str = "version") -> Version:
    """Parse a release version, refusing anything that is not SemVer (+ a, b, rc)."""
    check_release_version(text, where=where)
    from packaging.version import Version

    return Version(text)


def tag_for(version: str, fmt: TagFormat = _DEFAULT_FORMAT) -> str:
    """The tag name of a version in the project's format ``fmt``: ``v1.2.3`` or ``1.2.3``."""
    return fmt.tag(version)


def version_from_tag(tag: str, fmt: TagFormat = _DEFAULT_FORMAT) -> Version | None:
    """The version a tag of format ``fmt`` names, or None for a tag that names no release version."""
    return fmt.version(tag)


def next_version(current: str, spec: str) -> str:
    """The version that ``major``, ``minor``, ``patch`` or an explicit ``X.Y.Z`` gives.

    From a pre-release, a bump that the pre-release already carries finalises it:
    ``1.2.0rc1`` + ``minor`` is ``1.2.0``. An explicit version must be higher.
    """
    now = parse_version(current, where="current version")
    major, minor, patch = now.release
    pre = now.pre is not None
    if spec == "major":
        new = f"{major}.0.0" if pre and minor == patch == 0 else f"{major + 1}.0.0"
    elif spec == "minor":
        new = f"{major}.{minor}.0" if pre and patch == 0 else f"{major}.{minor + 1}.0"
    elif spec == "patch":
        new = f"{major}.{minor}.{patch}" if pre else f"{major}.{minor}.{patch + 1}"
    else:
        if spec[:1] == "v" and spec[1:2].isdigit():
            spec = spec[1:]  # "v1.2.3" asks for 1.2.3, whatever the tag format
        if parse_version(spec, where="new version") <= now:
            raise ReleasekitError(f"new version {spec} is not higher than the current version {current}")
        new = spec
    return new


def required_bump(current: str, breaking: bool) -> str | None:
    """The least bump a release with breaking changes needs: major, or minor before 1.0."""
    if not breaking:
        return None
    return "major" if parse_version(current).major >= 1 else "minor"


def bump_for(current: str, roles: Iterable[str], *, any_fragment: bool = True) -> str | None:
    """The bump a release of fragments playing ``roles`` calls for; None without ``any_fragment``.

    breaking -> major (minor before 1.0), feature -> minor, anything else -> patch. The
    roles are those of the project's fragment types (``releasekit.changelog.fragments.roles``). The
    release, its notes draft and ``releasekit status`` all ask here.
    """
    if not any_fragment:
        return None
    kinds = set(roles)
    if "breaking" in kinds:
        return required_bump(current, breaking=True)
    return "minor" if "feature" in kinds else "patch"


def bump_kind(current: str, new: str) -> str:
    """Which part ``new`` raises over ``current``: major, minor or patch."""
    old, nxt = parse_version(current).release, parse_version(new).release
    if nxt[0] > old[0]:
        return "major"
    if nxt[1] > old[1]:
        return "minor"
    return "patch"


def minor_due(features_waiting: int, days_since_minor: int | None, every_days: int) -> bool:
    """Whether the schedule calls for a minor release now.

    It does when features wait and ``every_days`` (``minor_every_days``) have passed since
    the latest minor or major release, or when there has been none.
    """
    return features_waiting > 0 and (days_since_minor is None or days_since_minor >= every_days)
