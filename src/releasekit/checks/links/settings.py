"""What one run of the link checker is told: built from ``[tool.releasekit.links]`` and mkdocs.yml."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit.checks.links.gitindex import tracked_named
from releasekit.checks.links.mkdocs_yml import Site, mkdocs_site
from releasekit.checks.links.patterns import backtracks
from releasekit.checks.links.slugs import PROFILES, PYMDOWNX_CASES, Profile, profile
from releasekit.config import LinksConfig
from releasekit.errors import ReleasekitError
from releasekit.safefiles import Refused, read_bytes

if TYPE_CHECKING:
    from releasekit.config import Config


@dataclass(frozen=True)
class SphinxSource:
    """A Sphinx source directory (it holds conf.py), and what its conf.py turns on."""

    path: str
    myst: bool = False  # myst_parser (or myst_nb): Markdown files are MyST, their links Sphinx references
    intersphinx: bool = False  # names of other projects' objects resolve through inventories
    section_labels: bool = False  # sphinx.ext.autosectionlabel: section titles are labels
    prefix_document: bool = False  # autosectionlabel_prefix_document: the labels read "docname:Title"
    label_depth: int | None = None  # autosectionlabel_maxdepth: sections this deep or deeper get no label


@dataclass(frozen=True)
class LinkSettings:
    """Everything the checker needs to know, as plain values."""

    root: Path
    slug: str | None = None  # None: github, or the MkDocs site's own
    slug_case: str = "none"
    docs_root: str | None = None  # repository-relative; None: the repository root (or docs_dir in MkDocs)
    sites: tuple[Site, ...] = ()
    sphinx_dirs: tuple[str, ...] = ()  # Sphinx source directories (they hold a conf.py)
    sphinx: tuple[SphinxSource, ...] = ()  # the same, with their conf.py's extensions
    exclude: tuple[str, ...] = ()  # globs over repository-relative paths of files not to check
    exclude_urls: tuple[str, ...] = ()  # regular expressions over link destinations not to check
    external: bool = False
    accept_status: tuple[int, ...] = ()
    cache_ttl: int = 86400
    private_addresses: bool = True
    timeout: float = 10.0  # seconds one connect or read may wait
    deadline: float = 30.0  # seconds one request may take in all, its body included
    report_redirects: bool = False
    concurrency: int = 128
    per_host: int = 10
    cache_dir: Path | None = None
    retry_backoff: float = 1.0  # seconds before the first retry; doubles each time
    jobs: int | None = None  # worker processes for parsing; None: decide by the tree's size
    _profiles: dict[str, Profile] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # The deepest docs_dir first: one site's tree may sit inside another's repository folder.
        object.__setattr__(self, "sites", tuple(sorted(self.sites, key=lambda s: len(s.docs_dir), reverse=True)))

    def site_for(self, rel: str) -> Site | None:
        """The MkDocs site whose docs_dir holds ``rel``, if any (the deepest first)."""
        for site in self.sites:
            if site.docs_dir == "." or rel.startswith(site.docs_dir + "/"):
                return site
        return None

    def profile_spec(self, rel: str) -> tuple[str, str]:
        """The slug profile (name, case) for the Markdown file ``rel``."""
        if self.slug:
            return self.slug, self.slug_case
        site = self.site_for(rel)
        return (site.slug, site.case) if site else ("github", "none")

    def profile_for(self, rel: str) -> Profile:
        """The slug profile for the Markdown file ``rel``, built once per spec."""
        name, case = self.profile_spec(rel)
        key = f"{name}:{case}"
        found = self._profiles.get(key)
        if found is None:
            found = self._profiles[key] = profile(name, case)
        return found

    def sphinx_for(self, rel: str) -> SphinxSource | None:
        """The Sphinx source directory that holds ``rel``, if any (deepest first)."""
        for source in self.sphinx:
            if rel.startswith(source.path + "/"):
                return source
        return None

    def rendered(self, rel: str) -> bool:
        """False for the files a documentation tool does not render as pages: MkDocs theme overrides."""
        for site in self.sites:
            if site.custom_dir and (site.custom_dir == "." or rel.startswith(site.custom_dir + "/")):
                return False
        return True

    def docs_root_for(self, rel: str) -> str:
        """Where root-relative ``/path`` links in ``rel`` resolve (repository-relative)."""
        if self.docs_root is not None:
            return self.docs_root
        site = self.site_for(rel)
        if site:
            return site.docs_dir
        for source in self.sphinx_dirs:
            if rel.startswith(source + "/"):
                return source
        return "."


def from_config(cfg: Config | None, start: Path, *, external: bool = False) -> LinkSettings:
    """The settings for checking the work tree that holds ``start``, from ``[tool.releasekit.links]``
    of ``cfg`` (the defaults without a project), validated: a bad value is one ReleasekitError
    naming the file and the key.

    The command and the release's preflight both build their settings here.
    """
    links = cfg.links if cfg else LinksConfig()
    where = f"{cfg.pyproject.name}: [tool.releasekit.links]" if cfg else "[tool.releasekit.links]"
    root = (_work_tree(start) or (cfg.root if cfg else start)).resolve()
    slug, case = parse_slug(links.slug, f"{where} slug") if links.slug else (None, "none")
    for pattern in links.exclude_urls:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ReleasekitError(f"{where} exclude_urls: bad regular expression {pattern!r}: {exc}") from None
        except (RecursionError, OverflowError):  # groups nested hundreds deep: re's parser recurses per level
            raise ReleasekitError(
                f"{where} exclude_urls: regular expression {pattern[:60]!r}... nested too deeply"
            ) from None
        if backtracks(pattern):
            raise ReleasekitError(
                f"{where} exclude_urls: {pattern[:200]!r} repeats a group that itself repeats or alternates, "
                "which can backtrack for minutes; write it without (a character class, or an atomic group (?>...))"
            )
    for code in links.accept_status:
        if not 100 <= code <= 599:
            raise ReleasekitError(f"{where} accept_status: {code!r} is not an HTTP status code")
    docs_root = None
    if links.docs_root is not None:
        docs_root = Path(links.docs_root.strip("/") or ".").as_posix()
        if not (root / docs_root).is_dir():
            raise ReleasekitError(f"{where} docs_root: {links.docs_root!r} is not a directory under {root}")
    # An mkdocs.yml anywhere in the tree (docs/en/mkdocs.yml) governs the files of its docs_dir.
    configs, found_sphinx = find_doc_configs(root)
    sources = sphinx_dirs(root, found_sphinx)
    return LinkSettings(
        root=root,
        slug=slug,
        slug_case=case,
        docs_root=docs_root,
        sites=tuple(site for path in configs if (site := mkdocs_site(root, path)) is not None),
        sphinx_dirs=sources,
        sphinx=tuple(sphinx_source(root, path) for path in sources),
        exclude=links.exclude,
        exclude_urls=links.exclude_urls,
        external=external,
        accept_status=links.accept_status,
        cache_ttl=links.cache_ttl,
        private_addresses=links.private_addresses,
        timeout=links.timeout,
        deadline=links.deadline,
        report_redirects=links.report_redirects,
        concurrency=max(1, links.concurrency),
        per_host=max(1, links.per_host),
        cache_dir=root / ".cache" / "releasekit",
        jobs=links.jobs if links.jobs > 0 else None,
    )


def _work_tree(start: Path) -> Path | None:
    # The nearest directory holding .git (a directory, or a file in worktrees and
    # submodules), found without starting git: the hook's start-up stays small.
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


SPHINX_SOURCES = ("docs", "doc", "docs/source", "doc/source")


def sphinx_dirs(root: Path, found: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The Sphinx source directories of ``root``, deepest first: the usual ones that hold a
    conf.py, and those ``find_doc_configs`` found elsewhere in the tree."""
    usual = [d for d in SPHINX_SOURCES if (root / d / "conf.py").is_file()]
    return tuple(sorted({*usual, *found}, key=len, reverse=True))


