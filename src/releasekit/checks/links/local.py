"""Local targets: where a link points inside the repository, and whether that exists.

Paths are checked case-sensitively, one directory listing at a time (as GitHub serves
them, whatever the local file system folds), and every listing is read once per run.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import stat
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# /OWNER/REPO (its README), or /OWNER/REPO/blob|tree|raw/REF/path
_GITHUB_PATH = re.compile(r"^/([^/]+)/([^/]+?)(?:/?|/(?:blob|tree|raw)/[^/]+(?:/(.*))?)$")
# Longer link destinations are a finding, not a request: servers refuse URLs far shorter,
# and no file system has a path this long.
MAX_URL = 8192
# The common well-formed shape, decided without urlsplit: no credentials, brackets or port.
_PLAIN_HTTP = re.compile(r"https?://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?:[/?#][^\s\[\]@\\]*)?\Z")
TOO_LONG = f"longer than {MAX_URL} characters; not checked"


class Target(NamedTuple):
    """What a link points at.

    ``kind`` is ``local`` (``path`` is repository-relative, ``""`` for the same file),
    ``external`` (``path`` is the URL), ``skip`` (mailto:, tel:...) or ``error``
    (``problem`` says why).
    """

    kind: str
    path: str = ""
    fragment: str | None = None
    problem: str = ""
    query: str = ""


SKIP = Target("skip")


def github_repo(remote_url: str | None) -> str | None:
    """``owner/repo`` (lowercase, as ``classify`` compares it) of a GitHub remote URL, or None."""
    from releasekit.github import owner_repo  # only once a link names github.com: not on the hook's start-up

    found = owner_repo(remote_url)
    return "/".join(found).lower() if found else None


def classify(url: str, source_dir: str, docs_root: str, own_repo: str | None) -> Target:
    """Where ``url``, found in a file in ``source_dir``, points (paths are repository-relative).

    Root-relative ``/path`` links resolve against ``docs_root``; links to the repository's
    own GitHub URL (``own_repo`` is ``owner/repo``) resolve inside it, offline.
    """
    url = url.strip()
    if url.startswith("#"):
        return Target("local", "", unquote(url[1:]))
    if url.startswith("//"):
        url = "https:" + url
    plain = _PLAIN_HTTP.match(url) if len(url) <= MAX_URL else None
    if plain and not (own_repo and plain.group(1).lower() == "github.com"):
        return Target("external", url)
    if ":" in url and _SCHEME.match(url):
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            return SKIP
        if len(url) > MAX_URL:
            return Target("error", problem=TOO_LONG)
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 - a bad port raises here
        except ValueError as exc:
            return Target("error", problem=f"malformed URL: {exc}")
        if not host:
            return Target("error", problem="malformed URL: no host")
        if own_repo and host == "github.com":
            match = _GITHUB_PATH.match(parts.path)
            if match and f"{match.group(1)}/{match.group(2)}".lower() == own_repo:
                rel = unquote(match.group(3) or "").strip("/")
                fragment = unquote(parts.fragment) if parts.fragment else None
                return _inside(posixpath.normpath(rel) if rel else "", fragment, parts.query)
        return Target("external", url)
    if len(url) > MAX_URL:
        return Target("error", problem=TOO_LONG)
    path, hash_, fragment = url.partition("#")
    path, _, query = path.partition("?")
    frag = unquote(fragment) if hash_ else None
    if not path:
        return Target("local", "", frag, query=query)
    path = unquote(path)
    base = docs_root if path.startswith("/") else source_dir
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    return _inside(joined, frag, query)


def _inside(path: str, fragment: str | None, query: str) -> Target:
    if path == "." or path == "":
        return Target("local", ".", fragment, query=query)
    if path == ".." or path.startswith("../") or path.startswith("/"):
        return Target("error", problem="escapes the repository")
    return Target("local", path, fragment, query=query)


class Lookup(NamedTuple):
    """Whether a repository-relative path exists, what it is, and a near miss if it does not."""

    kind: str  # file, dir, missing, broken (a dangling symlink or a loop), special (FIFO, device), outside
    suggestion: str | None = None


class Tree:
    """The repository's files, read one directory listing at a time and remembered."""

    def __init__(self, root: str) -> None:
        self.root = root
        # name -> "file", "dir" or "link" (a symlink, resolved only when asked for)
        self._listings: dict[str, dict[str, str] | None] = {}
        self._lookups: dict[str, Lookup] = {".": Lookup("dir")}
        self._real_root: str | None = None

    def _entries(self, directory: str) -> dict[str, str] | None:
        if directory in self._listings:
            return self._listings[directory]
        found: dict[str, str] = {}
        result: dict[str, str] | None = found
        try:
            # scandir's entry types come with the listing: no stat per file
            with os.scandir(os.path.join(self.root, directory)) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        found[entry.name] = "link"
                    elif entry.is_dir():
                        found[entry.name] = "dir"
                    else:  # a FIFO, socket or device is no page GitHub could serve
                        found[entry.name] = "file" if entry.is_file() else "special"
        except OSError:
            result = None
        self._listings[directory] = result
        return result

    def listing(self, directory: str) -> frozenset[str] | None:
        """The names in ``directory`` (repository-relative), or None when it is not one."""
        entries = self._entries(directory)
        return None if entries is None else frozenset(entries)

    def lookup(self, path: str) -> Lookup:
        """Find ``path`` (normalized, repository-relative), matching each name's case exactly."""
        found = self._lookups.get(path)
        if found is not None:
            return found
        # Look up the ancestors not yet known, outermost first: a loop, not a recursion,
        # so that a path of thousands of segments costs no stack.
        pending = []
        while path not in self._lookups:
            pending.append(path)
            path = path.rpartition("/")[0] or "."
        for each in reversed(pending):
            self._lookups[each] = self._lookup(each)
        return self._lookups[pending[0]]

    def _lookup(self, path: str) -> Lookup:
        parent, _, name = path.rpartition("/")
        parent = parent or "."
        above = self._lookups[parent]
        if above.kind != "dir":
            return above if above.kind != "file" else Lookup("missing")
        entries = self._entries(parent)
        if entries is None:
            return Lookup("missing")
        kind = entries.get(name)
        if kind is None:
            return Lookup("missing", self._suggest(parent, name, entries))
        if kind != "link":
            return Lookup(kind)
        full = os.path.join(self.root, path)
        real = os.path.realpath(full)
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        if real != self._real_root and not real.startswith(self._real_root.rstrip(os.sep) + os.sep):
            return Lookup("outside")  # not even looked at: it could be ~/.pypirc or /dev/zero
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return Lookup("broken")
        return Lookup("dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "special")

    @staticmethod
    def _suggest(parent: str, name: str, names: Iterable[str]) -> str | None:
        folded = name.lower()
        same_case = [n for n in names if n.lower() == folded]
        with_suffix = [n for n in sorted(names) if n.startswith(name + ".") and "." not in n[len(name) + 1 :]]
        close = same_case or with_suffix or difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.8)
        if not close:
            return None
        return close[0] if parent == "." else f"{parent}/{close[0]}"
