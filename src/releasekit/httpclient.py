"""The one HTTP client of releasekit: GitHub's API, package indexes, Trusted Publishing, external links.

Every request goes through the same policy, whoever asks:

- only ``http`` and ``https`` URLs, on every hop (no ``file:``, ``ftp:``, ``data:``);
- redirects followed here, hop by hop: credentials (an Authorization header, Basic
  credentials in the URL) go only to the scheme, host and port they were given for, and
  are dropped for the rest of the chain once a hop leaves it; a Location's own
  credentials are never used;
- an optional guard asked before every hop (the refusal of private addresses), and, on a
  direct connection, the connection made to the very address that was checked: each
  connection resolves its host once, checks every address, and connects to a checked one,
  the Host header and the TLS server name still the host's name (``releasekit.httpguard``), so a
  name that answers differently the second time (DNS rebinding) cannot slip through;
- an overall deadline per request, not only a timeout per read, and a cap on the answer's
  size (a Content-Length beyond it is refused before anything is read);
- JSON answers parsed under limits (size, depth, integer digits).

httpx is imported only when a request is made: the hooks import modules that import this one.
"""

from __future__ import annotations

import contextlib
from typing import NamedTuple

from releasekit import environment
from releasekit.bounded import Unreadable, loads_json
from releasekit.errors import StepFailed, clip, strip_credentials
from releasekit.httpguard import Refused as Refused
from releasekit.httpguard import is_private_url as is_private_url
from releasekit.httpguard import pinned_transport as pinned_transport
from releasekit.httpguard import private_refusal as private_refusal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
    from typing import Any

    import httpx

    from releasekit.httpguard import Resolver

    Guard = Callable[[str, int], Awaitable[str | None]]

SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 10
MAX_BYTES = 16 * 2**20  # the largest answer read whole (a simple page of a project with many files)
DEADLINE = 60.0  # seconds for one request, redirects and body included (RELEASEKIT_HTTP_DEADLINE)
MAX_JSON_DEPTH = 64  # GitHub's and PyPI's answers nest a handful of levels
MAX_INT_DIGITS = 64
MESSAGE_LIMIT = 300  # characters of an error body that are shown, after secrets are masked


class BadJson(ValueError):
    """An answer that is not JSON within the limits; ``reason`` says how, the text names where."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")
        self.reason = reason


class Answer(NamedTuple):
    """A final (not redirect) answer, read whole."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # the final URL, without credentials

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").partition(";")[0].strip().lower()


