"""The private-address guard of releasekit's HTTP client: a name resolved once, every address checked,
and the connection made to a checked address.

Asking whether a name is private and then letting the HTTP library resolve it again to
connect leaves a gap: a name whose answer changes between the two lookups (DNS
rebinding) passes the check with a public address and connects to a private one.
``pinned_transport`` closes it: the connection itself resolves the name once, checks
every address, and connects to one of those very addresses, with the name kept in the
Host header and as the TLS server name. httpx and httpcore are imported only when a
transport is made.
"""

from __future__ import annotations

import contextlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Iterable
    from typing import Any

    import httpcore
    import httpx

    Resolver = Callable[[str, int], Awaitable[list[str]]]


class Refused(Exception):
    """A URL or an answer outside the policy; its text names why and holds no secret."""


def is_private(address: str) -> bool:
    """Whether an IP address is private, loopback, link-local, reserved or unspecified."""
    import ipaddress

    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


async def addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the system's order: the default resolver of every check.

    A test (DNS cannot be reached from the tests) passes a stand-in with the same signature
    as ``resolve`` to ``request`` or ``pinned_transport``. Raises OSError when it does not resolve.
    """
    import asyncio
    import socket

    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def private_among(host: str, found: Iterable[str]) -> str | None:
    """The refusal of ``host`` when any address it resolved to is private, else None."""
    if any(is_private(address) for address in found):
        return f"refused: {host} is a private or link-local address"
    return None


async def private_refusal(host: str, port: int, resolve: Resolver | None = None) -> str | None:
    """Why ``host`` may not be asked (it resolves to a private address, or not at all), else None."""
    try:
        found = await (resolve or addresses)(host, port)
    except OSError as exc:
        return f"cannot resolve {host}: {exc.strerror or exc}"
    return private_among(host, found)


STAGGER = 0.25  # seconds before the next address is tried beside the last (RFC 8305's "happy eyeballs")


async def first_connected(attempts: list[Coroutine[Any, Any, Any]]) -> Any:
    """The first of ``attempts`` (connections, in the order of preference) to succeed; each starts
    ``STAGGER`` seconds after the one before unless that one has failed by then, so an address
    that never answers (an IPv6 route to nowhere) does not hold the rest. The others are
    cancelled, or closed when they connected too. Raises the last failure when none succeeds.
    """
    import asyncio

    pending: set[asyncio.Future[Any]] = set()
    failure: BaseException | None = None
    winner: list[Any] = []
    waiting = list(attempts)
    try:
        while (waiting or pending) and not winner:
            if waiting:
                pending.add(asyncio.ensure_future(waiting.pop(0)))
            done, pending = await asyncio.wait(
                pending, timeout=STAGGER if waiting else None, return_when=asyncio.FIRST_COMPLETED
            )
            for future in done:
                failure = future.exception() or failure
                if future.exception() is None:
                    winner.append(future.result())
        if not winner:
            assert failure is not None
            raise failure
        return winner[0]
    finally:
        for coroutine in waiting:
            coroutine.close()
        for future in pending:
            future.cancel()
        for future in pending:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                winner.append(await future)
        for extra in winner[1:]:  # connected too late, or at the same time: not used
            with contextlib.suppress(Exception):
                await extra.aclose()


def pinned_transport(
    *, verify: Any, limits: httpx.Limits | None = None, private: bool = False, resolve: Resolver | None = None
) -> httpx.AsyncHTTPTransport:
    """A transport whose every connection resolves its host once and connects to an address it checked.

    Every address the host resolves to is checked (none may be private unless ``private``),
    then the connection goes to one of those very addresses; the request keeps the host's
    name in its Host header and as the TLS server name, so the certificate is checked for
    the name. ``resolve`` (default ``addresses``) is the seam for a stand-in resolver.
    """
    import httpcore
    import httpx

    class PinnedBackend(httpcore.AsyncNetworkBackend):
        inner = httpcore.AnyIOBackend()

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.AsyncNetworkStream:
            try:
                found = await (resolve or addresses)(host, port)
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from None
            refusal = None if private else private_among(host, found)
            if refusal:
                raise Refused(refusal)
            if not found:
                raise httpcore.ConnectError(f"cannot resolve {host}: no address")
            attempts = [
                self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
                for address in found  # each was checked above; none is resolved again
            ]
            stream: httpcore.AsyncNetworkStream = await first_connected(attempts)
            return stream

        async def sleep(self, seconds: float) -> None:
            await self.inner.sleep(seconds)

    limits = limits or httpx.Limits()
    transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=False)
    # httpx takes no network backend; its pool is rebuilt with one (httpcore's public constructor)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=verify,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(),
    )
    return transport


def is_private_url(url: str) -> bool:
    """Whether the host of ``url`` (a configured base URL) resolves to a private address."""
    import socket
    from urllib.parse import urlsplit

    try:
        split = urlsplit(url)
        host, port = split.hostname or "", split.port or (443 if split.scheme.lower() == "https" else 80)
    except ValueError:
        return False
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    return any(is_private(str(info[4][0])) for info in infos)
