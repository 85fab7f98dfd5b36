"""Generated Sphinx + MyST trees: a link is reported exactly when its target is missing.

The property test draws graphs of documents (MyST and reST, in folders), labels and
links written every way MyST accepts, and compares releasekit's findings with what the
graph says is missing. The differential test builds such trees with the real Sphinx and
myst-parser and compares the links Sphinx warns about with the links releasekit reports.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit.checks.links.check import check
from releasekit.checks.links.settings import from_config
from tests.helpers.links import build_warnings
from tests.helpers.sphinxtree import Graph, link_forms, write

DOC_NAMES = ["alpha", "beta", "guide/gamma", "guide/delta", "ref/api/epsilon"]
LABEL_NAMES = ["lab-one", "lab-two", "how-frozen", "api-validators", "x_y"]
MISSING = ["gone", "lab-three", "guide/nope", "alphabet"]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    names = draw(st.lists(st.sampled_from(DOC_NAMES), min_size=1, max_size=5, unique=True))
    docs = {name: draw(st.sampled_from(["md", "rst"])) for name in names}
    if "md" not in docs.values():
        docs[names[0]] = "md"
    labels = {
        label: draw(st.sampled_from(names)) for label in draw(st.lists(st.sampled_from(LABEL_NAMES), unique=True))
    }
    graph = Graph(docs, labels)
    sources = [name for name, kind in docs.items() if kind == "md"]
    for _ in range(draw(st.integers(1, 12))):
        source = draw(st.sampled_from(sources))
        kind = draw(st.sampled_from(["doc", "label", "missing"]))
        pool = {"doc": names, "label": sorted(labels), "missing": MISSING}[kind]
        if not pool:
            continue
        target = draw(st.sampled_from(pool))
        form, ok = draw(st.sampled_from(link_forms(graph, source, target, kind)))
        graph.links.append((source, form, ok))
    return graph


def found(root: Path) -> set[tuple[str, int]]:
    report = check(from_config(None, root), cwd=root)
    return {(f.path, f.line) for f in report.findings}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_reported_exactly_when_missing(graph: Graph) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected = write(root, graph)
        assert found(root) == expected, graph


# a link MyST cannot resolve, a {ref} to no label, a {doc} to no document
_WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): WARNING: .*\[(?:myst\.xref_missing|ref\.ref|ref\.doc)\]$")


@pytest.mark.integration
@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_links_as_sphinx(tmp_path: Path, seed: int) -> None:
    pytest.importorskip("myst_parser")
    rng = random.Random(seed)
    docs = {name: rng.choice(["md", "rst"]) for name in DOC_NAMES}
    docs["alpha"] = docs["guide/gamma"] = "md"
    graph = Graph(docs, {label: rng.choice(DOC_NAMES) for label in LABEL_NAMES})
    for source in [name for name, kind in docs.items() if kind == "md"]:
        for kind, pool in (("doc", DOC_NAMES), ("label", LABEL_NAMES), ("missing", MISSING)):
            for target in pool:
                for form, ok in link_forms(graph, source, target, kind):
                    graph.links.append((source, form, ok))
    root = tmp_path / "project"
    expected = write(root, graph)
    lines = build_warnings(["sphinx", "-b", "html", "-q", "docs", str(tmp_path / "html")], root, _WARNING)
    source = str(root / "docs") + "/"
    warned = {("docs/" + match["path"].removeprefix(source), int(match["line"])) for match in lines}
    assert warned == expected  # the graph's own account agrees with Sphinx...
    assert found(root) == warned  # ...and so does releasekit
