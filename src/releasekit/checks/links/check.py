"""The link check, start to end: pick the files, parse them, resolve every link, report.

Each file is read and parsed at most once per run, and only when a link needs it (or it is
one of the files to check). Large trees are parsed in a process pool; a handful of files
(the pre-commit hook's usual case) is parsed in-process, so start-up stays small.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from releasekit.checks.links import local
from releasekit.checks.links.anchors import missing_anchor
from releasekit.checks.links.document import Document, kind_of, load, positions
from releasekit.checks.links.rendered import Resolver
from releasekit.checks.links.settings import LinkSettings
from releasekit.errors import ReleasekitError, redact
from releasekit.findings import Finding

POOL_MIN_FILES = 300  # below this, starting worker processes costs more than it saves


def _shown(url: str) -> str:
    """``url`` quoted for a finding, its credentials masked, THEN cut short when it would drown the report."""
    url = redact(url)
    return repr(url) if len(url) <= 200 else f"{url[:120]!r}... ({len(url)} characters)"


class Report(NamedTuple):
    """The findings of a run, and what was looked at."""

    findings: list[Finding]
    files: int
    links: int
    external: int = 0


class _Problem(NamedTuple):
    rel: str
    offset: int | None  # None: about the file itself (reported at 1:1)
    message: str
    level: str = "error"


def is_doc(rel: str) -> bool:
    """True for the files the checker reads links from (Markdown, reST, HTML, README)."""
    return kind_of(rel) != "other"


def select_files(settings: LinkSettings, paths: Sequence[str], cwd: Path) -> list[str]:
    """The repository-relative documentation files to check for ``paths`` (all tracked docs if none)."""
    root = settings.root
    chosen: list[str] = []
    specs: list[str] = []
    for raw in paths:
        given = cwd / raw if not os.path.isabs(raw) else Path(raw)
        # The directory resolved, the name not: a symlinked file is judged (and refused) by the loader.
        full = given.parent.resolve() / given.name if given.name not in ("", ".", "..") else given.resolve()
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise ReleasekitError(f"{raw}: outside the repository {root}") from None
        if full.is_dir():
            specs.append(rel)
        elif os.path.lexists(full):
            chosen.append(rel)
        else:
            raise ReleasekitError(f"{raw}: no such file or directory")
    if not paths or specs:
        from releasekit import git  # not needed (nor started) when the hook passes files

        tracked = git.tracked_files(root, *specs)
        if tracked is None:
            tracked = _walk(root, specs or ["."])
        else:  # a tracked file deleted in the work tree has no links left to check
            tracked = [rel for rel in tracked if not is_doc(rel) or os.path.lexists(root / rel)]
        chosen.extend(tracked)
    seen: set[str] = set()
    result: list[str] = []
    for rel in chosen:
        if rel in seen or not is_doc(rel) or not settings.rendered(rel):
            continue
        if any(fnmatch.fnmatch(rel, pattern) for pattern in settings.exclude):
            continue
        seen.add(rel)
        result.append(rel)
    return result


def _walk(root: Path, specs: Sequence[str]) -> list[str]:
    found: list[str] = []
    for spec in specs:
        for directory, dirs, files in os.walk(root / spec):  # does not follow symlinks: no loops
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(directory).relative_to(root).as_posix()
            found.extend(name if base == "." else f"{base}/{name}" for name in sorted(files))
    return found


def _parse_chunk(settings: LinkSettings, rels: Sequence[str]) -> list[Document]:
    return [load(settings.root, rel, settings.profile_for(rel)) for rel in rels]


def _jobs(settings: LinkSettings, files: int) -> int:
    """Worker processes for ``files`` files: one per idle core for large trees, none for a few."""
    if files < POOL_MIN_FILES:
        return 1
    if settings.jobs is not None:
        return max(1, settings.jobs)
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        busy = 0.0
    # Workers only pay when cores are free: on a busy machine they add work and save none.
    return max(1, min(cores, round(cores - busy)))


def _forks() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _pool(jobs: int) -> Any:
    import multiprocessing

    # fork: the workers inherit what the parent has read, with nothing to pickle
    return multiprocessing.get_context("fork" if _forks() else None).Pool(jobs)


def _chunks(rels: Sequence[str], jobs: int) -> list[Sequence[str]]:
    size = -(-len(rels) // (jobs * 4))
    return [rels[i : i + size] for i in range(0, len(rels), size)]


def _parse_all(settings: LinkSettings, rels: Sequence[str]) -> list[Document]:
    jobs = _jobs(settings, len(rels))
    if jobs <= 1:
        return _parse_chunk(settings, rels)
    with _pool(jobs) as pool:
        parts = pool.starmap(_parse_chunk, [(settings, chunk) for chunk in _chunks(rels, jobs)])
    return [doc for part in parts for doc in part]


_ACTIVE: Checker | None = None  # the run a forked worker inherited


def _check_part(rels: Sequence[str]) -> tuple[list[_Problem], dict[str, list[tuple[str, int]]]]:
    checker = _ACTIVE
    assert checker is not None, "a link-check worker must be forked from a running check"
    checker.problems, checker.external = [], {}
    for rel in rels:
        checker._check_doc(rel, checker.docs[rel])
    return checker.problems, checker.external


class Checker:
    """One run: the documents read so far, the repository's listing, the findings."""

    def __init__(self, settings: LinkSettings) -> None:
        self.settings = settings
        self.tree = local.Tree(str(settings.root))
        self.resolver = Resolver(settings, self.tree)
        self.docs: dict[str, Document] = {}
        self.problems: list[_Problem] = []
        self.external: dict[str, list[tuple[str, int]]] = {}
        self._own_repo: str | bool | None = False
        self._exclude_urls = [re.compile(p) for p in settings.exclude_urls]

    @property
    def own_repo(self) -> str | None:
        """``owner/repo`` of the ``origin`` remote on GitHub (looked up once, when first needed)."""
        if self._own_repo is False:
            from releasekit import git

            self._own_repo = local.github_repo(git.remote_url("origin", self.settings.root))
        return self._own_repo  # type: ignore[return-value]

    def document(self, rel: str) -> Document:
        """``rel`` read and parsed (once)."""
        doc = self.docs.get(rel)
        if doc is None:
            doc = self.docs[rel] = load(self.settings.root, rel, self.settings.profile_for(rel))
        return doc

    def run(self, rels: Sequence[str]) -> int:
        """Check every link in ``rels``; returns how many links were looked at."""
        for rel, doc in zip(rels, _parse_all(self.settings, rels), strict=True):
            self.docs[rel] = doc
        count = 0
        for rel in rels:
            doc = self.docs[rel]
            if doc.problem:
                self.problems.append(_Problem(rel, None, doc.problem[1], doc.problem[0]))
            count += len(doc.links)
        jobs = _jobs(self.settings, len(rels))
        if jobs <= 1 or not _forks():
            for rel in rels:
                self._check_doc(rel, self.docs[rel])
            return count
        global _ACTIVE
        _ACTIVE = self
        try:
            with _pool(jobs) as pool:
                parts = pool.map(_check_part, _chunks(rels, jobs))
        finally:
            _ACTIVE = None
        for problems, external in parts:
            self.problems.extend(problems)
            for url, places in external.items():
                self.external.setdefault(url, []).extend(places)
        return count

    def _check_doc(self, rel: str, doc: Document) -> None:
        source_dir = posixpath.dirname(rel) or "."
        docs_root = self.settings.docs_root_for(rel)
        external = self.settings.external
        # MkDocs pages may be templates (mkdocs-macros): "{{ user.url }}" is filled in when the site is built
        templated = self.settings.site_for(rel) is not None
        for link in doc.links:
            url = link.url
            if self._exclude_urls and any(p.search(url) for p in self._exclude_urls):
                continue
            if templated and ("{{" in url or "{%" in url):
                continue
            if link.role:
                message = self.resolver.role(rel, link.role, url)
                if message:
                    shown = f"{{{link.role}}}`{url}`" if doc.kind == "markdown" else f":{link.role}:`{url}`"
                    self.problems.append(_Problem(rel, link.offset, f"{shown}: {message}"))
                continue
            if link.bare:
                if external and len(url) > local.MAX_URL:
                    self.problems.append(_Problem(rel, link.offset, f"{_shown(url)}: {local.TOO_LONG}"))
                elif external:
                    self.external.setdefault(url, []).append((rel, link.offset))
                continue
            own = self.own_repo if "github.com" in url else None
            target = local.classify(url, source_dir, docs_root, own)
            kind = target.kind
            if kind == "local":
                message = self._check_local(rel, doc, target, url)
                if message:
                    self.problems.append(_Problem(rel, link.offset, f"{_shown(url)}: {message}"))
            elif kind == "external":
                if external:
                    self.external.setdefault(url, []).append((rel, link.offset))
            elif kind == "error":
                self.problems.append(_Problem(rel, link.offset, f"{_shown(url)}: {target.problem}"))

    def _check_local(self, rel: str, doc: Document, target: local.Target, url: str) -> str | None:
        path = target.path
        if path == "":
            target_doc, shown = doc, "this file"
        else:
            found = self.tree.lookup(path)
            looked_for = ""
            if found.kind == "missing" and doc.kind == "markdown":
                reading = self.resolver.read(rel, url, path)
                if reading.ok:
                    return None
                if reading.path:
                    path, found = reading.path, local.Lookup("file")
                looked_for = reading.message
            if found.kind == "missing":
                if looked_for:
                    return looked_for
                hint = ""
                if found.suggestion:
                    source_dir = posixpath.dirname(rel) or "."
                    hint = f"; did you mean {posixpath.relpath(found.suggestion, source_dir)!r}?"
                return f"{path} does not exist{hint}"
            if found.kind == "broken":
                return f"{path} cannot be resolved (dangling symlink or symlink loop)"
            if found.kind == "outside":
                return f"{path} is a symlink leading outside the repository; it is not read"
            if found.kind == "special":
                return f"{path} is not a regular file (a FIFO, socket or device); it is not read"
            if target.fragment is None:
                return None
            if found.kind == "dir":
                readme = self._directory_page(path)
                if readme is None:
                    return f"{path} is a directory with no README to hold #{target.fragment}"
                path = readme
            target_doc, shown = self.document(path), path
            if target_doc.kind == "unreadable" and target_doc.problem:
                return f"{path}: {target_doc.problem[1]}"
        if target.fragment is None:
            return None
        plain = "plain=1" in target.query
        why = missing_anchor(target.fragment, target_doc, plain=plain)
        if why is None or (path == "" and self.resolver.is_label(rel, target.fragment)):
            return None
        if target_doc.kind == "other" or plain:
            return f"no line {target.fragment!r} in {shown}: {why}"
        return f"no anchor #{target.fragment} in {shown}" + (f"; {why}" if why else "")

    def _directory_page(self, path: str) -> str | None:
        names = self.tree.listing(path) or frozenset()
        for name in ("README.md", "readme.md", "README.rst", "index.md", "index.rst", "index.html"):
            if name in names:
                return f"{path}/{name}" if path != "." else name
        return None

    def findings(self, cwd: Path) -> list[Finding]:
        """The problems found, as findings with ``line:col`` (paths relative to ``cwd``)."""
        by_file: dict[str, set[int]] = {}
        for problem in self.problems:
            if problem.offset is not None:
                by_file.setdefault(problem.rel, set()).add(problem.offset)
        places = {rel: positions(self.settings.root, rel, offsets) for rel, offsets in by_file.items()}
        result: list[Finding] = []
        for problem in self.problems:
            line, col = (1, 1) if problem.offset is None else places[problem.rel][problem.offset]
            shown = _display(self.settings.root / problem.rel, cwd)
            result.append(Finding(shown, line, col, redact(problem.message), problem.level))
        result.sort(key=lambda f: (f.path, f.line, f.col))
        return result


def _display(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return os.path.relpath(path, cwd)


def check(
    settings: LinkSettings,
    paths: Sequence[str] = (),
    cwd: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check the links of ``paths`` (all tracked documentation when empty) and report.

    ``progress(done, total)`` is called as external URLs are checked.
    """
    cwd = cwd or Path.cwd()
    rels = select_files(settings, paths, cwd)
    checker = Checker(settings)
    count = checker.run(rels)
    external = 0
    if settings.external and checker.external:
        from releasekit.checks.links.external import check_urls

        external = len(checker.external)
        for url, (level, message) in check_urls(list(checker.external), settings, progress).items():
            for rel, offset in checker.external[url]:
                checker.problems.append(_Problem(rel, offset, f"{url!r}: {message}", level))
    return Report(checker.findings(cwd), len(rels), count, external)
