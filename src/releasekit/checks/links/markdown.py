"""Markdown documents: links and anchors, from pyromark's events and the HTML inside them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from releasekit.checks.links.model import Link, Parsed
from releasekit.checks.links.pyromark_adapter import scan
from releasekit.checks.links.slugs import Profile, heading_ids

if TYPE_CHECKING:
    from releasekit.checks.links.html import HtmlScan

# Bare URLs in prose, which CommonMark does not make into links (GFM's extended autolinks).
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,:;!?*_~'\""
# the attributes scan_html reads: raw HTML without any of them holds no link and no anchor
_HTML_ATTRS = re.compile(r"(?:href|src|id|name)\s*=", re.IGNORECASE)


# Raw HTML already read, by its text: translations repeat the same tags page after page (read only)
_HTML_SEEN: dict[str, HtmlScan] = {}


def bare_urls(text: str) -> list[tuple[int, str]]:
    """``https://`` and ``www.`` URLs in ``text``: (character offset, URL), trailing punctuation cut."""
    found: list[tuple[int, str]] = []
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_TRAILING)
        if url.lower().startswith("www."):
            if "." not in url[4:]:
                continue
            url = "https://" + url
        found.append((match.start(), url))
    return found


def _byte_offset(text: str, index: int) -> int:
    return index if text.isascii() else len(text[:index].encode("utf-8"))


def parse_markdown(text: str, profile: Profile) -> Parsed:
    """The links (with byte offsets) and the anchors (folded for ``profile``) of a Markdown text."""
    events = scan(text)
    links = [Link(offset, url) for offset, url in events.links]
    ids: list[str] = []
    for offset, chunk in events.html:
        if "=" not in chunk or not _HTML_ATTRS.search(chunk):  # neither links nor ids: not parsed
            continue
        found = _HTML_SEEN.get(chunk)
        if found is None:
            from releasekit.checks.links.html import scan_html  # only for pages that have HTML

            found = scan_html(chunk)
            if len(chunk) <= 4096 and len(_HTML_SEEN) < 8192:
                _HTML_SEEN[chunk] = found
        ids.extend(found.ids)
        links.extend(Link(offset + _byte_offset(chunk, index), url) for index, url in found.links)
    links.extend(Link(offset, content, False, role) for offset, role, content in events.roles)
    for offset, chunk in events.texts:
        links.extend(Link(offset + _byte_offset(chunk, index), url, True) for index, url in bare_urls(chunk))
    if len(links) > 1:
        links.sort()
    anchors = heading_ids(profile, [(title, explicit) for _, title, explicit in events.headings])
    anchors.extend(ids)
    fold = profile.fold
    if profile.case_insensitive:
        return Parsed(links, frozenset(fold(a) for a in anchors), True)
    return Parsed(links, frozenset(anchors))
