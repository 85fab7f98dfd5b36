"""``sphinx.ext.autosectionlabel``: section titles are labels (``doc:Title`` with
``autosectionlabel_prefix_document``, none past ``autosectionlabel_maxdepth``), in reST and
MyST sources; conf.py is read, never run.

The differential builds each configuration with the real Sphinx: a ``:ref:`` Sphinx resolves
is never reported, and one it warns about is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from releasekit.checks.links.check import check
from releasekit.checks.links.settings import from_config
from tests.helpers.gitrepo import commit_all, make_repo
from tests.helpers.links import build_warnings

GUIDE = """\
Guide
=====

Install
-------

The ``foo`` option
~~~~~~~~~~~~~~~~~~

Deep part
^^^^^^^^^

Café  au lait
-------------
"""
NOTES = """\
# Notes

## Setup Steps

### The `bar` flag

Setext title
------------

#### Deepest ####
"""
SECTIONS = {
    "guide": ["Guide", "Install", "The ``foo`` option", "Deep part", "Café  au lait"],
    "topics/notes": ["Notes", "Setup Steps", "The `bar` flag", "Setext title", "Deepest"],
}


def _targets() -> list[str]:
    """Every title as written, folded, with its own document, with another's, and names of no section."""
    found = ["no such section", "guide:nope", "guide", "notes:setup steps"]
    for doc, titles in SECTIONS.items():
        other = "guide" if doc != "guide" else "topics/notes"
        for title in titles:
            found += [title, title.upper(), " ".join(title.split()), f"{doc}:{title}", f"{other}:{title}"]
    return found


def _project(root: Path, conf: str) -> None:
    # a title with backquotes is labelled too, but no role can name it (its backquote ends the role)
    targets = [t for t in _targets() if "`" not in t]
    rst_refs = "\n\n".join(f":ref:`{t}`" for t in targets)
    myst_refs = "\n\n".join(f"{{ref}}`see <{t}>`" for t in targets)
    files = {
        "docs/conf.py": conf,
        "docs/index.rst": f"Home\n====\n\n.. toctree::\n\n   guide\n   topics/notes\n   topics/refs\n\n{rst_refs}\n",
        "docs/guide.rst": GUIDE,
        "docs/topics/notes.md": NOTES,
        "docs/topics/refs.md": f"# Refs\n\n{myst_refs}\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


_WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): WARNING: .*\[(?:myst\.xref_missing|ref\.ref|ref\.doc)\]$")
EXTENSIONS = 'extensions = ["myst_parser", "sphinx.ext.autosectionlabel"]\n'
CONFS = [
    EXTENSIONS,
    EXTENSIONS + "autosectionlabel_prefix_document = True\n",
    EXTENSIONS + "autosectionlabel_maxdepth = 2  # top sections and the ones below\n",
    EXTENSIONS + "autosectionlabel_prefix_document = True\nautosectionlabel_maxdepth = 1\n",
]


@pytest.mark.integration
@pytest.mark.parametrize("conf", CONFS)
def test_the_same_refs_as_sphinx(tmp_path: Path, conf: str) -> None:
    pytest.importorskip("myst_parser")
    root = make_repo(tmp_path / "project")
    _project(root, conf)
    commit_all(root, "Docs")
    lines = build_warnings(["sphinx", "-b", "html", "-q", "docs", str(tmp_path / "html")], root, _WARNING)
    source = str(root / "docs") + "/"
    warned = {("docs/" + match["path"].removeprefix(source), int(match["line"])) for match in lines}
    report = check(from_config(None, root), cwd=root)
    ours = {(f.path, f.line) for f in report.findings}
    resolved = 2 * sum("`" not in t for t in _targets()) - len(warned)  # the refs Sphinx resolved: some of each file
    assert {path for path, _ in warned} == {"docs/index.rst", "docs/topics/refs.md"}
    assert resolved >= 4
    assert ours == warned


def test_without_the_extension_titles_are_no_labels(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "project")
    _project(root, 'extensions = ["myst_parser"]\n# sphinx.ext.autosectionlabel is not used here\n')
    commit_all(root, "Docs")
    report = check(from_config(None, root), cwd=root)
    messages = {f.message for f in report.findings}
    assert "{ref}`see <Setup Steps>`: no label 'Setup Steps' in the Sphinx project" in messages
    assert ":ref:`Install`: no label 'Install' in the Sphinx project" in messages
