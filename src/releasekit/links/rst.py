"""reStructuredText documents through docutils (imported only when a .rst file is read).

Links are the URIs of hyperlink references (embedded ``text <uri>`_``, standalone URLs)
and of named targets (``.. _name: uri``); anchors are every id docutils gives a node:
section ids and explicit targets, as the HTML writer (and Sphinx) emits them. docutils
keeps no column for inline nodes, so each URI is found again in the source text.
"""

from __future__ import annotations

import io
import re
from typing import Any

from releasekit.links.model import Link, Parsed, byte_offsets

_SETTINGS = {
    "report_level": 5,  # quiet: unknown Sphinx roles and directives are not our business
    "halt_level": 5,
    "warning_stream": io.StringIO(),
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "input_encoding": "unicode",
    "_disable_config": True,
}


def _doctree(text: str, source: str) -> Any:
    from docutils.core import publish_doctree

    return publish_doctree(text, source_path=source, settings_overrides=dict(_SETTINGS, warning_stream=io.StringIO()))


def _places(text: str, uri: str) -> list[int]:
    """Where ``uri`` is written in ``text``: inside ``<...>``, after a target's colon, or standalone."""
    pattern = re.compile(r"(?:(?<=<)|(?<=:\s)|(?<=^)|(?<=\s))" + re.escape(uri) + r"(?=>|\s|$|[.,;:!?)])", re.MULTILINE)
    return [match.start() for match in pattern.finditer(text)]


def parse_rst(text: str, source: str = "<string>") -> Parsed:
    """The links (byte offsets) and anchors of a reST text."""
    from docutils import nodes

    tree = _doctree(text, source)
    uris: dict[str, None] = {}
    anchors: set[str] = set()
    for node in tree.findall(nodes.Element):
        if isinstance(node, nodes.system_message | nodes.problematic):
            continue  # ids docutils makes for its own error reports
        anchors.update(node.get("ids", ()))
        uri = node.get("refuri") if isinstance(node, nodes.reference | nodes.target) else None
        if uri and not uri.startswith("mailto:"):
            uris.setdefault(uri, None)
    found: list[tuple[int, str]] = []
    for uri in uris:
        places = _places(text, uri)
        if not places and uri.startswith("mailto:"):
            continue
        found.extend((index, uri) for index in (places or [0]))
    found.sort()
    offsets = byte_offsets(text, (index for index, _ in found))
    return Parsed([Link(offsets[index], uri) for index, uri in found], frozenset(anchors))
