"""A tiny HTTP proxy in front of a real index that refuses chosen uploads."""

from __future__ import annotations

import contextlib
import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FlakyProxy:
    """Forwards every request to ``upstream``; from upload number ``fail_from`` on, uploads get HTTP 503.

    twine retries a 503 itself, so the failure lasts until the test sets ``fail_from`` to None.
    """

    def __init__(self, upstream: str, fail_from: int | None) -> None:
        self.upstream = urlsplit(upstream)
        self.fail_from = fail_from
        self.uploads = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command == "POST":
                    with proxy.lock:
                        proxy.uploads += 1
                        refuse = proxy.fail_from is not None and proxy.uploads >= proxy.fail_from
                    if refuse:
                        self.send_response(503, "Service Unavailable")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                conn = http.client.HTTPConnection(proxy.upstream.hostname or "127.0.0.1", proxy.upstream.port)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"


@contextlib.contextmanager
def flaky_proxy(upstream: str, fail_from: int | None) -> Iterator[FlakyProxy]:
    """Run a FlakyProxy in a thread until the block ends."""
    proxy = FlakyProxy(upstream, fail_from)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
