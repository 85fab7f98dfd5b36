"""Release notes: one version's section of the changelog, or towncrier's draft of the next.

The GitHub release and the release summary print these, so they come without the
version heading (the release has its own title).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from releasekit.bounded import read_toml
from releasekit.changelog.fragments import refused_files, roles, validate_directory
from releasekit.changelog.roles import issue_url, myst_roles
from releasekit.changelog.rst_markdown import rst_to_markdown
from releasekit.changelog.towncrier_config import repository_url
from releasekit.config import Config, table
from releasekit.errors import ReleasekitError
from releasekit.findings import Finding
from releasekit.safefiles import Refused, check, read_bytes
from releasekit.versions import bump_for, next_version

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
# A title's underline: Markdown's setext headings (= and -) and reST's section adornments.
_UNDERLINE = re.compile(r"^([=\-~^\"'`*+#:._])\1*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
# A link's destination in a title: ``[1.2.0](https://.../compare/v1.1.0...v1.2.0)``, ```1.2.0 <url>`_``.
_DESTINATION = re.compile(r"\]\([^)]*\)|\s*<[^<>`]*>(?=`)")
_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])[ \t]")  # a list item is no title: a rule below it is a rule


class Section(NamedTuple):
    """A version's part of the changelog: its heading (one line, or a title and its underline) and the text below it."""

    heading: str
    body: str


def title_text(title: str) -> str:
    """A heading's text without its links' destinations, where an older version may appear."""
    return _DESTINATION.sub(lambda m: "]" if m.group().startswith("]") else "", title)


def _names_version(title: str, version: str) -> bool:
    # The version as a whole token, a "v" before it allowed: 1.2.0 must not match 1.2.0rc1 or 11.2.0,
    # nor a link's destination (a compare range names the previous version too).
    return re.search(rf"(?<![\w.])[vV]?{re.escape(version)}(?![\w]|\.\d)", title_text(title)) is not None


def _headings(lines: list[str], markup: str | None = None) -> list[tuple[int, int, str, int]]:
    """Every heading outside fenced code: ``(first line, lines it takes, title, level)``.

    ``#`` headings have levels 1-6. Underlined titles are reST sections, ranked by the
    order in which their adornments first appear (an overlined title ranks apart from an
    underlined one with the same character); in Markdown they are setext headings, ``=``
    level 1 and ``-`` level 2. ``markup`` is ``"md"``, ``"rst"`` or ``"txt"``; without it, a
    file with ``#`` headings is Markdown. Only Markdown has fenced code: in reST a line of
    ``~`` is an underline.
    """
    markdown = markup == "md" or (markup is None and any(_HEADING.match(line) for line in lines))
    found: list[tuple[int, int, str, int | str]] = []  # the level, or for now the adornment
    marks: list[str] = []  # adornments, in the order they first appear
    in_fence = False
    skip_to = 0
    for i, line in enumerate(lines):
        if i < skip_to:
            continue
        if markdown and _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        atx = _HEADING.match(line) if markdown else None
        if atx:
            found.append((i, 1, atx.group(2), len(atx.group(1))))
            continue
        below = lines[i + 1] if i + 1 < len(lines) else ""
        over = _UNDERLINE.match(line)
        if over and not markdown and i + 2 < len(lines):
            # An overlined title: the same adornment above and below.
            title = lines[i + 1].strip()
            under = _UNDERLINE.match(lines[i + 2])
            if title and under and under.group(1) == over.group(1) and not _UNDERLINE.match(lines[i + 1]):
                mark = "over" + over.group(1)
                if mark not in marks:
                    marks.append(mark)
                found.append((i, 3, title, mark))
                skip_to = i + 3
                continue
        underline = _UNDERLINE.match(below)
        title = line.strip()
        is_title = title and not over and not _LIST_ITEM.match(title) and not line[:1].isspace()
        if underline and is_title and len(below.strip()) >= min(len(title), 3):
            mark = underline.group(1)
            if mark not in marks:
                marks.append(mark)
            found.append((i, 2, title, mark))
            skip_to = i + 2

    def level(mark: int | str) -> int:
        if isinstance(mark, int):
            return mark
        if markdown and mark in "=-":
            return 1 if mark == "=" else 2
        return 7 + marks.index(mark)

    return [(first, size, title, level(mark)) for first, size, title, mark in found]


