"""Misbehaving HTTP servers on 127.0.0.1: they redirect elsewhere, trickle, lie about sizes.

``hostile()`` serves a table of routes (path without query -> what to answer) and logs every
request with its Authorization header and body, so a test can see which host got a secret.
An answer is one of:

- ``Json(status, body, headers)``: that JSON document;
- ``Raw(status, body, content_type, headers)``: those bytes;
- ``Redirect(location, status)``: a redirect (the query of the request is kept when ``location`` ends in ``?``);
- ``Trickle(interval)``: a 200 whose body is one byte every ``interval`` seconds, for ever;
- ``Huge(length)``: a 200 that declares ``length`` bytes and sends a few, then waits;
- ``Unsized(body)``: a 200 with ``body`` and no Content-Length.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from tests.helpers.serving import QuietHandler, serving, url_of


class Json(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str] | None = None


class Raw(NamedTuple):
    status: int
    body: bytes
    content_type: str = "text/html"
    headers: dict[str, str] | None = None


class Redirect(NamedTuple):
    location: str
    status: int = 302


class Trickle(NamedTuple):
    interval: float


class Huge(NamedTuple):
    length: int


class Unsized(NamedTuple):
    body: bytes  # sent without a Content-Length, the end marked by closing the connection


class Hit(NamedTuple):
    method: str
    path: str
    auth: str | None
    body: bytes


class Hostile(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Any]
    hits: list[Hit]
    stop: threading.Event

    @property
    def url(self) -> str:
        return url_of(self)


class _Handler(QuietHandler):
    server: Hostile

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.hits.append(Hit(self.command, self.path, self.headers.get("Authorization"), body))
        parts = urlsplit(self.path)
        answer = self.server.routes.get(parts.path, Json(404, {"message": "Not Found"}))
        if isinstance(answer, Json):
            self.send_bytes(answer.status, json.dumps(answer.body).encode(), "application/json", answer.headers)
        elif isinstance(answer, Raw):
            self.send_bytes(answer.status, answer.body, answer.content_type, answer.headers)
        elif isinstance(answer, Redirect):
            location = answer.location + parts.query if answer.location.endswith("?") else answer.location
            self.send_bytes(answer.status, b"", "text/plain", {"Location": location})
        elif isinstance(answer, Trickle):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"[")
            while not self.server.stop.wait(answer.interval):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
        elif isinstance(answer, Unsized):
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)
        elif isinstance(answer, Huge):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(answer.length))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"<html>" * 100)
                self.wfile.flush()
            self.server.stop.wait(10)

    do_GET = do_POST = do_HEAD = do_PATCH = _answer


@contextlib.contextmanager
def hostile(routes: dict[str, Any] | None = None) -> Iterator[Hostile]:
    """Serve ``routes`` on a free port of 127.0.0.1 (add routes to ``server.routes`` as you go)."""
    server = Hostile(("127.0.0.1", 0), _Handler)
    server.routes = dict(routes or {})
    server.hits = []
    server.stop = threading.Event()
    with serving(server):
        try:
            yield server
        finally:
            server.stop.set()  # let trickling handlers end


def elapsed(start: float) -> float:
    return time.monotonic() - start
