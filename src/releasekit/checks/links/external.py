"""External URLs: one request per page, a verdict per link, and the cache of passing results.

Fragments of the same page share its request (``releasekit.checks.links.fetch`` makes it,
within its limits and deadlines). Passing results are cached with a TTL; failures never are.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from releasekit.bounded import loads_json
from releasekit.checks.links.fetch import GITHUB_HOSTS, PAGE_LIMIT, Fetcher, Page, has_anchor
from releasekit.checks.links.settings import LinkSettings
from releasekit.errors import ReleasekitError, strip_credentials
from releasekit.locate import git_dir
from releasekit.safefiles import read_file

Progress = Callable[[int, int], None]


def split(url: str) -> tuple[str, str | None]:
    """The URL without its fragment, and the fragment (percent-decoded) or None."""
    base, hash_, fragment = url.partition("#")
    return base, unquote(fragment) if hash_ and fragment else None


class Cache:
    """Passing results, keyed by URL (credentials removed), valid for ``ttl`` seconds.

    The cache is a file under ``.git/``, so a password in a link must never reach it.
    """

    def __init__(self, path: str | None, ttl: int) -> None:
        self.path = path
        self.ttl = ttl
        self.entries: dict[str, dict[str, Any]] = {}
        if path and ttl > 0:
            try:
                data = loads_json(read_file(path, "cache"), source=path)  # depth and integer digits bounded
                if isinstance(data, dict):
                    # an older releasekit's file may hold credentials: they are not kept
                    self.entries = {k: v for k, v in data.items() if _entry_ok(v) and strip_credentials(k) == k}
            except (OSError, ReleasekitError):  # unreadable, too large, not JSON or over the limits: start afresh
                self.entries = {}

    def get(self, url: str, fragments: frozenset[str]) -> Page | None:
        """A fresh cached page for ``url``, holding the anchors of ``fragments`` when there are any."""
        entry = self.entries.get(strip_credentials(url))
        if not entry or time.time() - entry.get("time", 0) > self.ttl:
            return None
        anchors = entry.get("anchors")
        if fragments and anchors is None:
            return None
        page = Page(
            entry["status"],
            final_url=entry.get("final", ""),
            anchors=frozenset(anchors) if anchors is not None else None,
            scripted=entry.get("scripted", False),
            cached=True,
            complete=entry.get("complete", True),
        )
        if not page.complete and page.anchors is not None:
            github = urlsplit(page.final_url or url).hostname in GITHUB_HOSTS
            if not all(has_anchor(f, page.anchors, github) for f in fragments):
                return None  # read only as far as other anchors needed
        return page

    def put(self, url: str, page: Page) -> None:
        """Remember a passing page."""
        self.entries[strip_credentials(url)] = {
            "time": time.time(),
            "status": page.status,
            "final": strip_credentials(page.final_url),
            "anchors": sorted(page.anchors) if page.anchors is not None else None,
            "scripted": page.scripted,
            "complete": page.complete,
        }

    def save(self) -> None:
        """Write the cache (expired entries dropped) atomically."""
        if not self.path or self.ttl <= 0:
            return
        now = time.time()
        fresh = {k: v for k, v in self.entries.items() if now - v.get("time", 0) <= self.ttl}
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(fresh, fh)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _entry_ok(entry: Any) -> bool:
    """Whether a cache entry has the shape ``Cache.put`` writes (the file is input like any other)."""
    if not isinstance(entry, dict):
        return False
    when, status, anchors = entry.get("time"), entry.get("status"), entry.get("anchors")
    return (
        isinstance(when, int | float)
        and not isinstance(when, bool)
        and type(status) is int
        and isinstance(entry.get("final", ""), str)
        and (anchors is None or (isinstance(anchors, list) and all(isinstance(a, str) for a in anchors)))
        and isinstance(entry.get("scripted", False), bool)
        and isinstance(entry.get("complete", True), bool)
    )


def _verdict(url: str, fragment: str | None, page: Page, settings: LinkSettings) -> tuple[str, str] | None:
    accepted = 200 <= page.status < 300 or page.status in settings.accept_status
    if page.status == 0:
        return "error", page.error
    if not accepted:
        return "error", f"HTTP {page.status}"
    if fragment and fragment.lower() != "top" and page.anchors is not None:
        github = urlsplit(page.final_url or url).hostname in GITHUB_HOSTS
        if not has_anchor(fragment, page.anchors, github):
            if not page.complete:
                limit = PAGE_LIMIT >> 20
                return "warning", f"no anchor #{fragment} in the first {limit} MiB of the page (the rest is not read)"
            if page.scripted:
                return "warning", f"no anchor #{fragment} in the page (it may be built by JavaScript)"
            return "error", f"no anchor #{fragment} in the page"
    if settings.report_redirects and page.final_url and split(page.final_url)[0] != split(url)[0]:
        return "warning", f"redirects to {page.final_url}"
    return None


async def _run(
    urls: list[str], settings: LinkSettings, cache: Cache, progress: Progress | None
) -> dict[str, tuple[str, str]]:
    pages: dict[str, frozenset[str]] = {}  # page URL -> the anchors to look for in it
    for url in urls:
        base, fragment = split(url)
        wanted = frozenset((fragment,)) if fragment and fragment.lower() != "top" else frozenset()
        pages[base] = pages.get(base, frozenset()) | wanted
    results: dict[str, Page] = {}
    todo = []
    for base, need in pages.items():
        hit = cache.get(base, need)
        if hit is not None:
            results[base] = hit
        else:
            todo.append((base, need))
    done = len(results)
    total = len(pages)
    if progress:
        progress(done, total)
    if todo:
        fetcher = Fetcher(settings)

        async def one(base: str, need: frozenset[str]) -> None:
            nonlocal done
            results[base] = await fetcher.fetch(base, need)
            done += 1
            if progress:
                progress(done, total)

        try:
            await asyncio.gather(*(one(base, need) for base, need in todo))
        finally:
            await fetcher.close()
    verdicts: dict[str, tuple[str, str]] = {}
    for url in urls:
        base, fragment = split(url)
        page = results[base]
        verdict = _verdict(url, fragment, page, settings)
        if verdict:
            verdicts[url] = verdict
    for base, page in results.items():
        if not page.cached and 200 <= page.status < 300:  # failures, 429s, network errors: never
            cache.put(base, page)
    return verdicts


def cache_file(settings: LinkSettings) -> str | None:
    """Where the result cache lives: in the git directory, else under ``.cache/``."""
    gdir = git_dir(str(settings.root))
    if gdir:
        return os.path.join(gdir, "releasekit", "links-external.json")
    return str(settings.cache_dir / "links-external.json") if settings.cache_dir else None


def check_urls(
    urls: Iterable[str], settings: LinkSettings, progress: Progress | None = None
) -> dict[str, tuple[str, str]]:
    """(level, message) for each of ``urls`` that is broken (or worth a warning)."""
    wanted = list(dict.fromkeys(urls))
    cache = Cache(cache_file(settings), settings.cache_ttl)
    verdicts = asyncio.run(_run(wanted, settings, cache, progress))
    cache.save()
    return verdicts