# A version at the start of a plain-text line, after at most a few words ("Version 1.2.0", "proj 1.2.0 (date)").
_PLAIN_VERSION = re.compile(r"^(?:[A-Za-z][\w.-]*[ \t]+){0,3}v?\d+\.\d+(?:\.\d+)?\S*(?:[ \t].*)?$")


def _plain_headings(lines: list[str]) -> list[tuple[int, int, str, int]]:
    """Headings of a plain-text changelog: unindented lines that open with a version, after a blank line."""
    found = []
    for i, line in enumerate(lines):
        blank_before = i == 0 or not lines[i - 1].strip()
        if blank_before and line[:1].strip() and len(line) <= 100 and _PLAIN_VERSION.match(line.rstrip()):
            found.append((i, 1, line.strip(), 1))
    return found


def markup_of(filename: str) -> str:
    """The changelog's markup from its name: ``md``, ``rst`` or ``txt`` (plain text, and no extension)."""
    lower = filename.lower()
    if lower.endswith((".md", ".markdown")):
        return "md"
    if lower.endswith((".rst", ".rest")):
        return "rst"
    return "txt"


def find_section(
    text: str, version: str, *, start_string: str | None = None, markup: str | None = None
) -> Section | None:
    """The section of a Markdown, reST or plain-text changelog whose heading names ``version`` (``v`` prefix allowed).

    It runs to the next heading of the same or a higher level. Headings inside fenced
    code blocks do not count. Only the part after ``start_string`` is searched, when it is there.
    A plain-text changelog without titles has a heading wherever an unindented line opens
    with a version.
    """
    version = version[1:] if version[:1] in ("v", "V") and version[1:2].isdigit() else version
    if start_string and start_string.strip() in text:
        text = text.split(start_string.strip(), 1)[1]
    lines = text.splitlines()
    headings = _headings(lines, markup)
    for n, (_, _, title, _) in enumerate(headings):
        if _names_version(title, version):
            return _section_at(lines, headings, n)
    if markup == "txt":
        plain = _plain_headings(lines)
        for n, (_, _, title, _) in enumerate(plain):
            if _names_version(title, version):
                return _section_at(lines, plain, n)
    return None


def _section_at(lines: list[str], headings: list[tuple[int, int, str, int]], n: int) -> Section:
    """The section of heading ``n``: up to the next heading of the same or a higher level."""
    first, size, _, level = headings[n]
    end = next((later[0] for later in headings[n + 1 :] if later[3] <= level), len(lines))
    heading = "\n".join(lines[first : first + size])
    return Section(heading, "\n".join(lines[first + size : end]).strip("\n") + "\n")


def titled_section(text: str, title: str) -> Section | None:
    """The section of ``text`` (a version's notes) whose heading is ``title``, case aside.

    This is how one type of change is read out of the notes, e.g. the "Security" section
    that an emergency release's advisory describes. It runs to the next heading of the same
    or a higher level; headings inside fenced code blocks do not count.
    """
    lines = text.splitlines()
    headings = _headings(lines)
    wanted = title.strip().casefold()
    for n, (_, _, heading_title, _) in enumerate(headings):
        if heading_title.strip().casefold() == wanted:
            return _section_at(lines, headings, n)
    return None


def version_notes(config: Config, version: str) -> str:
    """The notes of a released ``version``, from the changelog."""
    name = config.fragments.filename
    try:
        text = read_bytes(config.root, name, "changelog").decode("utf-8")
    except FileNotFoundError:
        raise ReleasekitError(f"{name}: file not found") from None
    except UnicodeDecodeError:
        raise ReleasekitError(f"{name}: not valid UTF-8") from None
    except OSError as exc:
        raise ReleasekitError(f"{name}: cannot read: {exc.strerror}") from None
    markup = markup_of(name)
    start = _start_string(config.root, config.pyproject)
    if start is None and config.fragments.configured:
        # towncrier's own default marker, when the configuration sets none.
        start = "<!-- towncrier release notes start -->" if markup == "md" else ".. towncrier release notes start"
    section = find_section(text, version, start_string=start, markup=markup)
    if section is None:
        raise ReleasekitError(f"{name}: no section for version {version}")
    return release_markdown(config, section.body, markup)


