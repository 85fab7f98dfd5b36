"""A Sphinx + MyST source tree built from a graph of documents, labels and links.

Each link sits alone in its own paragraph, so a finding's line names the link, for
releasekit and for Sphinx alike. ``expected`` is the set of ``(file, line)`` whose
link does not resolve, known from the graph itself.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

CONF = 'extensions = ["myst_parser"]\nmyst_heading_anchors = 3\nexclude_patterns = ["_build"]\n'


@dataclass
class Graph:
    """Documents (``name`` -> ``md`` or ``rst``), labels (-> the document defining them), links."""

    docs: dict[str, str]
    labels: dict[str, str]
    # (the Markdown document holding the link, the link as written, whether it resolves)
    links: list[tuple[str, str, bool]] = field(default_factory=list)


def link_forms(graph: Graph, source: str, target: str, kind: str) -> list[tuple[str, bool]]:
    """Ways to write a link (Markdown) from ``source`` to ``target``, each with whether it resolves.

    ``kind`` is ``doc``, ``label`` or ``missing``.
    """
    here = posixpath.dirname(source) or "."
    if kind == "doc":
        suffix = "." + graph.docs[target]
        relative = posixpath.relpath(target, here)
        urls = [(relative + suffix, True), (relative, True), ("/" + target, True), ("/" + target + suffix, True)]
        if graph.docs[target] == "md":
            urls += [(relative + suffix + "#section", True), (relative + suffix + "#no-such-part", False)]
        return [(f"[link]({url})", ok) for url, ok in urls] + [
            (f"{{doc}}`{relative}`", True),
            (f"{{doc}}`Text </{target}>`", True),
        ]
    if kind == "label":
        urls = [(target, True), ("#" + target, True), (target.upper(), True)]
        return [(f"[link]({url})", ok) for url, ok in urls] + [(f"{{ref}}`{target}`", True)]
    urls = [(target, False), ("#" + target, False), (target + ".md", False)]
    return [(f"[link]({url})", ok) for url, ok in urls] + [
        (f"{{ref}}`Text <{target}>`", False),
        (f"{{doc}}`{target}`", False),
    ]


def write(root: Path, graph: Graph) -> set[tuple[str, int]]:
    """Write the tree under ``root/docs``; return the ``(path, line)`` of each broken link."""
    source = root / "docs"
    source.mkdir(parents=True, exist_ok=True)
    (source / "conf.py").write_text(CONF)
    toctree = "\n".join(sorted(graph.docs))
    expected: set[tuple[str, int]] = set()
    bodies: dict[str, list[str]] = {name: [] for name in graph.docs}
    for name, kind in graph.docs.items():
        title = name.rpartition("/")[2].capitalize()
        lines = bodies[name]
        if kind == "md":
            lines += [f"# {title}", "", "## Section", ""]
        else:
            lines += [title, "=" * len(title), "", "Section", "-------", ""]
    for label, doc in graph.labels.items():
        if graph.docs[doc] == "md":
            bodies[doc] += [f"({label})=", f"## Part {label}", ""]
        else:
            bodies[doc] += [f".. _{label}:", "", f"Part {label}", "-" * (5 + len(label)), ""]
    for doc, target, ok in graph.links:
        bodies[doc] += [target, ""]
        if not ok:
            expected.add((f"docs/{doc}.md", len(bodies[doc]) - 1))
    index = ["# Index", "", "```{toctree}", toctree, "```", ""]
    (source / "index.md").write_text("\n".join(index))
    for name, lines in bodies.items():
        path = source / f"{name}.{graph.docs[name]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))
    return expected
