"""A small real HTTP server on 127.0.0.1 for the external link checks.

Routes: ``/ok`` (200, HTML with ids), ``/missing`` (404), ``/limited`` (429 with
Retry-After the first time), ``/moved`` (301 to /ok), ``/slow`` (answers after 2 s),
``/head-refused`` (405 to HEAD), ``/flaky`` (500 the first time), ``/js`` (a page built by
script), ``/gh`` (GitHub-style ``user-content-`` ids), ``/page/N`` (200 after ``latency``).
Hostile ones: ``/drip`` (headers, then one byte of body per second, for ever),
``/drip-headers`` (the status line and headers themselves one byte per second), ``/huge``
(a 1 GiB page made as it is sent, ``id="early"`` in its first 100 KiB; ``sent`` counts
the bytes that left the server), ``/redirect-huge`` (that page as the body of a redirect to ``/ok``).
Every request is logged with its method, path and time.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import NamedTuple

from tests.helpers.serving import QuietHandler, serving

OK_PAGE = b'<html><body><h1 id="title">T</h1><h2 id="usage">Usage</h2><a name="old"></a></body></html>'
JS_PAGE = b'<html><body><div id="root"></div><script src="app.js"></script></body></html>'
GH_PAGE = b'<html><body><h2 id="user-content-install">Install</h2><div id="repo">x</div></body></html>'


class Hit(NamedTuple):
    method: str
    path: str
    when: float
    auth: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    latency = 0.0
    hits: list[Hit]
    seen: dict[str, int]
    sent: dict[str, int]
    lock: threading.Lock


class _Handler(QuietHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _count(self) -> int:
        with self.server.lock:
            self.server.hits.append(Hit(self.command, self.path, time.monotonic(), self.headers.get("Authorization")))
            key = f"{self.command} {self.path}"
            self.server.seen[key] = self.server.seen.get(key, 0) + 1
            return sum(n for k, n in self.server.seen.items() if k.endswith(f" {self.path}"))

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, body, "text/html; charset=utf-8", headers)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        count = self._count()
        path = self.path.split("?", 1)[0]
        if self.server.latency:
            time.sleep(self.server.latency)
        if path == "/ok" or path.startswith("/page/"):
            self._send(200, OK_PAGE)
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/limited":
            if count == 1:
                self._send(429, b"slow down", {"Retry-After": "1"})
            else:
                self._send(200, OK_PAGE)
        elif path == "/always-limited":
            self._send(429, b"slow down", {"Retry-After": "0"})
        elif path == "/moved":
            self._send(301, b"", {"Location": "/ok"})
        elif path == "/slow":
            time.sleep(2.0)
            self._send(200, OK_PAGE)
        elif path == "/head-refused":
            self._send(405 if self.command == "HEAD" else 200, OK_PAGE)
        elif path == "/flaky":
            self._send(500 if count == 1 else 200, OK_PAGE)
        elif path == "/js":
            self._send(200, JS_PAGE)
        elif path == "/gh":
            self._send(200, GH_PAGE)
        elif path == "/drip":
            self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n", b"<p>" * 50000)
        elif path == "/drip-headers":
            self._drip(b"", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Filler: " + b"x" * 100000)
        elif path == "/huge":
            self._huge()
        elif path == "/redirect-huge":
            self._huge(status="301 Moved Permanently", location="/ok")
        else:
            self._send(404, b"no route")

    def _drip(self, first: bytes, rest: bytes) -> None:
        """Send ``first`` at once and ``rest`` one byte a second, until the client hangs up."""
        self.close_connection = True
        try:
            self.wfile.write(first)
            for i in range(len(rest)):
                self.wfile.write(rest[i : i + 1])
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass

    def _huge(self, size: int = 1 << 30, status: str = "200 OK", location: str = "") -> None:
        """A 1 GiB HTML page, made chunk by chunk as the client reads it; ``sent`` counts what left.

        With ``location``, the page is the body of a redirect there."""
        self.close_connection = True
        head = b"<html><body><p>" + b"filler " * 14000 + b'</p><h2 id="early">Early</h2>'
        filler = b"<p>" + b"filler text " * 5000 + b"</p>\n"
        try:
            moved = f"Location: {location}\r\n" if location else ""
            head_lines = f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n{moved}\r\n"
            self.wfile.write(head_lines.encode())
            sent = 0
            while sent < size:
                chunk = head if sent == 0 else filler[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
                with self.server.lock:
                    self.server.sent[self.path] = sent
        except OSError:
            pass


class Running(NamedTuple):
    """A running server: its base URL and its request log."""

    url: str
    server: _Server

    @property
    def hits(self) -> list[Hit]:
        return list(self.server.hits)


@contextlib.contextmanager
def http_server(host: str = "127.0.0.1", latency: float = 0.0) -> Iterator[Running]:
    """Serve the routes above on ``host`` and a free port until the block ends."""
    server = _Server((host, 0), _Handler)
    server.latency = latency
    server.hits = []
    server.seen = {}
    server.sent = {}
    server.lock = threading.Lock()
    with serving(server):
        yield Running(f"http://{host}:{server.server_address[1]}", server)
