"""Section titles as ``sphinx.ext.autosectionlabel`` turns them into labels.

The extension labels every section with its title as written (the title's source, its
inline markup included: ``The `foo` function``), lowercased with whitespace squeezed, or
``docname:Title`` with ``autosectionlabel_prefix_document``; with ``autosectionlabel_maxdepth``
only sections less deeply nested than that (a document's top sections are at depth 0).
"""

from __future__ import annotations

import re

from releasekit.checks.links.model import MAX_NESTING, TooDeep
from releasekit.checks.links.pyromark_adapter import heading_spans
from releasekit.checks.links.rst import doctree, indent_depth

_CLOSING = re.compile(r"(?:^|[ \t])#+[ \t]*$")  # an ATX heading's optional closing sequence
_OPENING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")


def markdown_sections(text: str) -> list[tuple[str, int]]:
    """The (title source, depth) of each MyST heading: sections nest by level, as MyST nests them."""
    data = text.encode("utf-8", "surrogatepass")
    result: list[tuple[str, int]] = []
    open_levels: list[int] = []
    for level, start, end in heading_spans(text):
        source = data[start:end].decode("utf-8", "replace")
        if _OPENING.match(source):  # ATX: "## Title ##"
            title = _CLOSING.sub("", _OPENING.sub("", source.split("\n", 1)[0])).strip()
        else:  # setext: the lines above the underline
            title = "\n".join(line.strip() for line in source.rstrip("\n").split("\n")[:-1]).strip()
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        result.append((title, len(open_levels)))
        open_levels.append(level)
    return result


def rst_sections(text: str, source: str) -> list[tuple[str, int]]:
    """The (title source, depth) of each reST section, as Sphinx reads them (no document title promoted)."""
    from docutils import nodes

    if indent_depth(text) > MAX_NESTING:
        raise TooDeep
    try:
        tree = doctree(text, source, doctitle_xform=False)
    except RecursionError:
        raise TooDeep from None
    result: list[tuple[str, int]] = []
    for section in tree.findall(nodes.section):
        depth = 0
        parent = section.parent
        while parent is not None and parent is not tree:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        title = section[0] if len(section) and isinstance(section[0], nodes.title) else None
        if title is not None:
            result.append((title.rawsource or title.astext(), depth))
    return result


def section_labels(docname: str, sections: list[tuple[str, int]], prefix: bool, max_depth: int | None) -> list[str]:
    """The labels autosectionlabel gives ``sections`` of the document ``docname`` (not yet normalized)."""
    return [
        f"{docname}:{title}" if prefix else title for title, depth in sections if max_depth is None or depth < max_depth
    ]