# Directories the fallback walk (outside a git repository) never searches: caches, environments, builds.
_SKIP_DIRS = frozenset({"node_modules", "site-packages", "_build", "venv", "__pycache__"})
MAX_DEPTH = 5  # below the repository root, for the fallback walk
MAX_DIRS = 5000  # a bound on the fallback walk, whatever the tree holds
_SPHINX_ROOT_DOCS = ("index.rst", "index.md", "contents.rst")
_CONFIG_NAMES = frozenset(("mkdocs.yml", "mkdocs.yaml", "conf.py", *_SPHINX_ROOT_DOCS))


def _tracked_configs(root: Path) -> list[str] | None:
    """The tracked files named like a documentation configuration (or a Sphinx root document)."""
    found = tracked_named(root, _CONFIG_NAMES)  # read from the index: no git process on the hook's start-up
    if found is not None:
        return found
    import subprocess

    specs = [f":(glob)**/{name}" for name in sorted(_CONFIG_NAMES)]
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--", *specs], cwd=root, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return [name for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def _walked_configs(root: Path) -> list[str]:
    found: list[str] = []
    for seen, (directory, dirs, files) in enumerate(os.walk(root), 1):
        rel = Path(directory).relative_to(root).as_posix()
        depth = 0 if rel == "." else rel.count("/") + 1
        dirs[:] = (
            []
            if depth >= MAX_DEPTH or seen >= MAX_DIRS
            else sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        )
        found.extend(name if rel == "." else f"{rel}/{name}" for name in sorted(_CONFIG_NAMES.intersection(files)))
    return found


