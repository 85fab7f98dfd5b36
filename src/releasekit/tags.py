"""Release tags: the project's tag format (``v1.2.3`` or ``1.2.3``), configured or detected.

``[tool.releasekit] tag_format`` names it (``"v{version}"``, ``"{version}"``, or a prefix
and suffix of one's own around exactly one ``{version}``). Without it, the format is the
one the project's existing tags use, judged by the highest version-like tag, and
``v{version}`` for a project with no release tag yet. Every place that makes or reads a
release tag goes through one :class:`TagFormat`.

The version-sync hook reads tags on every commit, so this module imports no more than
``releasekit.semver`` (``re``) at its top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from releasekit.errors import ReleasekitError
from releasekit.semver import SEMVER

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    from packaging.version import Version

FIELD = "{version}"
DEFAULT = "v{version}"
# Characters a tag format may hold around {version}: enough for "v", "release-", "pkg/v",
# and nothing git reads as an option, a revision operator or a glob.
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-")


class TagFormat(NamedTuple):
    """How a version becomes a tag name, and back."""

    template: str = DEFAULT
    source: str = "default"  # "configured", "detected" or "default"

    def tag(self, version: str) -> str:
        """The tag name of ``version``: ``v1.2.3`` for ``v{version}``."""
        return self.template.replace(FIELD, version)

    def version(self, tag: str) -> Version | None:
        """The release version ``tag`` names in this format, or None for any other tag."""
        text = self.version_text(tag)
        if text is None:
            return None
        from packaging.version import Version

        return Version(text)

    def version_text(self, tag: str) -> str | None:
        """The version part of ``tag`` as written, when it is a release version in this format."""
        prefix, _, suffix = self.template.partition(FIELD)
        if len(tag) <= len(prefix) + len(suffix) or not tag.startswith(prefix) or not tag.endswith(suffix):
            return None
        text = tag[len(prefix) : len(tag) - len(suffix)]
        return text if SEMVER.fullmatch(text) else None

    @property
    def glob(self) -> str:
        """A ``git tag --list`` pattern that every tag of this format matches."""
        return self.template.replace(FIELD, "[0-9]*")


def check_template(template: str, *, where: str) -> str:
    """``template`` when it is a usable tag format, else one clear error naming ``where``.

    It holds exactly one ``{version}``; around it only letters, digits and ``. _ / + -``,
    never starting with ``-``, ``.`` or ``/`` (git would read an option or refuse the ref).
    """
    rest = template.replace(FIELD, "", 1)
    if template.count(FIELD) != 1:
        raise ReleasekitError(f"{where}: {template!r} must hold {FIELD} exactly once, as in 'v{{version}}'")
    bad = sorted({c for c in rest if c not in _ALLOWED})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ReleasekitError(f"{where}: {template!r} holds {shown}; a tag format may hold letters, digits and ._/+-")
    edges = template[:1] in ("-", ".", "/") or template.endswith(("/", ".", ".lock"))
    if edges or ".." in template or "//" in template:
        raise ReleasekitError(f"{where}: {template!r} would not make a valid git tag name")
    return template


def detect(names: Iterable[str]) -> TagFormat | None:
    """The format of the project's existing tags: that of its highest version-like tag.

    Only ``v{version}`` and ``{version}`` are recognised. Where both spell the highest
    version, ``v`` wins. None when no tag looks like a release.
    """
    from packaging.version import Version

    best: tuple[Version, int] | None = None
    chosen = None
    for name in names:
        for rank, template in ((1, DEFAULT), (0, FIELD)):
            text = TagFormat(template).version_text(name)
            if text is not None:
                key = (Version(text), rank)
                if best is None or key > best:
                    best, chosen = key, template
    return TagFormat(chosen, "detected") if chosen is not None else None


def project_format(configured: str | None, names: Iterable[str]) -> TagFormat:
    """The project's tag format: ``configured`` (already checked), else detected from ``names``, else the default."""
    if configured is not None:
        return TagFormat(configured, "configured")
    return detect(names) or TagFormat()


def from_version_or_tag(text: str, fmt: TagFormat) -> str | None:
    """The tag ``text`` names: itself when it is a tag of ``fmt``, or the tag of a bare (or ``v``-prefixed) version.

    So ``releasekit hotfix 1.2.0`` and ``releasekit hotfix v1.2.0`` both find the tag, whichever
    format the project uses. None when ``text`` names no release version.
    """
    if fmt.version_text(text) is not None:
        return text
    bare = text[1:] if text[:1] in ("v", "V") and text[1:2].isdigit() else text
    return fmt.tag(bare) if SEMVER.fullmatch(bare) else None


def release_tags(root: str | os.PathLike[str], configured: str | None) -> tuple[TagFormat, list[str]]:
    """The project's tag format and its release tags, from one ``git tag --list``.

    ``configured`` is ``[tool.releasekit] tag_format`` (``Config.tag_format``), or None.
    """
    from releasekit import git

    names = git.tags(root, "*")
    fmt = project_format(configured, names)
    return fmt, [name for name in names if fmt.version_text(name) is not None]
