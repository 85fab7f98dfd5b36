"""Documents: reading a file safely, choosing its parser, and turning offsets into positions.

Every link carries the UTF-8 byte offset of its construct in the file's text; only the
links that end up in a finding are turned into ``line:col`` (columns in characters).
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from releasekit.checks.links.model import Link, Parsed, TooDeep
from releasekit.checks.links.slugs import Profile
from releasekit.safefiles import LIMITS, Refused, TooLarge, read_bytes

__all__ = ["Document", "Link", "Parsed", "Positions", "kind_of", "load", "positions"]

KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".rst": "rst",
    ".html": "html",
    ".htm": "html",
}
MAX_BYTES = LIMITS["document"]  # larger files are skipped with a warning, not parsed


class Document(NamedTuple):
    """A read and parsed file. ``problem`` is a message about the file itself, if any."""

    kind: str  # markdown, rst, html, other, binary, unreadable
    links: list[Link]
    anchors: frozenset[str]
    lines: int
    problem: tuple[str, str] | None = None  # (level, message)
    case_insensitive: bool = False


def kind_of(path: str) -> str:
    """The parser for ``path``: markdown, rst, html, or other (no links, line anchors only)."""
    suffix = os.path.splitext(path)[1].lower()
    kind = KINDS.get(suffix)
    if kind is None and os.path.basename(path).upper() == "README":
        return "markdown"
    return kind or "other"


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of ``data`` and a warning when it is not UTF-8 (then decoded with replacements)."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", "replace"), f"not valid UTF-8 (byte {exc.start}); undecodable bytes replaced"


def _unreadable(message: str) -> Document:
    return Document("unreadable", [], frozenset(), 0, ("error", message))


def load(root: Path, rel: str, profile: Profile, *, parse: bool = True) -> Document:
    """Read and parse ``rel`` (relative to ``root``). Never raises for a bad file: the problem is in the result.

    Only a regular file inside ``root`` is read (a symlink may point elsewhere inside it),
    at most ``MAX_BYTES``: a larger one is skipped with a warning.
    """
    try:
        data = read_bytes(root, rel, "document")
    except TooLarge:
        return Document("other", [], frozenset(), 0, ("warning", f"larger than {MAX_BYTES // 2**20} MiB; not checked"))
    except Refused as exc:
        return _unreadable(exc.reason)
    except OSError as exc:
        return _unreadable(f"cannot read: {exc.strerror or exc}")
    path = root / rel
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    kind = kind_of(path.name)
    if kind == "other" or not parse:
        return Document("other", [], frozenset(), lines)
    if b"\0" in data[:8192]:
        return Document("binary", [], frozenset(), lines, ("warning", "binary file; not checked"))
    text, warning = decode(data)
    problem = ("warning", warning) if warning else None
    try:
        parsed = _parse(kind, text, path, profile)
    except (TooDeep, RecursionError):
        return Document(kind, [], frozenset(), lines, ("error", str(TooDeep())))
    return Document(kind, parsed.links, parsed.anchors, lines, problem, parsed.case_insensitive)


def _parse(kind: str, text: str, path: Path, profile: Profile) -> Parsed:
    if kind == "markdown":
        from releasekit.checks.links.markdown import parse_markdown

        return parse_markdown(text, profile)
    if kind == "rst":
        from releasekit.checks.links.rst import parse_rst

        return parse_rst(text, str(path))
    from releasekit.checks.links.html import parse_html

    return parse_html(text)


class Positions:
    """Turns UTF-8 byte offsets into 1-based ``(line, column)``, columns counted in characters."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        starts = [0]
        if b"\r" in self.data:  # CommonMark ends lines at \r\n, \n and a lone \r
            starts.extend(match.end() for match in re.finditer(rb"\r\n?|\n", self.data))
        else:
            find = self.data.find
            at = find(b"\n")
            while at >= 0:
                starts.append(at + 1)
                at = find(b"\n", at + 1)
        self.starts = starts

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        prefix = self.data[start:offset]
        col = len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))
        return line + 1, col + 1


def read_text(root: Path, rel: str) -> str:
    """The text of ``rel`` as the parser saw it (empty when unreadable or refused)."""
    try:
        return decode(read_bytes(root, rel, "document"))[0]
    except (OSError, Refused):
        return ""


def positions(root: Path, rel: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``line:col`` of each byte offset into the text of ``rel`` (relative to ``root``)."""
    text = read_text(root, rel)
    if "\r" in text:
        locate = Positions(text)
        return {offset: locate(offset) for offset in offsets}
    # LF line ends: count them up to each offset in turn (no table of every line of the file)
    data = text.encode("utf-8", "surrogatepass")
    found: dict[int, tuple[int, int]] = {}
    line, before = 1, 0
    for offset in sorted(set(offsets)):
        line += data.count(b"\n", before, offset)
        before = offset
        prefix = data[data.rfind(b"\n", 0, offset) + 1 : offset]
        found[offset] = line, (len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))) + 1
    return found
