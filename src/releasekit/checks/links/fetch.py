"""Fetching external pages over HTTP with httpx (imported only when a request is made).

HEAD first, GET when HEAD is refused or when an anchor must be looked up. Concurrency is
capped in all and per host; timeouts, resets, 408, 429 and 5xx are retried with a doubling
backoff, and a 429's Retry-After holds back every request to that host.

A server cannot hold the check: each request has an overall deadline (``deadline``, not
only a timeout per read), an HTML page is read only until every anchor looked for is found,
and never beyond ``PAGE_LIMIT`` bytes; other bodies are not read at all, nor is a redirect's.
Redirects are followed hop by hop by releasekit's one HTTP client (``releasekit.httpclient``):
http and https only, and with ``private_addresses = false`` every hop is refused that
resolves to a private address, not only the first.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from releasekit.checks.links.html import scan_html
from releasekit.checks.links.settings import LinkSettings
from releasekit.httpclient import Refused, hops, pinned_transport, private_refusal, tls_context

if TYPE_CHECKING:
    import httpx

RETRIES = 3
RETRY_AFTER_CAP = 60.0
RETRY_STATUS = frozenset((408, 429))
USER_AGENT = "releasekit-link-checker (+https://github.com/releasekit/releasekit)"
PAGE_LIMIT = 16 * 1024 * 1024  # the most of one page that is read (decoded bytes)
GITHUB_HOSTS = ("github.com", "gist.github.com")


class Page(NamedTuple):
    """What fetching one URL (without fragment) told us."""

    status: int  # the final status; 0 for a network error
    error: str = ""  # why it failed, for network errors and refusals
    final_url: str = ""
    anchors: frozenset[str] | None = None  # None: the body was not read
    scripted: bool = False  # the page builds its content with JavaScript
    cached: bool = False
    complete: bool = True  # False: reading stopped early (every anchor found, or PAGE_LIMIT reached)
    retryable: bool = True  # False: asking again would take as long (the deadline passed)


class Body(NamedTuple):
    """What was read of a page: its anchors, whether it is built by script, whether it was read whole."""

    anchors: frozenset[str]
    scripted: bool
    complete: bool


def has_anchor(fragment: str, anchors: frozenset[str], github: bool) -> bool:
    """Whether ``#fragment`` names one of ``anchors`` (GitHub's ``user-content-`` ids included)."""
    if fragment in anchors or f"user-content-{fragment}" in anchors:
        return True
    # GitHub matches Markdown heading anchors case-insensitively
    return github and f"user-content-{fragment.lower()}" in anchors


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


class Fetcher:
    """Requests with the limits, retries and per-host holds of one run."""

    def __init__(self, settings: LinkSettings) -> None:
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.settings = settings
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

            per_host = self.settings.per_host
            limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
            client = self.clients[host] = httpx.AsyncClient(
                verify=tls_context(),  # loading the CA bundle costs 15 ms: once, not per host
                follow_redirects=False,  # releasekit.httpclient.hops follows them, under its policy
                # each connection goes to the address its private-address check passed (DNS rebinding)
                transport=pinned_transport(
                    verify=tls_context(), limits=limits, private=self.settings.private_addresses
                ),
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
        return None if self.settings.private_addresses else await private_refusal(host, port)

    async def fetch(self, url: str, fragments: frozenset[str]) -> Page:
        """Check one page: HEAD (or GET for anchors), with retries; each try within the deadline."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            return Page(0, f"malformed URL: {exc}")
        try:  # a resolver that never answers is held to the deadline too
            refusal = await asyncio.wait_for(self._refused(host, port), self.settings.deadline)
        except asyncio.TimeoutError:
            return Page(0, f"cannot resolve {host} within {self.settings.deadline:g} s", retryable=False)
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
                deadline = self.settings.deadline
                try:
                    page, retry_after = await asyncio.wait_for(self._once(url, fragments), deadline)
                except asyncio.TimeoutError:
                    page, retry_after = Page(0, f"no complete answer within {deadline:g} s", retryable=False), None
            retryable = page.retryable and (page.status == 0 or page.status in RETRY_STATUS or page.status >= 500)
            if not retryable or attempt == RETRIES:
                break
            wait = delay
            if page.status == 429 and retry_after is not None:
                wait = min(retry_after, RETRY_AFTER_CAP)
                self.hold_until[host] = max(self.hold_until.get(host, 0.0), time.monotonic() + wait)
            await asyncio.sleep(wait)
            delay *= 2
        return page

    async def _once(self, url: str, fragments: frozenset[str]) -> tuple[Page, float | None]:
        import httpx

        try:
            if not fragments:
                async with hops(self.client, "HEAD", url, guard=self._refused) as response:
                    if response.status_code < 400 or response.status_code == 429:
                        return self._page(response, None), _retry_after(response.headers.get("retry-after"))
            # HEAD refused or unsupported, or anchors to look up: GET
            async with hops(self.client, "GET", url, guard=self._refused) as streamed:
                body = None
                html = "html" in streamed.headers.get("content-type", "html")
                if fragments and html and streamed.status_code < 400:
                    body = await self._read_anchors(streamed, fragments)
                return self._page(streamed, body), _retry_after(streamed.headers.get("retry-after"))
        except Refused as exc:
            return Page(0, str(exc), retryable=False), None
        except httpx.TimeoutException:
            return Page(0, f"timed out after {self.settings.timeout:g} s"), None
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            return Page(0, f"network error: {type(exc).__name__}: {exc}"), None

    @staticmethod
    async def _read_anchors(response: httpx.Response, fragments: frozenset[str]) -> Body:
        """Read ``response`` until every fragment names an anchor, the page ends, or PAGE_LIMIT.

        Each chunk is searched for the fragments' bytes; only when one shows up is the page
        so far parsed, and again only once it has doubled in size since, so a page that
        repeats the words costs no more than parsing it twice.
        """
        github = urlsplit(str(response.url)).hostname in GITHUB_HOSTS
        needles = [f.encode("utf-8", "replace").lower() for f in fragments]
        longest = max(len(n) for n in needles)
        data = bytearray()
        parsed_at = 0
        seen = False  # a fragment's bytes appeared since the last parse
        complete = True
        encoding = response.encoding or "utf-8"
        async for chunk in response.aiter_bytes():
            start = max(0, len(data) - longest)
            data += chunk[: PAGE_LIMIT - len(data)]
            if len(data) >= PAGE_LIMIT:
                complete = False
                break
            window = bytes(data[start:]).lower()
            seen = seen or any(n in window for n in needles)
            if not seen or len(data) < 2 * parsed_at:
                continue
            ids = frozenset(scan_html(bytes(data).decode(encoding, "replace")).ids)
            parsed_at, seen = len(data), False
            if all(has_anchor(f, ids, github) for f in fragments):
                return Body(ids, False, False)
        text = bytes(data).decode(encoding, "replace")
        found = scan_html(text)
        return Body(frozenset(found.ids), "<script" in text and not found.heading_ids, complete)

    @staticmethod
    def _page(response: httpx.Response, body: Body | None) -> Page:
        if body is None:
            return Page(response.status_code, final_url=str(response.url))
        return Page(
            response.status_code,
            final_url=str(response.url),
            anchors=body.anchors,
            scripted=body.scripted,
            complete=body.complete,
        )
