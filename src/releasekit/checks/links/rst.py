"""reStructuredText documents through docutils (imported only when a .rst file is read).

Links are the URIs of hyperlink references (embedded ``text <uri>`_``, standalone URLs)
and of named targets (``.. _name: uri``); anchors are every id docutils gives a node:
section ids and explicit targets, as the HTML writer (and Sphinx) emits them. docutils
keeps no column for inline nodes, so each URI is found again in the source text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from releasekit.checks.links.model import MAX_NESTING, Link, Parsed, TooDeep, byte_offsets

_SETTINGS = {
    "report_level": 5,  # quiet: unknown Sphinx roles and directives are not our business
    "halt_level": 5,
    "warning_stream": io.StringIO(),
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "input_encoding": "unicode",
    "_disable_config": True,
}


def _reader() -> Any:
    from docutils.readers import standalone
    from docutils.transforms import references

    class Reader(standalone.Reader):  # type: ignore[type-arg]
        """The standalone reader without substitution expansion.

        A chain of substitutions that each use the one before twice doubles at every
        step: 16 of them in 700 bytes expand for minutes. Their links and ids are in their
        definitions, read once; expanding them adds none.
        """

        def get_transforms(self) -> list[Any]:
            return [t for t in super().get_transforms() if t is not references.Substitutions]

    return Reader()


_ROLES = ("ref", "doc")  # Sphinx's cross-reference roles: kept as nodes, checked in a Sphinx project
_ROLE_TEXT = re.compile(r":(ref|doc):`([^`]+)`")


def _role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> Any:
    from docutils import nodes, utils

    node = nodes.inline(rawtext, text)
    node["releasekit-role"] = (name, utils.unescape(text))
    return [node], []


def _register_roles() -> None:
    from docutils.parsers.rst import roles

    for name in _ROLES:
        roles.register_local_role(name, _role)


def doctree(text: str, source: str, **settings: Any) -> Any:
    """The docutils document of ``text``, quiet and without file insertion (``settings`` added)."""
    from docutils.core import publish_doctree

    _register_roles()
    return publish_doctree(
        text,
        source_path=source,
        reader=_reader(),
        settings_overrides=dict(_SETTINGS, warning_stream=io.StringIO(), **settings),
    )


_TOKEN = re.compile(r"(?:^|(?<=[<\s]))[^\s<>]+", re.MULTILINE)
_AFTER = frozenset(".,;:!?)")  # what may follow a URI written in prose


def places(text: str, uris: Iterable[str]) -> dict[str, list[int]]:
    """Where each of ``uris`` is written in ``text``: inside ``<...>``, after a target's colon,
    or standalone (followed by ``>``, a space, the line's end or punctuation).

    One pass over the text, whatever the number of URIs: each word is looked up, whole and
    else cut before punctuation at the longest length some URI has.
    """
    wanted = set(uris)
    found: dict[str, list[int]] = {uri: [] for uri in wanted}
    if not wanted:
        return found
    lengths = sorted({len(uri) for uri in wanted}, reverse=True)
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if word in wanted:
            found[word].append(match.start())
            continue
        size = len(word)
        for length in lengths:  # the longest URI the word starts with: a place is one link's
            if length < size and word[length] in _AFTER and word[:length] in wanted:
                found[word[:length]].append(match.start())
                break
    return found


def indent_depth(text: str, limit: int = MAX_NESTING) -> int:
    """How many indentation levels deep ``text`` goes, counting no further than ``limit + 1``.

    Each level of reST nesting (block quotes, list items, directives) is indented more
    than the one around it. A deep document makes docutils recurse once per level, and
    slowly, before it runs out of stack; this finds it in one pass instead.
    """
    stack = [0]
    deepest = 0
    for line in text.splitlines():
        if "\t" in line:
            line = line.expandtabs(8)  # as docutils reads tabs
        body = line.lstrip(" ")
        if not body.strip():
            continue
        indent = len(line) - len(body)
        while indent < stack[-1]:
            stack.pop()
        if indent > stack[-1]:
            stack.append(indent)
            deepest = max(deepest, len(stack) - 1)
            if deepest > limit:
                break
    return deepest


def parse_rst(text: str, source: str = "<string>") -> Parsed:
    """The links (byte offsets) and anchors of a reST text.

    Raises ``TooDeep`` for a document nested beyond ``MAX_NESTING`` levels, whether by
    indentation (found before parsing) or by markers on one line (``- - - x``, found when
    docutils runs out of stack).
    """
    from docutils import nodes

    if indent_depth(text) > MAX_NESTING:
        raise TooDeep
    try:
        tree = doctree(text, source)
        elements = list(tree.findall(nodes.Element))
    except RecursionError:
        raise TooDeep from None
    uris: dict[str, None] = {}
    anchors: set[str] = set()
    xrefs: list[tuple[str, str]] = []
    for node in elements:
        if isinstance(node, nodes.system_message | nodes.problematic):
            continue  # ids docutils makes for its own error reports
        anchors.update(node.get("ids", ()))
        if "releasekit-role" in node:
            xrefs.append(node["releasekit-role"])
        uri = node.get("refuri") if isinstance(node, nodes.reference | nodes.target) else None
        if uri and not uri.startswith("mailto:"):
            uris.setdefault(uri, None)
    found: list[tuple[int, str]] = []
    where = places(text, uris)
    for uri in uris:
        found.extend((index, uri) for index in (where[uri] or [0]))
    roles: list[tuple[int, str, str]] = []
    if xrefs:  # where each is written, in order (one pass over the text)
        written: dict[tuple[str, str], list[int]] = {}
        for match in _ROLE_TEXT.finditer(text):
            written.setdefault((match.group(1), match.group(2)), []).append(match.start())
        for each in written.values():
            each.reverse()  # taken from the end, first place first
        for role, target in xrefs:
            spots = written.get((role, target))
            roles.append((spots.pop() if spots else 0, role, target))
    offsets = byte_offsets(text, [index for index, _ in found] + [index for index, _, _ in roles])
    links = [Link(offsets[index], uri) for index, uri in found]
    links.extend(Link(offsets[index], target, False, role) for index, role, target in roles)
    links.sort()
    return Parsed(links, frozenset(anchors))