def release_markdown(config: Config, body: str, markup: str) -> str:
    """A section body as the GitHub release shows it: Markdown, with Sphinx and MyST roles written out."""
    urls = _project_urls(config)
    pattern = issue_url(urls, _repository(config, urls))
    if markup == "md":
        return myst_roles(body, pattern)
    if markup == "rst":
        return rst_to_markdown(body, pattern)
    return as_markdown(body)


def _project_urls(config: Config) -> dict[str, str]:
    urls = table(read_toml(config.pyproject), "project.urls") or {}
    return {str(k): str(v) for k, v in urls.items() if isinstance(v, str)}


def _repository(config: Config, urls: dict[str, str]) -> str | None:
    if config.github_repository:
        return f"https://github.com/{config.github_repository}"
    return repository_url(config.root)


_LITERAL = re.compile(r"``([^`]+)``")
_LINK = re.compile(r"`([^`<]+?)\s*<([^`>]+)>`__?")
_ROLE = re.compile(r":[\w:+-]+:`([^`]+)`")


def as_markdown(body: str) -> str:
    """A reST or plain-text section body as Markdown: titles become ``###`` headings (by rank),
    ````literal```` becomes ```literal```, ```text <url>`_`` a link, and ``:role:`x``` plain ```x```.

    The notes are printed as Markdown (the GitHub release renders them so); lists and
    paragraphs read the same in both.
    """
    lines = body.splitlines()
    headings = _headings(lines, "rst")
    ranks = sorted({level for *_, level in headings})
    out: list[str] = []
    at = 0
    for first, size, title, level in headings:
        out += [_inline(line) for line in lines[at:first]]
        out.append("#" * min(6, 3 + ranks.index(level)) + " " + _inline(title))
        at = first + size
    out += [_inline(line) for line in lines[at:]]
    return "\n".join(out).strip("\n") + "\n"


def _inline(line: str) -> str:
    line = _LINK.sub(lambda m: f"[{m.group(1)}]({m.group(2)})", line)
    line = _LITERAL.sub(lambda m: f"`{m.group(1)}`", line)
    return _ROLE.sub(lambda m: f"`{m.group(1)}`", line)


def towncrier_refusals(config: Config) -> list[Finding]:
    """Files towncrier would read that releasekit refuses: symlinks, FIFOs, devices among the
    fragments, and a ``template`` file that is not a regular file inside the project."""
    template = template_problem(config)
    return refused_files(config.root, config.fragments) + ([template] if template else [])


def template_problem(config: Config) -> Finding | None:
    """A finding when towncrier's ``template`` is a file that is not a regular file inside the project."""
    template = towncrier_value(config.root, config.pyproject, "template")
    # "package:resource" names a template inside an installed package; anything else is a path.
    if not template or re.fullmatch(r"[-\w.]+:[-\w.]+", template):
        return None
    try:
        check(config.root, template)
    except Refused as exc:
        return Finding(template, 1, 1, exc.reason)
    except OSError:
        pass  # towncrier says itself that it is missing
    return None


def _start_string(root: Path, pyproject: Path) -> str | None:
    return towncrier_value(root, pyproject, "start_string")


def towncrier_value(root: Path, pyproject: Path, key: str) -> str | None:
    """A string of towncrier's configuration: towncrier.toml when there is one (towncrier reads it first)."""
    source = root / "towncrier.toml" if (root / "towncrier.toml").is_file() else pyproject
    towncrier = table(read_toml(source), "tool.towncrier")
    value = towncrier.get(key) if towncrier else None
    return value if isinstance(value, str) else None


def draft_version(config: Config) -> str:
    """The version the unreleased fragments would make: major or minor for breaking
    changes (minor before 1.0), minor for features, else patch; "unreleased" without a version.
    """
    if config.version is None:
        return "unreleased"

    fragments, _ = validate_directory(config.root, config.fragments)
    current = config.require_version().current
    return next_version(current, bump_for(current, roles(fragments, config.fragments)) or "patch")
