"""DNS rebinding: a name checked as public is never connected to at another (private) address.

DNS cannot be reached from the tests, so names are answered by stand-ins: ``socket.getaddrinfo``
replaced (what Python's own resolver calls, whoever asks: the private-address check, or an
HTTP library connecting by name), or a resolver handed to ``httpclient.request(resolve=...)``,
the documented seam. Nothing leaves 127.0.0.0/8: 127.0.0.2 stands for a public address (the
address check is told so), 127.0.0.1 for the private one a rebinding name turns into.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from releasekit import httpclient, httpguard
from releasekit.checks.links.external import check_urls
from releasekit.checks.links.settings import LinkSettings
from releasekit.errors import StepFailed
from tests.helpers.serving import QuietHandler, serving

NAME = "rebind.test"
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="127.0.0.2 answers only on Linux by default")


class _Labelled(ThreadingHTTPServer):
    daemon_threads = True
    label: bytes
    hits: list[str]  # the Host header of each request
    names: list[str | None]  # the TLS server name of each handshake


class _Handler(QuietHandler):
    server: _Labelled

    def do_GET(self) -> None:
        self.server.hits.append(self.headers.get("Host", ""))
        self.send_bytes(200, self.server.label, "text/html")

    do_HEAD = do_GET


@contextlib.contextmanager
def labelled(host: str, port: int, label: bytes, tls: ssl.SSLContext | None = None) -> Iterator[_Labelled]:
    server = _Labelled((host, port), _Handler)
    server.label, server.hits, server.names = label, [], []
    if tls is not None:
        tls.sni_callback = lambda sock, name, ctx: server.names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield server


class Rebinding:
    """``rebind.test`` answers 127.0.0.2 (public, the check is told) ``public`` times, then 127.0.0.1 ever after."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, public: int) -> None:
        self.asked: list[str] = []
        real_lookup, real_private = socket.getaddrinfo, httpguard.is_private

        def lookup(host: object, port: object, *args: object, **kwargs: object) -> object:
            if (host.decode() if isinstance(host, bytes) else host) != NAME:  # anyio asks in IDNA bytes
                return real_lookup(host, port, *args, **kwargs)  # type: ignore[arg-type]
            address = "127.0.0.2" if len(self.asked) < public else "127.0.0.1"
            self.asked.append(address)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]  # type: ignore[call-overload]

        monkeypatch.setattr(socket, "getaddrinfo", lookup)
        monkeypatch.setattr(httpguard, "is_private", lambda address: address != "127.0.0.2" and real_private(address))


@contextlib.contextmanager
def two_sites() -> Iterator[tuple[_Labelled, _Labelled]]:
    """The private site on 127.0.0.1 and the public one on 127.0.0.2, on the same port."""
    with contextlib.ExitStack() as stack:
        internal = stack.enter_context(labelled("127.0.0.1", 0, b"internal-canary"))
        yield internal, stack.enter_context(labelled("127.0.0.2", internal.server_address[1], b"public"))


# However many lookups answer the public address before the name turns private, whoever
# checks it, the private site is never reached.
TURNS = [1, 2, 3, 4]


@linux_only
@pytest.mark.parametrize("public_answers", TURNS)
def test_a_request_never_reaches_the_address_a_name_turns_to(
    monkeypatch: pytest.MonkeyPatch, public_answers: int
) -> None:
    rebinding = Rebinding(monkeypatch, public_answers)
    with two_sites() as (internal, public):
        port = internal.server_address[1]
        answer = httpclient.request("GET", f"http://{NAME}:{port}/x", what="t", private=False, deadline=10)
    assert internal.hits == []
    assert answer.body == b"public"  # the connection went to the address its own lookup checked
    assert public.hits == [f"{NAME}:{port}"]  # the name, not the address, in the Host header
    assert rebinding.asked == ["127.0.0.2"]  # one lookup per hop


