"""Local HTTP stand-ins: run one in a thread on 127.0.0.1 for a block, answer quietly in JSON."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

S = TypeVar("S", bound=ThreadingHTTPServer)


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing (the tests read their own request logs) and can answer JSON."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_json(self, status: int, body: Any) -> None:
        """Answer ``status`` with ``body`` as a JSON document."""
        self.send_bytes(status, json.dumps(body).encode(), "application/json")

    def send_bytes(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` with ``body`` (not to a HEAD) and its length, type and ``headers``."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def url_of(server: ThreadingHTTPServer) -> str:
    """The base URL of ``server``: ``http://host:port``."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


@contextlib.contextmanager
def serving(server: S) -> Iterator[S]:
    """Serve ``server`` from a thread until the block ends; then stop it and close its socket."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
