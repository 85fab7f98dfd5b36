"""Fragments: whether ``#fragment`` names an anchor of the target document."""

from __future__ import annotations

import difflib
import re

from releasekit.checks.links.document import Document

_LINE_ANCHOR = re.compile(r"^L(\d+)(?:C\d+)?(?:-L(\d+)(?:C\d+)?)?$")
_GITHUB_PREFIX = "user-content-"


def line_anchor(fragment: str) -> tuple[int, int] | None:
    """The line range of a GitHub line anchor (``L10``, ``L10-L20``, ``L3C4``), else None."""
    match = _LINE_ANCHOR.match(fragment)
    if not match:
        return None
    first = int(match.group(1))
    return first, int(match.group(2) or first)


def missing_anchor(fragment: str, doc: Document, *, plain: bool = False) -> str | None:
    """Why ``#fragment`` does not resolve in ``doc``, or None when it does.

    ``#`` and ``#top`` always resolve. Markdown, reST and HTML documents have their
    anchors; other files (and Markdown shown with ``?plain=1``) have line anchors only.
    """
    if not fragment or fragment.lower() == "top":
        return None
    if doc.kind in ("binary", "unreadable"):
        return None  # the file itself is reported; its anchors cannot be known
    if doc.kind == "other" or plain:
        lines = line_anchor(fragment)
        if lines is None:
            return "line anchors (#L<n>) only"
        if not 1 <= lines[0] <= lines[1] <= max(doc.lines, 1):
            return f"has {doc.lines} line{'s' if doc.lines != 1 else ''}"
        return None
    wanted = fragment.lower() if doc.case_insensitive else fragment
    anchors = doc.anchors
    if wanted in anchors:
        return None
    if wanted.startswith(_GITHUB_PREFIX) and wanted[len(_GITHUB_PREFIX) :] in anchors:
        return None
    close = difflib.get_close_matches(wanted, sorted(anchors), n=1, cutoff=0.6)
    return f"did you mean '#{close[0]}'?" if close else ""
