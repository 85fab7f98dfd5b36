"""External URLs, checked over HTTP with httpx (imported only with ``--external``).

One request per page (fragments of the same page share it): HEAD first, GET when HEAD is
refused or when an anchor must be looked up. Concurrency is capped in all and per host;
timeouts, resets, 408, 429 and 5xx are retried with a doubling backoff, and a 429's
Retry-After holds back every request to that host. Passing results are cached with a
TTL; failures never are.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import os
import socket
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit

from releasekit.errors import strip_credentials
from releasekit.links.settings import Settings

if TYPE_CHECKING:
    import httpx

RETRIES = 3
RETRY_AFTER_CAP = 60.0
RETRY_STATUS = frozenset((408, 429))
USER_AGENT = "releasekit-link-checker (+https://github.com/releasekit/releasekit)"
Progress = Callable[[int, int], None]


class Page(NamedTuple):
    """What fetching one URL (without fragment) told us."""

    status: int  # the final status; 0 for a network error
    error: str = ""  # why it failed, for network errors and refusals
    final_url: str = ""
    anchors: frozenset[str] | None = None  # None: the body was not read
    scripted: bool = False  # the page builds its content with JavaScript
    cached: bool = False


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
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                if isinstance(data, dict):
                    # an older releasekit's file may hold credentials: they are not kept
                    self.entries = {k: v for k, v in data.items() if isinstance(v, dict) and strip_credentials(k) == k}
            except (OSError, ValueError):
                self.entries = {}

    def get(self, url: str, need_anchors: bool) -> Page | None:
        """A fresh cached page for ``url``, holding anchors when they are needed."""
        entry = self.entries.get(strip_credentials(url))
        if not entry or time.time() - entry.get("time", 0) > self.ttl:
            return None
        anchors = entry.get("anchors")
        if need_anchors and anchors is None:
            return None
        return Page(
            entry["status"],
            final_url=entry.get("final", ""),
            anchors=frozenset(anchors) if anchors is not None else None,
            scripted=entry.get("scripted", False),
            cached=True,
        )

    def put(self, url: str, page: Page) -> None:
        """Remember a passing page."""
        self.entries[strip_credentials(url)] = {
            "time": time.time(),
            "status": page.status,
            "final": strip_credentials(page.final_url),
            "anchors": sorted(page.anchors) if page.anchors is not None else None,
            "scripted": page.scripted,
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


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


class Fetcher:
    """Requests with the limits, retries and per-host holds of one run."""

    def __init__(self, settings: Settings) -> None:
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.settings = settings
        self._tls: Any = None
        self.backoff = settings.retry_backoff
        self.all = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.hold_until: dict[str, float] = {}

    def client(self, host: str) -> httpx.AsyncClient:
        """The client for ``host``: one small connection pool per host.

        httpcore's pool scans every connection for every queued request, so one shared
        pool of hundreds of connections costs more CPU than the requests themselves.
        """
        client = self.clients.get(host)
        if client is None:
            import httpx

            if self._tls is None:  # loading the CA bundle costs 15 ms: once, not per host
                import ssl

                import certifi

                self._tls = ssl.create_default_context(cafile=certifi.where())
            per_host = self.settings.per_host
            client = self.clients[host] = httpx.AsyncClient(
                verify=self._tls,
                follow_redirects=True,
                limits=httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host),
                timeout=httpx.Timeout(self.settings.timeout),
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"},
                trust_env=False,
            )
        return client

    async def close(self) -> None:
        """Close every client."""
        for client in self.clients.values():
            await client.aclose()

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        sem = self.hosts.get(host)
        if sem is None:
            sem = self.hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return sem

    async def _refused(self, host: str, port: int) -> str | None:
        if self.settings.private_addresses:
            return None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            return f"cannot resolve {host}: {exc.strerror or exc}"
        if any(_is_private(str(info[4][0])) for info in infos):
            return f"refused: {host} is a private or link-local address"
        return None

    async def fetch(self, url: str, need_anchors: bool) -> Page:
        """Check one page: HEAD (or GET for anchors), with retries."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            return Page(0, f"malformed URL: {exc}")
        refusal = await self._refused(host, port)
        if refusal:
            return Page(0, refusal)
        delay = self.backoff
        page = Page(0, "not tried")
        for attempt in range(RETRIES + 1):
            hold = self.hold_until.get(host, 0.0) - time.monotonic()
            if hold > 0:
                await asyncio.sleep(hold)
            # the host slot first: a request queued for a busy host must not hold a global slot
            async with self._host_limit(host), self.all:
                page, retry_after = await self._once(self.client(host), url, need_anchors)
            retryable = page.status == 0 or page.status in RETRY_STATUS or page.status >= 500
            if not retryable or attempt == RETRIES:
                break
            wait = delay
            if page.status == 429 and retry_after is not None:
                wait = min(retry_after, RETRY_AFTER_CAP)
                self.hold_until[host] = max(self.hold_until.get(host, 0.0), time.monotonic() + wait)
            await asyncio.sleep(wait)
            delay *= 2
        return page

    async def _once(self, client: httpx.AsyncClient, url: str, need_anchors: bool) -> tuple[Page, float | None]:
        import httpx

        try:
            response = None
            if not need_anchors:
                response = await client.head(url)
                if response.status_code >= 400 and response.status_code not in (429,):
                    response = None  # refused or unsupported: ask again with GET
            if response is None:
                async with client.stream("GET", url) as streamed:
                    body = await streamed.aread() if need_anchors and streamed.status_code < 400 else b""
                    response = streamed
                return self._page(response, body if need_anchors else None), _retry_after(
                    response.headers.get("retry-after")
                )
            return self._page(response, None), _retry_after(response.headers.get("retry-after"))
        except httpx.TimeoutException:
            return Page(0, f"timed out after {self.settings.timeout:g} s"), None
        except httpx.TooManyRedirects:
            return Page(0, "too many redirects"), None
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            return Page(0, f"network error: {type(exc).__name__}: {exc}"), None

    @staticmethod
    def _page(response: httpx.Response, body: bytes | None) -> Page:
        anchors = None
        scripted = False
        if body is not None and "html" in response.headers.get("content-type", "html"):
            from releasekit.links.html import scan_html

            text = body.decode(response.encoding or "utf-8", "replace")
            found = scan_html(text)
            anchors = frozenset(found.ids)
            scripted = "<script" in text and not found.heading_ids
        return Page(response.status_code, final_url=str(response.url), anchors=anchors, scripted=scripted)


