"""A small stand-in for GitHub's REST API on 127.0.0.1: the release endpoints releasekit uses.

This is the only stand-in in the test suite; everything else (git, indexes, pip, twine,
pre-commit) is the real thing.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


class FakeGitHubState:
    """What the server holds, so tests can look at it."""

    def __init__(self, token: str, repository: str) -> None:
        self.token = token
        self.repository = repository
        self.releases: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.fail_next: int | None = None  # answer the next request with this status
        self.issues: list[dict[str, Any]] = []  # open issues and pull requests, as GitHub lists them
        self.runs: dict[str, list[dict[str, Any]]] = {}  # commit sha -> its workflow runs


def _handler(state: FakeGitHubState) -> type[BaseHTTPRequestHandler]:
    prefix = f"/repos/{state.repository}"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            state.requests.append((self.command, self.path, dict(self.headers)))
            if state.fail_next is not None:
                status, state.fail_next = state.fail_next, None
                self._reply(status, {"message": "Server Error"})
                return False
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                self._reply(401, {"message": "Bad credentials"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            path, _, query = self.path.partition("?")
            params = dict(part.partition("=")[::2] for part in query.split("&") if part)
            if path == f"{prefix}/issues":
                wanted = set(unquote(params.get("labels", "")).split(",")) - {""}
                listed = [i for i in state.issues if not wanted or wanted & set(i.get("labels", []))]
                self._reply(200, listed)
                return
            if path == f"{prefix}/actions/runs":
                runs = state.runs.get(params.get("head_sha", ""), [])
                self._reply(200, {"total_count": len(runs), "workflow_runs": runs})
                return
            tag_path = f"{prefix}/releases/tags/"
            if self.path.startswith(tag_path) and self.path[len(tag_path) :] in state.releases:
                self._reply(200, state.releases[self.path[len(tag_path) :]])
            else:
                self._reply(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            if not self._authorised():
                return
            if self.path != f"{prefix}/releases":
                self._reply(404, {"message": "Not Found"})
                return
            payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            tag = payload["tag_name"]
            if tag in state.releases:
                self._reply(422, {"message": "Validation Failed: already_exists"})
                return
            release = {
                "id": len(state.releases) + 1,
                "tag_name": tag,
                "name": payload.get("name"),
                "body": payload.get("body"),
                "prerelease": payload.get("prerelease", False),
                "discussion_category_name": payload.get("discussion_category_name"),
                "html_url": f"https://github.invalid/{state.repository}/releases/tag/{tag}",
            }
            state.releases[tag] = release
            self._reply(201, release)

    return Handler


@contextlib.contextmanager
def fake_github(token: str, repository: str = "owner/project") -> Iterator[tuple[str, FakeGitHubState]]:
    """Serve the stand-in on a free port; yields its base URL and its state."""
    state = FakeGitHubState(token, repository)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
