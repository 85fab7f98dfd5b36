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

from releasekit.changelog.dates import derive_date, format_date, is_iso
from releasekit.changelog.notes import _headings, title_text

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


def _joined(title: str, one: re.Match[str], other: re.Match[str]) -> bool:
    """Whether two versions in ``title`` make a range: ``1.1.0...1.2.0``, ``1.1.0 - v1.2.0``."""
    start, end = sorted((one, other), key=lambda m: m.start(1))
    return re.fullmatch(r"[\s.\u2013-]*[vV]?", title[start.end(1) : end.start(1)]) is not None


def derive_title(title: str, version: str, released: frozenset[str] = frozenset()) -> Title:
    """The formats that give ``title`` (of the release ``version``) back, proved byte for byte.

    ``released``: the versions the changelog's other release titles name; one of them in this
    title outside a compare link (``## 1.1.0...1.2.0``) is a range no format can be proved for.
    """
    found = list(_VERSION.finditer(title))
    ours = [m for m in found if m.group(1) == version]
    # The previous version: another one in a link that holds this one (a compare range). Other versions
    # in the title (``Python 3.12 support``) are its text.
    compare = [
        (link, others)
        for link in _LINK.finditer(title)
        if any(link.start() <= m.start(1) < link.end() for m in ours)
        and (others := {m.group(1) for m in found if link.start() <= m.start(1) < link.end()} - {version})
    ]
    version_format, previous = None, ""
    if compare:
        link, others = compare[0]
        if len(compare) > 1 or len(others) > 1:
            names = sorted({v for _, more in compare for v in more})
            return Title(None, problem=f"its release titles link more than one other version ({', '.join(names)})")
        previous = next(iter(others))
        outside = [m for m in ours if not link.start() <= m.start(1) < link.end()]
        if outside:
            return Title(None, problem=f"its release titles name {version} outside their compare link too")
        span = title[link.start() : link.end()]
        inner = [
            (m.start(1), m.end(1), "version" if m.group(1) == version else "previous") for m in _VERSION.finditer(span)
        ]
        version_format = _template(span, [f for f in inner if span[f[0] : f[1]] in (version, previous)])
        fields = [(link.start(), link.end(), "version")]
    else:
        fields = [(m.start(1), m.end(1), "version") for m in ours]
    linked = [(link.start(), link.end()) for link, _ in compare]
    unlinked = [m for m in found if m.group(1) != version and not any(a <= m.start(1) < b for a, b in linked)]
    loose = {m.group(1) for m in unlinked if m.group(1) in released or any(_joined(title, m, v) for v in ours)}
    if loose:
        return Title(
            None, problem=f"its release titles name a second release ({', '.join(sorted(loose))}) outside a link"
        )
    date = derive_date(title, [(s, e) for s, e, _ in fields])
    date_format = None
    if date is not None and date.problem is not None:
        return Title(None, problem=f"its release titles write dates as {date.problem}: set date_format")
    if date is not None:
        fields.append((date.start, date.end, "project_date"))
        date_format = None if is_iso(date.format) else date.format
    title_format = _template(title, fields)
    shown = version_format.format(version=version, previous=previous) if version_format else version
    day = format_date(str(date.format), date.date) if date is not None and date.date is not None else ""
    literal = [v for v in (version, previous) if v and v in title_format + (version_format or "")]
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
    released = frozenset(m.group(1) for _, _, text in releases if (m := _VERSION.search(title_text(text))))
    found = derive_title(full, version, released)
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
    titles = [(size, title) for _, size, title, _ in _headings(text.splitlines(), "rst")]
    found = [(size, title, m) for size, title in titles if (m := _VERSION.search(title_text(title)))]
    if not found:
        return Title(None)
    size, title, match = found[0]
    if size == 3:
        why = f"its release titles are overlined ({title!r}); towncrier underlines only: set title_format"
        return Title(None, problem=why)
    return derive_title(title, match.group(1), frozenset(m.group(1) for _, _, m in found))
