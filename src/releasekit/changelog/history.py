"""How the project writes a version in its changelog's headings: ``7.6.1`` or ``v7.6.1``.

The version releasekit passes to ``towncrier build --version`` is the one the heading
shows (towncrier writes what it is given), so a project whose releases read ``## v7.6.1``
gets ``## v7.6.2``, unless its own title format or template already puts the ``v`` there.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from releasekit.bounded import read_toml
from releasekit.changelog.dates import format_date
from releasekit.changelog.notes import _headings, _plain_headings, markup_of, title_text, towncrier_value
from releasekit.config import table
from releasekit.safefiles import read_bytes

# A version in a heading's text, with the ``v`` the project may write before it.
_VERSION = re.compile(r"(?<![\w.])([vV]?)(\d+\.\d+(?:\.\d+)*(?:[-.]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)*)(?![\w])")
# A "v" the title format or template writes itself before the version.
_OWN_V = re.compile(r"[vV]\{\{?\s*(?:versiondata\.)?version\s*\}?\}")


def heading_versions(text: str, markup: str, start_string: str | None = None) -> list[tuple[str, str]]:
    """``(prefix, version)`` of each release heading of the changelog, newest first."""
    if start_string and start_string.strip() in text:
        text = text.split(start_string.strip(), 1)[1]
    lines = text.splitlines()
    headings = _headings(lines, markup)
    if markup == "txt" and not headings:
        headings = _plain_headings(lines)
    found = []
    for _, _, title, _ in headings:
        match = _VERSION.search(title_text(title))
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def version_prefix(text: str, markup: str, start_string: str | None = None) -> str:
    """``v`` when the latest release heading writes its version ``v7.6.1``, else empty."""
    found = heading_versions(text, markup, start_string)
    return found[0][0] if found else ""


def towncrier_adds_v(title_format: str | None, template: str | None) -> bool:
    """True when the title format or the template's text writes a ``v`` right before the version itself."""
    return any(text and _OWN_V.search(text) for text in (title_format, template))


def heading_version(root: Path, filename: str, version: str) -> str:
    """``version`` as the changelog's headings write it: with the ``v`` the latest release heading has,
    unless towncrier's title format or the project's template adds it. ``root`` holds pyproject.toml."""
    pyproject = root / "pyproject.toml"
    try:
        text = read_bytes(root, filename, "changelog").decode("utf-8", "replace")
    except OSError:
        return version
    start = towncrier_value(root, pyproject, "start_string")
    prefix = version_prefix(text, markup_of(filename), start)
    if not prefix or not version[:1].isdigit():
        return version
    template = towncrier_value(root, pyproject, "template")
    template_text = None
    if template and not re.fullmatch(r"[-\w.]+:[-\w.]+", template):
        try:
            template_text = read_bytes(root, template, "config").decode("utf-8", "replace")
        except OSError:
            template_text = None
    if towncrier_adds_v(towncrier_value(root, pyproject, "title_format"), template_text):
        return version
    return prefix + version


def title_settings(root: Path) -> tuple[str | None, str | None]:
    """``(version_format, date_format)`` of ``[tool.releasekit.changelog]`` (checked when the config loaded)."""
    own = table(read_toml(root / "pyproject.toml"), "tool.releasekit.changelog") or {}
    version_format, date_format = own.get("version_format"), own.get("date_format")
    return (
        version_format if isinstance(version_format, str) else None,
        date_format if isinstance(date_format, str) else None,
    )


def towncrier_arguments(root: Path, filename: str, version: str, previous: str) -> list[str]:
    """``--version`` (and ``--date``) for ``towncrier build``, as the changelog's titles write them."""
    version_format, date_format = title_settings(root)
    if version_format is not None:
        shown = version_format.format(version=version, previous=previous)
    else:  # the version as the headings write it (v7.6.2 under v7.6.1)
        shown = heading_version(root, filename, version)
    arguments = ["--version", shown]
    if date_format is not None:
        arguments += ["--date", format_date(date_format, datetime.date.today())]
    return arguments
