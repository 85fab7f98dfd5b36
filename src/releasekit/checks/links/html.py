"""Links and anchors in HTML: whole files, raw HTML blocks and inline tags in Markdown.

The standard library's tolerant HTMLParser reads the tags; ``href``/``src`` attributes
are links, ``id`` (any tag) and ``name`` (on ``<a>``) are anchors.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

from releasekit.checks.links.model import Link, Parsed, byte_offsets

_LINK_ATTRS = frozenset(("href", "src"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


class HtmlScan(NamedTuple):
    """Links (character offset into the scanned text, URL) and anchor ids."""

    links: list[tuple[int, str]]
    ids: list[str]
    heading_ids: int = 0  # how many h1-h6 elements carry an id


class _Collector(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0]
        self.links: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self.heading_ids = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        starts = self.line_starts
        while len(starts) < line:  # find line starts only as far as the parser got
            nl = self.text.find("\n", starts[-1])
            starts.append(len(self.text) if nl < 0 else nl + 1)
        return starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRS:
                self.links.append((self._attr_offset(name), value))
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.append(value)
                if name == "id" and tag in _HEADINGS:
                    self.heading_ids += 1

    handle_startendtag = handle_starttag

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # Python before 3.13 raises AssertionError for "<![x" (any keyword but CDATA, IF...):
        # skip the "<![" and read on, so that the links after it are still found.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return i + 3

    def _attr_offset(self, name: str) -> int:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        match = re.search(rf"\s{name}\s*=\s*[\"']?", raw, re.IGNORECASE)
        return start + (match.end() if match else 0)


def scan_html(text: str) -> HtmlScan:
    """Every ``href``/``src`` (with its character offset) and every ``id``/``name`` in ``text``."""
    collector = _Collector(text)
    collector.feed(text)
    collector.close()
    return HtmlScan(collector.links, collector.ids, collector.heading_ids)


def parse_html(text: str) -> Parsed:
    """The links (byte offsets) and anchors of a whole HTML file."""
    found = scan_html(text)
    offsets = byte_offsets(text, (index for index, _ in found.links))
    return Parsed([Link(offsets[index], url) for index, url in found.links], frozenset(found.ids))
