"""An MkDocs site as its ``mkdocs.yml`` describes it, ``INHERIT:`` parents merged in as MkDocs merges them.

The files are read line by line rather than with a YAML loader: mkdocs.yml holds
``!!python/name`` tags that a safe loader refuses, and only a few keys matter here. Each
read is bounded (safefiles, the ``config`` limit), and so is the chain of parents.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from releasekit.checks.links.slugs import PYMDOWNX_CASES
from releasekit.errors import ReleasekitError
from releasekit.safefiles import read_bytes


@dataclass(frozen=True)
class Site:
    """An MkDocs site: its docs_dir (repository-relative) and the slug profile its toc uses."""

    docs_dir: str
    slug: str = "python-markdown"
    case: str = "none"
    directory_urls: bool = True  # use_directory_urls: page.md is served as page/
    custom_dir: str | None = None  # the theme's overrides (templates, not pages), repository-relative


_DOCS_DIR = re.compile(r"^docs_dir\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_SLUGIFY = re.compile(r"^\s+slugify\s*:\s*(.+)$", re.MULTILINE)
_CASE = re.compile(r"case\s*:\s*['\"]?([a-z-]+)")
_DIRECTORY_URLS = re.compile(r"^use_directory_urls\s*:\s*(\w+)", re.MULTILINE)
_CUSTOM_DIR = re.compile(r"^\s+custom_dir\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_INHERIT = re.compile(r"^INHERIT\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_THEME_NAME = re.compile(r"^theme\s*:\s*['\"]?[^\s'\"#{]", re.MULTILINE)  # theme: mkdocs (a name, no mapping)
_EXTENSIONS = re.compile(r"^markdown_extensions\s*:", re.MULTILINE)
MAX_PARENTS = 20  # INHERIT chains longer than this are refused (MkDocs would recurse until it fails)


def _chain(root: Path, rel: str) -> list[str] | None:
    """The texts of ``rel`` and of its ``INHERIT:`` parents, the file itself first.

    None when ``rel`` itself cannot be read as UTF-8 (no site). A parent outside the
    repository, missing, or leading back into the chain is a ReleasekitError naming ``rel``.
    """
    texts: list[str] = []
    seen = [rel]
    current = rel
    while True:
        try:  # a symlink out of the repository or a FIFO raises safefiles.Refused: one line, exit 2
            text = read_bytes(root, current, "config").decode("utf-8")
        except (OSError, UnicodeDecodeError):
            if current == rel:
                return None
            raise ReleasekitError(f"{seen[-2]}: INHERIT: {current} cannot be read as UTF-8 text") from None
        texts.append(text)
        match = _INHERIT.search(text)
        if match is None:
            return texts
        value = match.group(1).strip()
        parent = posixpath.normpath(posixpath.join(posixpath.dirname(current), value))
        if posixpath.isabs(value) or parent == ".." or parent.startswith("../"):
            raise ReleasekitError(
                f"{current}: INHERIT: {value!r} is outside the repository; releasekit reads only files inside it"
            )
        if parent in seen:
            raise ReleasekitError(
                f"{current}: INHERIT: {value!r} leads back to {parent} ({' -> '.join([*seen, parent])}); "
                "break the cycle"
            )
        if len(seen) > MAX_PARENTS:
            raise ReleasekitError(f"{rel}: INHERIT: more than {MAX_PARENTS} configurations inherit one another")
        if not (root / parent).is_file():
            raise ReleasekitError(f"{current}: INHERIT: {value!r}: {parent} does not exist")
        seen.append(parent)
        current = parent


def _first(texts: list[str], pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The value of a top-level key: the file's own, else the nearest parent's (MkDocs merges the
    child over its parent, key by key)."""
    for text in texts:
        match = pattern.search(text)
        if match:
            return match
    return None


def _custom_dir(texts: list[str]) -> re.Match[str] | None:
    # theme is a mapping merged key by key, unless a file names its theme as a plain string,
    # which replaces whatever its parents set (custom_dir included)
    for text in texts:
        match = _CUSTOM_DIR.search(text)
        if match:
            return match
        if _THEME_NAME.search(text):
            return None
    return None


def _slugify(texts: list[str]) -> tuple[str, str]:
    # markdown_extensions is a list: the nearest file that has one replaces its parents' whole
    for text in texts:
        if _EXTENSIONS.search(text):
            break
    else:
        return "python-markdown", "none"
    slugify = _SLUGIFY.search(text)
    if slugify and "pymdownx" in slugify.group(1):
        # the value may continue on the next lines ({kwds: {case: lower}} or a block mapping)
        case_match = _CASE.search(slugify.group(1) + text[slugify.end() : slugify.end() + 200])
        if case_match and case_match.group(1) in PYMDOWNX_CASES:
            return "pymdownx", case_match.group(1)
        return "pymdownx", "none"
    return "python-markdown", "none"


def mkdocs_site(root: Path, config: Path) -> Site | None:
    """The site an ``mkdocs.yml`` describes: docs_dir, use_directory_urls, the theme's custom_dir
    and ``toc.slugify``, from the file and the parents it names in ``INHERIT:``.

    Paths in the merged result are relative to ``config`` itself, as MkDocs resolves them.
    """
    rel = config.relative_to(root).as_posix()
    texts = _chain(root, rel)
    if texts is None:
        return None
    base = posixpath.dirname(rel)
    match = _first(texts, _DOCS_DIR)
    docs_dir = posixpath.normpath(posixpath.join(base, match.group(1).strip() if match else "docs"))
    slug, case = _slugify(texts)
    urls = _first(texts, _DIRECTORY_URLS)
    directory_urls = not (urls and urls.group(1).lower() in ("false", "no", "off"))
    custom = _custom_dir(texts)
    custom_dir = posixpath.normpath(posixpath.join(base, custom.group(1).strip())) if custom else None
    return Site(docs_dir, slug, case, directory_urls, custom_dir)