def origin(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of ``url``: where credentials given with it may go."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def check_scheme(url: str) -> None:
    """Refuse anything but an http(s) URL with a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise Refused(f"refused {strip_credentials(url)[:200]!r}: not a valid URL") from None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise Refused(f"refused {strip_credentials(url)[:200]!r}: only http and https URLs are fetched")


def basic_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without its user and password, and the Authorization header they make (None without)."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    bare = urlunsplit(parts._replace(netloc=netloc))
    if parts.username is None and parts.password is None:
        return bare, None
    import base64

    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}".encode()
    return bare, "Basic " + base64.b64encode(pair).decode()


@contextlib.asynccontextmanager
async def hops(
    client_for: Callable[[str], httpx.AsyncClient],
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    credentials: Mapping[str, str] | None = None,
    content: bytes | None = None,
    guard: Guard | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> AsyncIterator[httpx.Response]:
    """The final answer to ``method url`` (streamed), its redirects followed under the policy.

    ``credentials`` (headers) and Basic credentials in ``url`` go only to ``url``'s origin;
    ``client_for(host)`` gives the client for a hop; ``guard(host, port)`` may refuse a hop.
    """
    from urllib.parse import urldefrag, urljoin

    check_scheme(url)
    url, basic = basic_credentials(url)
    secret = dict(credentials or {})
    if basic and "Authorization" not in secret:
        secret["Authorization"] = basic
    owner = origin(url)
    for _ in range(max_redirects + 1):
        _, host, port = origin(url)
        if guard is not None:
            refusal = await guard(host, port)
            if refusal:
                raise Refused(refusal)
        client = client_for(host)
        request = client.build_request(method, url, headers={**(headers or {}), **secret}, content=content)
        response = await client.send(request, stream=True, follow_redirects=False)
        location = response.headers.get("location") if response.status_code in REDIRECTS else None
        if not location:
            try:
                yield response
            finally:
                await response.aclose()
            return
        await response.aclose()  # a redirect's body is never read
        target = urldefrag(urljoin(url, location.strip()))[0]
        check_scheme(target)
        url = basic_credentials(target)[0]
        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
            method, content = "GET", None
        if origin(url) != owner:
            if content is not None:  # a body may hold a secret too (an OIDC token): it stays with its host
                raise Refused(f"refused a redirect of a {method} with a body to another host ({origin(url)[1]})")
            secret = {}  # for good: a chain that comes back is not trusted again
    raise Refused(f"more than {max_redirects} redirects")


async def read_capped(response: httpx.Response, max_bytes: int, sink: Callable[[bytes], Any] | None = None) -> bytes:
    """The body of ``response``, refused beyond ``max_bytes`` (declared or sent); to ``sink`` when given."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise Refused(f"the answer is {int(declared)} bytes, more than the {max_bytes} accepted")
    data = bytearray()
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise Refused(f"the answer is more than the {max_bytes} bytes accepted")
        if sink is None:
            data += chunk
        else:
            sink(chunk)
    return bytes(data)


_TLS: list[Any] = []  # the one TLS context of the process: loading the CA bundle costs 15 to 150 ms


def tls_context() -> Any:
    """httpx's TLS context (certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR), made once."""
    if not _TLS:
        import httpx

        _TLS.append(httpx.create_ssl_context(trust_env=True))
    return _TLS[0]


def deadline_from_env(default: float = DEADLINE) -> float:
    """The deadline of one request: RELEASEKIT_HTTP_DEADLINE seconds, else ``default``."""
    return environment.seconds("RELEASEKIT_HTTP_DEADLINE", default) or default


def request(
    method: str,
    url: str,
    *,
    what: str,
    headers: Mapping[str, str] | None = None,
    credentials: Mapping[str, str] | None = None,
    content: bytes | None = None,
    deadline: float | None = None,
    max_bytes: int = MAX_BYTES,
    private: bool | None = None,
    sink: Callable[[bytes], Any] | None = None,
    secrets: Iterable[str] = (),
    resolve: Resolver | None = None,
) -> Answer:
    """One request under the policy, its answer read whole (or fed to ``sink``).

    ``private`` None allows private addresses on every hop only when ``url`` itself is on
    one (a local index or API stand-in); False refuses them on every hop, each direct
    connection going to the address it checked (``pinned_transport``; ``resolve`` is its
    resolver). Any failure is a StepFailed that starts with ``what``, secrets masked before
    it is shortened.
    """
    import asyncio
    import urllib.request

    import httpx

    limit = deadline if deadline is not None else deadline_from_env()
    allow = is_private_url(url) if private is None else private
    proxied = any(urllib.request.getproxies().get(scheme) for scheme in (*SCHEMES, "all"))

    async def guard(host: str, port: int) -> str | None:
        """Through a proxy, which resolves the names itself: the name as this machine resolves it."""
        refusal = await private_refusal(host, port, resolve)
        # a name this machine cannot resolve is no private address of it (the proxy may reach it)
        return None if refusal and refusal.startswith("cannot resolve") else refusal

    async def run() -> Answer:
        transport = pinned_transport(verify=tls_context(), private=allow, resolve=resolve)
        async with (
            httpx.AsyncClient(
                verify=tls_context(), timeout=httpx.Timeout(limit), trust_env=True, transport=transport
            ) as client,
            hops(
                lambda host: client,
                method,
                url,
                headers=headers,
                credentials=credentials,
                content=content,
                guard=None if allow or not proxied else guard,
            ) as response,
        ):
            body = await read_capped(response, max_bytes, sink)
            found = {k.lower(): v for k, v in response.headers.items()}
            return Answer(response.status_code, found, body, strip_credentials(str(response.url)))

    secret_values = [*secrets, *(credentials or {}).values()]
    try:
        return asyncio.run(asyncio.wait_for(run(), limit))
    except Refused as exc:
        raise StepFailed(clip(f"{what}: {exc}", secret_values)) from None
    except (asyncio.TimeoutError, httpx.TimeoutException):
        raise StepFailed(f"{what}: no complete answer within {limit:g} s") from None
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.ConnectError | OSError):
            reason = f"cannot connect ({reason})"
        raise StepFailed(clip(f"{what}: {reason}", secret_values)) from None


def parse_json(body: bytes, what: str) -> Any:
    """``body`` as JSON, within MAX_JSON_DEPTH levels and MAX_INT_DIGITS digits an integer
    (``releasekit.bounded``, with a server's tighter limits).

    Raises BadJson, one line naming ``what`` and the limit broken.
    """
    try:
        return loads_json(body, source=what, max_depth=MAX_JSON_DEPTH, max_digits=MAX_INT_DIGITS)
    except Unreadable as exc:
        reasons = {
            "deep": f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
            "digits": f"an integer of more than {MAX_INT_DIGITS} digits",
        }
        raise BadJson(what, reasons.get(exc.kind, "something that is not JSON")) from None


def next_link(header: str) -> str | None:
    """The URL of ``rel="next"`` in a Link header, if any."""
    for part in header.split(","):
        target, _, params = part.partition(";")
        rels = [p.strip().replace('"', "").lower() for p in params.split(";")]
        if "rel=next" in rels and target.strip().startswith("<") and target.strip().endswith(">"):
            return target.strip()[1:-1]
    return None


def error_text(body: bytes, secrets: Iterable[str], limit: int = MESSAGE_LIMIT) -> str:
    """An error answer's body fit for one line: secrets masked first, then shortened to ``limit``."""
    text = " ".join(body.decode("utf-8", "replace").split())
    return clip(text, secrets, limit)
