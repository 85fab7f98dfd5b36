"""Release notes: one version's section of the changelog, or towncrier's draft of the next.

The GitHub release and the release summary print these, so they come without the
version heading (the release has its own title).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from releasekit.config import Config
from releasekit.errors import ReleasekitError
from releasekit.process import python_module, run

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


class Section(NamedTuple):
    """A version's part of the changelog: its heading line and the Markdown below it."""

    heading: str
    body: str


def _names_version(title: str, version: str) -> bool:
    # The version as a whole token: 1.2.0 must not match 1.2.0rc1 or 11.2.0.
    return re.search(rf"(?<![\w.]){re.escape(version)}(?![\w]|\.\d)", title) is not None


def find_section(text: str, version: str, *, start_string: str | None = None) -> Section | None:
    """The section of a Markdown changelog whose heading names ``version`` (``v`` prefix allowed).

    It runs to the next heading of the same or a higher level. Headings inside fenced
    code blocks do not count. Only the part after ``start_string`` is searched, when it is there.
    """
    version = version[1:] if version[:1] in ("v", "V") and version[1:2].isdigit() else version
    if start_string and start_string.strip() in text:
        text = text.split(start_string.strip(), 1)[1]
    lines = text.splitlines()
    in_fence = False
    start: int | None = None
    level = 0
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            continue
        if start is None:
            if _names_version(match.group(2), version):
                start, level = i, len(match.group(1))
        elif len(match.group(1)) <= level:
            return Section(lines[start], "\n".join(lines[start + 1 : i]).strip("\n") + "\n")
    if start is None:
        return None
    return Section(lines[start], "\n".join(lines[start + 1 :]).strip("\n") + "\n")


def version_notes(config: Config, version: str) -> str:
    """The notes of a released ``version``, from the changelog."""
    path = config.root / config.fragments.filename
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReleasekitError(f"{config.fragments.filename}: file not found") from None
    except UnicodeDecodeError:
        raise ReleasekitError(f"{config.fragments.filename}: not valid UTF-8") from None
    section = find_section(text, version, start_string=_start_string(config.pyproject))
    if section is None:
        raise ReleasekitError(f"{config.fragments.filename}: no section for version {version}")
    return section.body


def _start_string(pyproject: Path) -> str | None:
    from releasekit.config import read_toml

    table = read_toml(pyproject).get("tool", {}).get("towncrier", {})
    value = table.get("start_string") if isinstance(table, dict) else None
    return value if isinstance(value, str) else None


def draft_version(config: Config) -> str:
    """The version the unreleased fragments would make: major or minor for breaking
    changes (minor before 1.0), minor for features, else patch; "unreleased" without a version.
    """
    if config.version is None:
        return "unreleased"
    from releasekit.fragments import validate_directory
    from releasekit.versions import next_version, required_bump

    fragments, _ = validate_directory(config.root, config.fragments)
    kinds = {f.type for f in fragments}
    current = config.version.current
    bump = required_bump(current, "breaking" in kinds) or ("minor" if "feature" in kinds else "patch")
    return next_version(current, bump)


def draft_notes(config: Config) -> str:
    """towncrier's draft of the unreleased notes (``towncrier build --draft``), without its title."""
    if not config.fragments.configured:
        raise ReleasekitError(f"{config.pyproject.name}: no [tool.towncrier] section; nothing to draft notes from")
    version = draft_version(config)
    proc = run(python_module("towncrier", "build", "--draft", "--version", version), cwd=config.root)
    lines = proc.stdout.strip("\n").splitlines()
    if lines and _HEADING.match(lines[0]) and version in lines[0]:
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"
