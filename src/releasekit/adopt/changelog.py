"""Where towncrier's start marker goes in an existing changelog, and its heading style.

The marker goes after the title and any preamble, before the newest release, so
towncrier writes each new release above the older ones and below the introduction.
"""

from __future__ import annotations

import re

from releasekit.changelog.fragments import START_MARKERS
from releasekit.changelog.towncrier_config import RST_UNDERLINES, changelog_format, start_string

_VERSION = re.compile(r"\d+\.\d+")
_ADORNMENT = "=-~^\"'`#*+:._"


def _rst_headings(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(first line, title, character)`` of each section title (underlined, maybe overlined)."""
    found: list[tuple[int, str, str]] = []
    i = 0
    while i + 1 < len(lines):
        text, under = lines[i].rstrip(), lines[i + 1].rstrip()
        is_rule = len(under) >= 3 and under[0] in _ADORNMENT and under == under[0] * len(under)
        if text.strip() and not _is_rule(text) and is_rule and len(under) >= len(text.strip()):
            overlined = i > 0 and _is_rule(lines[i - 1].rstrip()) and lines[i - 1].rstrip()[0] == under[0]
            found.append((i - 1 if overlined else i, text.strip(), under[0]))
            i += 2
            continue
        i += 1
    return found


def _is_rule(line: str) -> bool:
    return len(line) >= 3 and line[0] in _ADORNMENT and line == line[0] * len(line)


def _md_headings(lines: list[str]) -> list[tuple[int, str, str]]:
    found = []
    fence = False
    for i, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fence = not fence
        elif not fence and (match := re.match(r"^(#{1,6})\s+(.*)$", line)):
            found.append((i, match.group(2).strip(), match.group(1)))
    return found


def has_marker(text: str) -> bool:
    """True when ``text`` already holds one of towncrier's start markers on a line of its own."""
    return any(line.strip() in START_MARKERS for line in text.splitlines())


def insert_marker(text: str, filename: str) -> str:
    """``text`` with towncrier's start marker before the newest release (at the end when none is there)."""
    if has_marker(text):
        return text
    marker = start_string(filename)
    lines = text.splitlines(keepends=True)
    headings = _md_headings(lines) if changelog_format(filename) == "md" else _rst_headings(lines)
    # The newest release: the first heading after the title that names a version.
    releases = [h for h in headings[1:] if _VERSION.search(h[1])] if headings else []
    if headings and _VERSION.search(headings[0][1]) and (not releases or releases[0][2] == headings[0][2]):
        releases = [headings[0]]  # no title: the file starts with a release (at the level of the others)
    if releases:
        at = releases[0][0]
        return "".join(lines[:at]) + f"{marker}\n\n" + "".join(lines[at:])
    body = text if not text or text.endswith("\n") else text + "\n"
    separator = "\n" if body.strip() and not body.endswith("\n\n") else ""
    return body + separator + f"{marker}\n"


def release_underlines(text: str) -> tuple[str, str, str]:
    """towncrier's ``underlines`` for an rST or plain-text changelog, in the style it already has.

    The version titles keep the character the newest release's title uses; sections and
    sub-sections take characters the file does not use yet.
    """
    headings = _rst_headings(text.splitlines())
    used = [h[2] for h in headings]
    release = next((h[2] for h in headings[1:] if _VERSION.search(h[1])), None)
    if release is None:
        # A title alone: releases go one level below it.
        release = next((c for c in RST_UNDERLINES if c not in used), RST_UNDERLINES[0])
    rest = [c for c in (*RST_UNDERLINES, "+", '"', "`") if c != release and c not in used]
    return release, rest[0], rest[1]


def newest_release_title(text: str, filename: str) -> str | None:
    """The title of the newest release in the changelog (the first heading below the top one naming a version)."""
    lines = text.splitlines()
    headings = _md_headings(lines) if filename.lower().endswith((".md", ".markdown")) else _rst_headings(lines)
    return next((h[1] for h in headings[1:] if _VERSION.search(h[1])), None)
