"""A reST section of the changelog as Markdown for the GitHub release, through docutils.

docutils parses the text (substitutions and named references resolved, literal blocks,
admonitions, lists); each node is then written as Markdown. Roles, which a changelog
takes from Sphinx, become what ``releasekit.changelog.roles`` says: ``#12``, ``@name``, or
their text. Nothing is read from files and no raw HTML passes: the settings forbid both.
"""

from __future__ import annotations

import io
import re
from typing import Any

from releasekit.changelog.roles import role_text

_SETTINGS = {
    "report_level": 5,
    "halt_level": 5,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "input_encoding": "unicode",
    "doctitle_xform": False,  # a section of the body is a section, not the document's title
    "sectsubtitle_xform": False,
    "_disable_config": True,
}
_ROLE = re.compile(r":([A-Za-z][\w+.-]*(?::[A-Za-z][\w+.-]*)*):`")
_ADMONITIONS = ("note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error")


def rst_to_markdown(text: str, issue_url: str | None = None) -> str:
    """``text`` (reST) as Markdown; roles written out with ``issue_url`` (None: GitHub's ``#12``)."""
    from docutils import nodes
    from docutils.core import publish_doctree
    from docutils.parsers.rst import roles

    def generic(
        name: str, rawtext: str, body: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
    ) -> tuple[list[Any], list[Any]]:
        from docutils.utils import unescape

        return [nodes.Text(role_text(name, unescape(body), issue_url))], []

    names = set(_ROLE.findall(text))
    for name in names:
        roles.register_local_role(name, generic)
    try:
        doctree = publish_doctree(text, settings_overrides=dict(_SETTINGS, warning_stream=io.StringIO()))
    finally:
        for name in names:  # docutils keeps local roles for the process: no trace left for other readers
            getattr(roles, "_roles", {}).pop(name, None)
    blocks = _Writer().blocks(doctree, 0)
    return "\n\n".join(b for b in blocks if b.strip()).strip("\n") + "\n"


class _Writer:
    """docutils nodes to Markdown: ``blocks`` for block-level nodes, ``inline`` for text."""

    def blocks(self, node: Any, depth: int) -> list[str]:
        from docutils import nodes

        out: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.section):
                title = child.next_node(nodes.title)
                out.append("#" * min(6, 3 + depth) + " " + (self.inline(title) if title else ""))
                out += self.blocks(child, depth + 1)
            elif isinstance(child, _skipped()):
                continue
            else:
                out.append(self.block(child, depth))
        return out

    def block(self, node: Any, depth: int) -> str:
        from docutils import nodes

        if isinstance(node, nodes.paragraph):
            return self.inline(node)
        if isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            ordered = isinstance(node, nodes.enumerated_list)
            items = []
            for n, item in enumerate(node.children, start=1):
                mark = f"{n}. " if ordered else "- "
                body = "\n\n".join(b for b in self.blocks(item, depth) if b.strip())
                pad = " " * len(mark)
                items.append(mark + body.replace("\n", "\n" + pad).replace("\n" + pad + "\n", "\n\n"))
            loose = any(len(item.children) > 1 for item in node.children)
            return ("\n\n" if loose else "\n").join(items)
        if isinstance(node, nodes.literal_block):
            classes: list[str] = list(node.get("classes", []))
            language = next((c for c in classes if c != "code"), "")
            return f"```{language}\n{node.astext()}\n```"
        if isinstance(node, nodes.Admonition) and isinstance(node, nodes.Element):
            kind = node.tagname if node.tagname in _ADMONITIONS else ""
            title = node.next_node(nodes.title) if not kind else None
            head = f"**{kind.capitalize()}**" if kind else f"**{self.inline(title) if title else 'Note'}**"
            body = "\n\n".join(b for b in self.blocks(node, depth) if b.strip())
            return _quote(head + "\n\n" + body)
        if isinstance(node, nodes.block_quote):
            return _quote("\n\n".join(b for b in self.blocks(node, depth) if b.strip()))
        if isinstance(node, nodes.definition_list):
            entries = []
            for item in node.children:
                term = item.next_node(nodes.term)
                definition = item.next_node(nodes.definition)
                body = "\n\n".join(self.blocks(definition, depth)) if definition else ""
                entries.append(f"**{self.inline(term) if term else ''}**\n" + _indent(body))
            return "\n\n".join(entries)
        if isinstance(node, nodes.field_list):
            return "\n".join(
                f"**{self.inline(f.children[0])}**: " + " ".join(self.blocks(f.children[1], depth))
                for f in node.children
            )
        if isinstance(node, nodes.transition):
            return "---"
        if isinstance(node, (nodes.Element)) and any(isinstance(c, nodes.Element) for c in node.children):
            return "\n\n".join(b for b in self.blocks(node, depth) if b.strip())
        return str(node.astext())

    def inline(self, node: Any) -> str:
        from docutils import nodes

        parts = []
        for child in node.children:
            if isinstance(child, nodes.Text):
                parts.append(str(child))
            elif isinstance(child, nodes.literal):
                parts.append(f"`{child.astext()}`")
            elif isinstance(child, nodes.strong):
                parts.append(f"**{self.inline(child)}**")
            elif isinstance(child, (nodes.emphasis, nodes.title_reference)):
                parts.append(f"*{self.inline(child)}*")
            elif isinstance(child, nodes.reference):
                uri, text = child.get("refuri"), self.inline(child)
                parts.append((f"<{uri}>" if text == uri else f"[{text}]({uri})") if uri else text)
            elif isinstance(child, nodes.image):
                parts.append(f"![{child.get('alt', '')}]({child.get('uri', '')})")
            elif isinstance(child, (nodes.footnote_reference, nodes.citation_reference)):
                parts.append(f"[{child.astext()}]")
            elif isinstance(child, nodes.Element):
                parts.append(self.inline(child))
        return "".join(parts).replace("\n", " ") if not isinstance(node, nodes.paragraph) else "".join(parts)


def _skipped() -> tuple[type, ...]:
    """Nodes the release body leaves out: titles (written by their section), targets, definitions, comments."""
    from docutils import nodes

    return (
        nodes.title,
        nodes.comment,
        nodes.target,
        nodes.system_message,
        nodes.substitution_definition,
        nodes.footnote,
        nodes.citation,
    )


def _quote(text: str) -> str:
    return "\n".join(("> " + line).rstrip() for line in text.splitlines())


def _indent(text: str) -> str:
    return "\n".join(("  " + line) if line else "" for line in text.splitlines())