def _verdict(url: str, fragment: str | None, page: Page, settings: Settings) -> tuple[str, str] | None:
    accepted = 200 <= page.status < 300 or page.status in settings.accept_status
    if page.status == 0:
        return "error", page.error
    if not accepted:
        return "error", f"HTTP {page.status}"
    if fragment and fragment.lower() != "top" and page.anchors is not None:
        anchors = page.anchors
        github = urlsplit(page.final_url or url).hostname in ("github.com", "gist.github.com")
        if fragment not in anchors and f"user-content-{fragment}" not in anchors:
            if github and f"user-content-{fragment.lower()}" in anchors:
                pass  # GitHub matches Markdown heading anchors case-insensitively
            elif page.scripted:
                return "warning", f"no anchor #{fragment} in the page (it may be built by JavaScript)"
            else:
                return "error", f"no anchor #{fragment} in the page"
    if settings.report_redirects and page.final_url and split(page.final_url)[0] != split(url)[0]:
        return "warning", f"redirects to {page.final_url}"
    return None


async def _run(
    urls: list[str], settings: Settings, cache: Cache, progress: Progress | None
) -> dict[str, tuple[str, str]]:
    pages: dict[str, bool] = {}  # page URL -> whether an anchor must be read
    for url in urls:
        base, fragment = split(url)
        pages[base] = pages.get(base, False) or bool(fragment and fragment.lower() != "top")
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

        async def one(base: str, need: bool) -> None:
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


def cache_file(settings: Settings) -> str | None:
    """Where the result cache lives: in the git directory, else under ``.cache/``."""
    from releasekit.hookcache import git_dir

    gdir = git_dir(str(settings.root))
    if gdir:
        return os.path.join(gdir, "releasekit", "links-external.json")
    return str(settings.cache_dir / "links-external.json") if settings.cache_dir else None


def check_urls(urls: Iterable[str], settings: Settings, progress: Progress | None = None) -> dict[str, tuple[str, str]]:
    """(level, message) for each of ``urls`` that is broken (or worth a warning)."""
    wanted = list(dict.fromkeys(urls))
    cache = Cache(cache_file(settings), settings.cache_ttl)
    verdicts = asyncio.run(_run(wanted, settings, cache, progress))
    cache.save()
    return verdicts