@linux_only
@pytest.mark.parametrize("public_answers", TURNS)
def test_the_link_checker_never_reaches_the_address_a_name_turns_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, public_answers: int
) -> None:
    rebinding = Rebinding(monkeypatch, public_answers)
    settings = LinkSettings(root=tmp_path, external=True, cache_dir=tmp_path / "cache", private_addresses=False)
    with two_sites() as (internal, public):
        url = f"http://{NAME}:{internal.server_address[1]}/page"
        verdict = check_urls([url], settings).get(url)  # only the links with a problem
    assert internal.hits == [], (verdict, rebinding.asked)
    # the connection's own lookup decides: public, the public site answers; private, it is refused
    if rebinding.asked[-1] == "127.0.0.2":
        assert public.hits and verdict is None, verdict
    else:
        assert verdict == ("error", f"refused: {NAME} is a private or link-local address")


def _certificate(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context whose certificate is for ``name`` only, and a client context trusting its CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "releasekit test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    client = ssl.create_default_context(cadata=ca.public_bytes(pem).decode())
    return server, client


def test_a_pinned_https_connection_keeps_the_name_for_tls_and_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "api.rebind.test"
    server_tls, client_tls = _certificate(tmp_path, name)
    monkeypatch.setattr(httpclient, "_TLS", [client_tls])
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with labelled("127.0.0.1", 0, b"over tls", server_tls) as site:
        url = f"https://{name}:{site.server_address[1]}/x"
        answer = httpclient.request("GET", url, what="t", private=True, deadline=10, resolve=resolve)
        assert answer.body == b"over tls"
        assert site.names == [name]  # the TLS server name is the name; the certificate is checked for it
        assert site.hits == [f"{name}:{site.server_address[1]}"]
        assert asked == [name]
        with pytest.raises(StepFailed, match=f"^t: refused: {name} is a private or link-local address$"):
            httpclient.request("GET", url, what="t", private=False, deadline=10, resolve=resolve)
    assert len(site.hits) == 1  # the refused request never connected


def test_a_name_that_does_not_resolve_is_one_line() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(
        StepFailed, match=r"^t: cannot connect \(cannot resolve nowhere\.test: Name or service not known\)$"
    ):
        httpclient.request("GET", "http://nowhere.test/", what="t", private=False, deadline=5, resolve=resolve)


class _Stream:
    def __init__(self, name: str, closed: list[str]) -> None:
        self.name, self.closed = name, closed

    async def aclose(self) -> None:
        self.closed.append(self.name)


def test_an_address_that_never_answers_does_not_hold_the_next() -> None:
    """Happy eyeballs over the checked addresses: the next starts 250 ms after the last, the first to connect wins."""
    closed: list[str] = []
    started: list[str] = []

    async def connect(name: str, delay: float, fails: bool = False) -> _Stream:
        started.append(name)
        await asyncio.sleep(delay)
        if fails:
            raise OSError(f"{name}: refused")
        return _Stream(name, closed)

    async def scenario() -> tuple[str, float]:
        begin = time.monotonic()
        stream = await httpguard.first_connected([connect("v6-blackhole", 3600), connect("v4", 0.01)])
        return stream.name, time.monotonic() - begin

    name, took = asyncio.run(scenario())
    assert name == "v4" and took < 2 and started == ["v6-blackhole", "v4"]

    async def both_connect() -> str:
        stream = await httpguard.first_connected([connect("slow", 0.3), connect("fast", 0.01), connect("never", 0.01)])
        await asyncio.sleep(0.5)
        return str(stream.name)

    started.clear()
    assert asyncio.run(both_connect()) == "fast"
    assert closed == [] and started == ["slow", "fast"]  # the slow one cancelled before it connected; no third

    async def none_connects() -> None:
        await httpguard.first_connected([connect("a", 0, fails=True), connect("b", 0, fails=True)])

    with pytest.raises(OSError, match=r"^b: refused$"):
        asyncio.run(none_connects())
