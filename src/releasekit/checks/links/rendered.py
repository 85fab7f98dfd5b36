"""Links as the tool that renders the file resolves them: Sphinx with MyST, and MkDocs.

A link whose path is no file is given a second reading before it is reported:

- in a MyST page of a Sphinx project, ``[x](target)`` is a document (its suffix left out,
  relative or from the source root ``/...``), else a label (MyST ``(name)=`` or reST
  ``.. _name:`` anywhere in the source tree), else a Python object of the project's own
  packages (read with ``ast``); another project's object (with intersphinx) is not local,
  and Sphinx's generated ``genindex``, ``modindex`` and ``search`` always exist;
- in an MkDocs page, ``[x](page)`` or ``[x](../page/)`` is ``page.md`` (or its folder's
  ``index.md``), relative to the file or, with ``use_directory_urls``, to the page's URL.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from releasekit.checks.links.local import Tree
from releasekit.checks.links.mkdocs_yml import Site
from releasekit.checks.links.sections import section_labels
from releasekit.checks.links.settings import LinkSettings, SphinxSource

if TYPE_CHECKING:  # read only when a link names no document or label
    from releasekit.checks.links.pyobjects import PyObjects

GENERATED = frozenset(("genindex", "modindex", "py-modindex", "search"))
_MYST_LABEL = re.compile(r"^[ \t]*\(([^()\n]+)\)=[ \t]*$", re.MULTILINE)
_RST_LABEL = re.compile(r"^[ \t]*\.\.[ \t]+_(`[^`\n]+`|[^:`\n][^:\n]*?):[ \t]*$", re.MULTILINE)
_DOTTED = re.compile(r"^~?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
# A name with one of these suffixes is a file, never a Python object.
_FILE_SUFFIXES = frozenset(
    "md rst txt html htm yml yaml toml json cfg ini py pyi ipynb png jpg jpeg gif svg pdf csv sh zip gz".split()  # noqa: SIM905
)
_PAGE_NAMES = ("index.md", "README.md")
_ROLE_TARGET = re.compile(r"^[^<]*<([^<>]+)>\s*$", re.DOTALL)  # "text <target>"


def label_key(name: str) -> str:
    """A label as Sphinx compares it: lowercase, whitespace squeezed (docutils' normalized name)."""
    return " ".join(name.strip().strip("`").lower().split())


def labels_in(text: str) -> set[str]:
    """The labels a MyST or reST text defines: ``(name)=`` and ``.. _name:`` lines."""
    found = {label_key(m.group(1)) for m in _MYST_LABEL.finditer(text)}
    found.update(label_key(m.group(1)) for m in _RST_LABEL.finditer(text))
    return found


class Reading(NamedTuple):
    """The second reading of a link: ``path`` is the document it names (its anchor still to check),
    ``ok`` that it resolves without one, else ``message`` says what was looked for."""

    path: str | None = None
    ok: bool = False
    message: str = ""


def _tracked(root: Path, spec: str) -> list[str]:
    from releasekit import git

    found = git.tracked_files(root, spec)
    if found is not None:
        return found
    result: list[str] = []
    for directory, dirs, files in os.walk(root / (spec.split("*")[0].rstrip("/") or ".")):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(directory).relative_to(root).as_posix()
        result.extend(name if base == "." else f"{base}/{name}" for name in files)
    return result


class SphinxProject:
    """One Sphinx source tree: its documents and labels, read once, when first needed."""

    def __init__(self, root: Path, source: SphinxSource) -> None:
        self.root = root
        self.source = source
        suffixes = (".rst", ".md", ".ipynb") if source.myst else (".rst",)
        self.docnames: dict[str, str] = {}
        for rel in sorted(_tracked(root, source.path)):
            stem, suffix = posixpath.splitext(rel)
            if suffix in suffixes:
                self.docnames.setdefault(stem, rel)
        self._labels: set[str] | None = None

    @property
    def labels(self) -> set[str]:
        """Every label of the source tree (lowercased, as Sphinx matches them)."""
        if self._labels is None:
            from releasekit.checks.links.document import read_text

            self._labels = set()
            source = self.source
            for stem, rel in self.docnames.items():
                text = read_text(self.root, rel)
                self._labels.update(labels_in(text))
                if source.section_labels:
                    docname = posixpath.relpath(stem, source.path)
                    found = _sections(text, rel)
                    names = section_labels(docname, found, source.prefix_document, source.label_depth)
                    self._labels.update(label_key(name) for name in names)
        return self._labels


def _sections(text: str, rel: str) -> list[tuple[str, int]]:
    """The sections of the document ``rel`` (none when it is too deeply nested to read)."""
    from releasekit.checks.links.model import TooDeep
    from releasekit.checks.links.sections import markdown_sections, rst_sections

    try:
        if rel.endswith(".rst"):
            return rst_sections(text, rel)
        return markdown_sections(text) if rel.endswith(".md") else []
    except TooDeep:
        return []


class Resolver:
    """The second reading of links, for one run."""

    def __init__(self, settings: LinkSettings, tree: Tree) -> None:
        self.settings = settings
        self.tree = tree
        self._projects: dict[str, SphinxProject] = {}
        self._objects: PyObjects | None = None

    def project(self, source: SphinxSource) -> SphinxProject:
        """The Sphinx project of ``source``, listed once."""
        found = self._projects.get(source.path)
        if found is None:
            found = self._projects[source.path] = SphinxProject(self.settings.root, source)
        return found

    def python_objects(self) -> PyObjects:
        """The project's own modules (listed once, each parsed when first asked about)."""
        if self._objects is None:
            from releasekit.checks.links.pyobjects import PyObjects

            self._objects = PyObjects(self.settings.root, _tracked(self.settings.root, "*.py"))
        return self._objects

    def is_label(self, rel: str, fragment: str) -> bool:
        """True when ``#fragment`` in a MyST page of a Sphinx project names a label of that project."""
        source = self.settings.sphinx_for(rel)
        if source is None or not source.myst:
            return False
        return label_key(fragment) in self.project(source).labels

    def role(self, rel: str, role: str, content: str) -> str | None:
        """Why the role (MyST ``{ref}`x```, reST ``:ref:`x```) in ``rel`` does not resolve, or None.

        Outside a Sphinx project (and in Markdown, outside MyST) a role is code: None.
        """
        source = self.settings.sphinx_for(rel)
        if source is None or (rel.endswith(".md") and not source.myst):
            return None  # GitHub shows it as code
        target = _ROLE_TARGET.match(content)
        name = (target.group(1) if target else content).strip()
        project = self.project(source)
        if role == "ref":
            return None if label_key(name) in project.labels else f"no label {name!r} in the Sphinx project"
        path = name.lstrip("/") if name.startswith("/") else posixpath.join(posixpath.dirname(rel), name)
        base = source.path if name.startswith("/") else ""
        doc = posixpath.normpath(posixpath.join(base, path))
        return None if doc in project.docnames else f"no document {name!r} in the Sphinx project"

    def read(self, rel: str, url: str, path: str) -> Reading:
        """What the missing ``path`` (from ``url`` in the Markdown file ``rel``) names for its renderer."""
        source = self.settings.sphinx_for(rel)
        if source is not None and source.myst:
            return self._sphinx(source, url, path)
        site = self.settings.site_for(rel)
        if site is not None:
            return self._mkdocs(site, rel, url, path)
        return Reading()

    def _sphinx(self, source: SphinxSource, url: str, path: str) -> Reading:
        project = self.project(source)
        name = unquote(url.partition("#")[0].partition("?")[0]).strip()
        doc = project.docnames.get(path)
        if doc is not None:
            if "#" not in url:
                return Reading(doc)
            # MyST reads "page#part" as one reference name, which no document or label has
            base, _, fragment = url.partition("#")
            written = f"{base}{posixpath.splitext(doc)[1]}#{fragment}"
            return Reading(message=f"a document named without its suffix takes no anchor; write {written!r}")
        if "#" in url:
            return Reading(message=f"{path} does not exist; no document {name!r} in the Sphinx project")
        if name.lstrip("/") in GENERATED or label_key(name) in project.labels:
            return Reading(ok=True)
        if _DOTTED.match(name) and name.rpartition(".")[2].lower() not in _FILE_SUFFIXES:
            objects = self.python_objects()
            dotted = name.lstrip("~")
            if objects.owns(dotted):
                if objects.exists(dotted):
                    return Reading(ok=True)
                return Reading(
                    message=f"{path} does not exist; no document, label or Python object {name!r} in the Sphinx project"
                )
            if source.intersphinx:
                return Reading(ok=True)  # another project's object: its inventory answers, not this check
        return Reading(message=f"{path} does not exist; no document or label {name!r} in the Sphinx project")

    def _mkdocs(self, site: Site, rel: str, url: str, path: str) -> Reading:
        raw = unquote(url.partition("#")[0].partition("?")[0])
        base, page_url = path, ""
        if site.directory_urls and raw and not raw.startswith("/") and not raw.endswith(".md"):
            # a URL, not a file: relative to the page's own URL (page.md is served as page/)
            stem = posixpath.splitext(rel)[0]
            page_dir = posixpath.dirname(rel) if posixpath.basename(rel) in _PAGE_NAMES else stem
            base = posixpath.normpath(posixpath.join(page_dir, raw))
            page_url = posixpath.relpath(page_dir, site.docs_dir)
        stem, suffix = posixpath.splitext(base)
        candidates = [f"{stem}.md"] if suffix == ".html" else [f"{base}.md"]
        if raw.endswith("/") and not (site.directory_urls and raw.startswith("/")) and not page_url:
            candidates = []  # a folder's URL, without directory URLs: only its index page
        candidates += [f"{base}/{name}" for name in _PAGE_NAMES]
        for candidate in candidates:
            if not candidate.startswith("../") and self.tree.lookup(candidate).kind == "file":
                return Reading(candidate)
        if page_url:
            shown = "/" if page_url == "." else f"/{page_url}/"
            return Reading(message=f"no page at {base} (with use_directory_urls, this page is served as {shown})")
        return Reading()
