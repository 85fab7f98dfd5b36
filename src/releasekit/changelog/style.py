"""The style of a Markdown changelog's releases, learned from the newest ones, for towncrier's settings.

``derive_style`` reads the newest release's heading (and a date line under it, such as
``Released 2026-08-24``), turns its version and ISO date into towncrier's ``{version}`` and
``{project_date}``, and proves the result: the title format, given that release's version
and date, must give its heading back byte for byte. What towncrier cannot write (a link to
a compare range naming the previous version, a date that is not ISO) is said, with what to
set. The section titles come from the newest releases' ``###`` headings, in their order.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from releasekit.changelog.notes import _headings, title_text

_VERSION = re.compile(r"(?:(?<=[/=vV\[])|(?<![\w.]))(\d+\.\d+(?:\.\d+)*(?:(?:a|b|rc|\.dev|\.post)\d+)*)(?![\w]|\.\d)")
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_OTHER_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{4}/\d{2}/\d{2})\b"
)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_LINK_REFERENCE = re.compile(r"^\[[^\]\n]+\]:[ \t]*\S+", re.MULTILINE)
KEEP_A_CHANGELOG = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


class Style(NamedTuple):
    """What the newest releases say: towncrier's title format (None when it cannot write the heading),
    why not, the section titles in order, and whether link reference definitions are kept."""

    title_format: str | None
    problem: str | None
    sections: tuple[str, ...]
    link_references: bool
    heading: str  # the newest release's heading (and date line), as the file has it


def _releases(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(line, level, text)`` of each heading that names a version, outside fenced code."""
    found, fence = [], False
    for i, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fence = not fence
        elif not fence and (match := _HEADING.match(line)) and _VERSION.search(title_text(match.group(2))):
            found.append((i, len(match.group(1)), match.group(2)))
    return found


def _date_line(lines: list[str], at: int) -> str | None:
    """A short line right under the heading (after one blank line) that holds a date: ``Released 2026-08-24``."""
    if at + 2 >= len(lines) or lines[at + 1].strip():
        return None
    line = lines[at + 2]
    dated = _ISO_DATE.search(line) or _OTHER_DATE.search(line)
    if not line.strip() or _HEADING.match(line) or re.match(r"\s*([-*+]|\d+[.)])\s", line) or len(line) > 80:
        return None
    return line if dated else None


def _format_of(heading: str, version: str) -> tuple[str | None, str | None]:
    """towncrier's title format for ``heading`` of ``version``, or None and why it cannot be one."""
    other = [m.group(1) for m in _VERSION.finditer(heading) if m.group(1) != version]
    if other:
        return None, (
            f"its release headings name a second version ({other[0]}, a compare range): towncrier's title_format "
            "knows only the new one; set title_format by hand (a link to the tag: .../tree/v{version})"
        )
    odd_date = _OTHER_DATE.search(heading)
    if odd_date:
        return None, (
            f"its release headings write dates as {odd_date.group()!r}; towncrier writes {{project_date}} as "
            "2026-12-07 (or what --date says); set title_format by hand"
        )
    escaped = heading.replace("{", "{{").replace("}", "}}")
    escaped = _VERSION.sub(lambda m: "{version}" if m.group(1) == version else m.group(), escaped)
    return _ISO_DATE.sub("{project_date}", escaped), None


def derive_style(text: str) -> Style | None:
    """The style of the newest releases of a Markdown changelog, or None when it has no release yet."""
    lines = text.splitlines()
    releases = _releases(lines)
    if not releases:
        return None
    at, level, title = releases[0]
    heading = lines[at]
    date_line = _date_line(lines, at)
    full = heading + (f"\n\n{date_line}" if date_line else "")
    version_match = _VERSION.search(title_text(title))
    assert version_match is not None  # a release heading names a version
    version = version_match.group(1)
    title_format, problem = _format_of(full, version)
    if title_format is not None:
        date = _ISO_DATE.search(full)
        rendered = title_format.format(version=version, project_date=date.group() if date else "")
        if rendered != full:  # the proof: the format gives the newest heading back, byte for byte
            title_format, problem = None, f"no title_format gives {full!r} back; set title_format by hand"
    return Style(title_format, problem, _sections(lines, releases, level), bool(_LINK_REFERENCE.search(text)), full)


def _sections(lines: list[str], releases: list[tuple[int, int, str]], level: int) -> tuple[str, ...]:
    """The section titles under the newest releases (up to five), in the order they come."""
    order: list[str] = []
    for n, (at, _, _) in enumerate(releases[:5]):
        end = releases[n + 1][0] if n + 1 < len(releases) else len(lines)
        for line in lines[at + 1 : end]:
            match = _HEADING.match(line)
            if match and len(match.group(1)) == level + 1 and match.group(2) not in order:
                order.append(match.group(2))
    if order and set(order) <= set(KEEP_A_CHANGELOG):
        return KEEP_A_CHANGELOG  # all six, in Keep a Changelog's order
    return tuple(order)


def derive_rst_title(text: str) -> tuple[str | None, str | None]:
    """towncrier's ``title_format`` for a reST or plain-text changelog's newest release title (towncrier
    underlines it itself), proved like ``derive_style``'s; or None and why not. (None, None): no release."""
    lines = text.splitlines()
    for _, size, title, _level in _headings(lines, "rst"):
        match = _VERSION.search(title_text(title))
        if not match:
            continue
        if size == 3:
            return None, f"its release titles are overlined ({title!r}); towncrier underlines only: set title_format"
        title_format, problem = _format_of(title, match.group(1))
        if title_format is None:
            return None, problem
        date = _ISO_DATE.search(title)
        if title_format.format(version=match.group(1), project_date=date.group() if date else "") != title:
            return None, f"no title_format gives {title!r} back; set title_format by hand"
        return title_format, None
    return None, None
