"""A recording proxy in front of a local index: every request is kept, then passed on as it came.

twine's uploads go through it, so a test can read the multipart form twine really sent
(its ``attestations`` field, for one) while the real pypiserver behind it stores the file.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import NamedTuple

from tests.helpers.serving import QuietHandler, serving, url_of


class Recorded(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(ThreadingHTTPServer):
    target: str
    requests: list[Recorded]


class _Handler(QuietHandler):
    server: _Server

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        self.server.requests.append(Recorded(self.command, self.path, headers, body))
        request = urllib.request.Request(
            self.server.target + self.path, data=body or None, headers=headers, method=self.command
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, answer_headers, data = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as exc:
            status, answer_headers, data = exc.code, exc.headers, exc.read()
        self.send_response(status)
        for key, value in answer_headers.items():
            if key.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(key, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        elif "Content-Length" in answer_headers:
            self.send_header("Content-Length", answer_headers["Content-Length"])
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _forward


@contextlib.contextmanager
def recording_proxy(target: str) -> Iterator[tuple[str, list[Recorded]]]:
    """A proxy to ``target`` (``http://127.0.0.1:PORT``): its base URL and the list of what it received."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.target, server.requests = target.rstrip("/"), []
    with serving(server):
        yield url_of(server), server.requests


def form_fields(body: bytes) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, by name (files by their field name too)."""
    fields: dict[str, bytes] = {}
    boundary = body.split(b"\r\n", 1)[0]
    for part in body.split(boundary)[1:]:
        head, _, value = part.partition(b"\r\n\r\n")
        marker = b'name="'
        if marker not in head:
            continue
        name = head.split(marker, 1)[1].split(b'"', 1)[0].decode()
        fields[name] = value.rsplit(b"\r\n", 1)[0]
    return fields