def find_doc_configs(root: Path) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """Every tracked ``mkdocs.yml``, and every directory outside the usual ones whose ``conf.py``
    sits beside a root document (``index.rst``...): a Sphinx source directory.

    The tracked files decide, wherever they are (an ``mkdocs.yml`` under ``site/`` included);
    outside a git repository, a bounded walk that follows no symlinks and skips hidden
    folders and environments stands in.
    """
    names = _tracked_configs(root)
    if names is None:
        names = _walked_configs(root)
    present = set(names)
    mkdocs: list[Path] = []
    sphinx: list[str] = []
    for rel in names:
        directory, _, name = rel.rpartition("/")
        if name in ("mkdocs.yml", "mkdocs.yaml") and (root / rel).is_file():
            mkdocs.append(root / rel)
        elif name == "conf.py" and directory and any(f"{directory}/{doc}" in present for doc in _SPHINX_ROOT_DOCS):
            sphinx.append(directory)
    return tuple(mkdocs), tuple(sphinx)


_MYST = re.compile(r"""['"](?:myst_parser|myst_nb)['"]""")
_INTERSPHINX = re.compile(r"""['"]sphinx\.ext\.intersphinx['"]|intersphinx_mapping""")
_AUTOSECTIONLABEL = re.compile(r"""['"]sphinx\.ext\.autosectionlabel['"]""")
_PREFIX_DOCUMENT = re.compile(r"^autosectionlabel_prefix_document\s*=\s*(True|1)\s*(?:#.*)?$", re.MULTILINE)
_MAXDEPTH = re.compile(r"^autosectionlabel_maxdepth\s*=\s*(\d{1,3})\s*(?:#.*)?$", re.MULTILINE)


def sphinx_source(root: Path, path: str) -> SphinxSource:
    """What the ``conf.py`` of the Sphinx source ``path`` turns on (read as text, never run)."""
    try:
        text = read_bytes(root, f"{path}/conf.py", "config").decode("utf-8", "replace")
    except (OSError, Refused):
        text = ""
    depth = _MAXDEPTH.search(text)
    return SphinxSource(
        path,
        bool(_MYST.search(text)),
        bool(_INTERSPHINX.search(text)),
        bool(_AUTOSECTIONLABEL.search(text)),
        bool(_PREFIX_DOCUMENT.search(text)),
        int(depth.group(1)) or None if depth else None,  # 0 is Sphinx's "no limit", as None
    )


def parse_slug(value: str, where: str) -> tuple[str, str]:
    """``github``, ``python-markdown``, ``gitlab``, ``pymdownx`` or ``pymdownx:CASE``."""
    name, _, case = value.partition(":")
    if name not in PROFILES or (case and (name != "pymdownx" or case not in PYMDOWNX_CASES)):
        choices = ", ".join([*PROFILES, *(f"pymdownx:{c}" for c in PYMDOWNX_CASES[1:])])
        raise ReleasekitError(f"{where}: unknown slug profile {value!r}; choose one of {choices}")
    return name, case or "none"
