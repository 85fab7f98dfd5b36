"""The style of a Markdown changelog's releases, learned from the newest ones, for towncrier's settings.

``derive_style`` reads the newest release's heading (and a date line under it, such as
``Released 2026-08-24``), turns its version and date into towncrier's ``{version}`` and
``{project_date}``, and proves the result: the title format, given that release's version
and date, must give its heading back byte for byte. What towncrier's title format cannot say
alone (a link to a compare range naming the previous version; a date that is not ISO, such as
``6th December, 2024``) becomes ``[tool.releasekit.changelog]``'s ``version_format`` and
``date_format``: what releasekit gives towncrier as ``--version`` and ``--date``
(``releasekit.changelog.formats``), within the same proof. The section titles come from the
newest releases' ``###`` headings, in their order.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from releasekit.changelog.history import title_text

_VERSION = re.compile(
    r"(?:(?<=[/=vV\[])|(?<=\.\.)|(?<![\w.]))(\d+\.\d+(?:\.\d+)*(?:(?:a|b|rc|\.dev|\.post)\d+)*)(?![\w]|\.\d)"
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
    version_format: str | None = None  # [tool.releasekit.changelog]'s, when the title needs one
    date_format: str | None = None


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
    from releasekit.changelog.dates import derive_date

    dated = derive_date(line)
    if not line.strip() or _HEADING.match(line) or re.match(r"\s*([-*+]|\d+[.)])\s", line) or len(line) > 80:
        return None
    return line if dated else None


class Title(NamedTuple):
    """towncrier's title format for a title, and what releasekit gives it (``releasekit.changelog.formats``):
    the version's format (a link naming the previous version) and the date's; or None and why not."""

    title_format: str | None
    version_format: str | None = None
    date_format: str | None = None
    problem: str | None = None


# A link in a title: Markdown ``[text](url)``, reST ```text <url>`_``.
_LINK = re.compile(r"\[[^\]\n]*\]\([^)\s]*\)|`[^`\n]*<[^<>`\n]*>`__?")


def _template(text: str, fields: list[tuple[int, int, str]]) -> str:
    """``text`` as a format string: its braces escaped, each ``(start, end, field)`` span a ``{field}``."""
    out, at = [], 0
    for start, end, field in sorted(fields):
        out += [text[at:start].replace("{", "{{").replace("}", "}}"), "{" + field + "}"]
        at = end
    return "".join(out) + text[at:].replace("{", "{{").replace("}", "}}")


def derive_title(title: str, version: str) -> Title:
    """The formats that give ``title`` (of the release ``version``) back, proved byte for byte."""
    from releasekit.changelog.dates import derive_date, format_date, is_iso

    found = list(_VERSION.finditer(title))
    others = list(dict.fromkeys(m.group(1) for m in found if m.group(1) != version))
    if len(others) > 1:
        return Title(None, problem=f"its release titles name three versions ({version}, {', '.join(others)})")
    version_format = None
    if others:  # the previous version, in a link to the compare range: the span from the first to the last
        start, end = found[0].start(1), found[-1].end(1)
        for link in _LINK.finditer(title):
            if link.start() < end and start < link.end():
                start, end = min(start, link.start()), max(end, link.end())
        span = title[start:end]
        inner = [
            (m.start(1), m.end(1), "version" if m.group(1) == version else "previous") for m in _VERSION.finditer(span)
        ]
        version_format = _template(span, inner)
        fields = [(start, end, "version")]
    else:
        fields = [(m.start(1), m.end(1), "version") for m in found]
    date = derive_date(title, [(s, e) for s, e, _ in fields])
    date_format = None
    if date is not None and date.problem is not None:
        return Title(None, problem=f"its release titles write dates as {date.problem}: set date_format")
    if date is not None:
        fields.append((date.start, date.end, "project_date"))
        date_format = None if is_iso(date.format) else date.format
    title_format = _template(title, fields)
    shown = version_format.format(version=version, previous=others[0]) if version_format else version
    day = format_date(str(date.format), date.date) if date is not None and date.date is not None else ""
    literal = [v for v in (version, *others) if v in title_format + (version_format or "")]
    if literal or title_format.format(version=shown, project_date=day) != title:  # the proof, byte for byte
        return Title(None, problem=f"no title_format gives {title!r} back; set title_format by hand")
    return Title(title_format, version_format, date_format)


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
    found = derive_title(full, version)
    return Style(
        found.title_format,
        found.problem,
        _sections(lines, releases, level),
        bool(_LINK_REFERENCE.search(text)),
        full,
        found.version_format,
        found.date_format,
    )


def _sections(lines: list[str], releases: list[tuple[int, int, str]], level: int) -> tuple[str, ...]:
    """The section titles under the newest releases (up to five), in the order they come."""
    order: list[str] = []
    for n, (at, _, _) in enumerate(releases[:5]):
        end = releases[n + 1][0] if n + 1 < len(releases) else len(lines)
        names: list[str] = []
        for line in lines[at + 1 : end]:
            match = _HEADING.match(line)
            if match and len(match.group(1)) == level + 1:
                names.append(match.group(2))
        _merge(order, names)
    if order and set(order) <= set(KEEP_A_CHANGELOG):
        return KEEP_A_CHANGELOG  # all six, in Keep a Changelog's order
    return tuple(order)


def _merge(order: list[str], names: list[str]) -> None:
    """Add ``names`` (one release's sections, in its order) to ``order``: each new one before the next
    one ``order`` knows, so that ``[Bug Fixes]`` then ``[Features, Bug Fixes]`` gives Features first."""
    for n, name in enumerate(names):
        if name in order:
            continue
        later = next((order.index(other) for other in names[n + 1 :] if other in order), len(order))
        order.insert(later, name)


def derive_rst_title(text: str) -> Title:
    """towncrier's ``title_format`` for a reST or plain-text changelog's newest release title (towncrier
    underlines it itself), proved like ``derive_style``'s; or None and why not (no problem: no release)."""
    from releasekit.changelog.notes import _headings

    lines = text.splitlines()
    for _, size, title, _level in _headings(lines, "rst"):
        match = _VERSION.search(title_text(title))
        if not match:
            continue
        if size == 3:
            why = f"its release titles are overlined ({title!r}); towncrier underlines only: set title_format"
            return Title(None, problem=why)
        return derive_title(title, match.group(1))
    return Title(None)
