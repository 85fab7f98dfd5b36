"""Stand-ins for the two OIDC services of Trusted Publishing, on 127.0.0.1.

- GitHub Actions' token endpoint (``ACTIONS_ID_TOKEN_REQUEST_URL``): answers
  ``{"value": JOB_TOKEN}`` to a request carrying the right bearer token and an audience.
- The index's exchange (``/_/oidc/audience``, ``/_/oidc/mint-token``): gives its audience,
  and mints ``minted`` for the job token, as PyPI does for a configured trusted publisher.

Everything else in the Trusted Publishing tests is real: twine uploads the minted token
to a real pypiserver whose only account is ``__token__`` with that token as password.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.helpers.serving import QuietHandler, serving, url_of


def jwt(claims: dict[str, str]) -> str:
    """A token shaped as the job's OIDC JWT (header, claims, signature), as the `id` package expects."""

    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJlLWNhbmFyeQ"


class OidcState:
    """What the stand-in knows and saw."""

    def __init__(self, request_token: str, job_token: str, minted: str, audience: str = "testpypi") -> None:
        self.request_token = request_token
        self.job_token = job_token
        self.minted = minted
        self.audience = audience
        self.requests: list[tuple[str, str]] = []  # (method, path with query)
        self.refuse_mint = False  # answer mint-token as PyPI does without a trusted publisher


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: OidcState


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        state = self.server.state
        state.requests.append(("GET", self.path))
        parts = urlsplit(self.path)
        if parts.path == "/_/oidc/audience":
            self.send_json(200, {"audience": state.audience})
        elif parts.path == "/token":
            query = parse_qs(parts.query)
            if self.headers.get("Authorization") != f"bearer {state.request_token}":
                self.send_json(401, {"message": "bad request token"})
            elif query.get("audience") != [state.audience]:
                self.send_json(400, {"message": f"unexpected audience {query.get('audience')}"})
            else:
                self.send_json(200, {"count": 1, "value": state.job_token})
        else:
            self.send_json(404, {"message": "no route"})

    def do_POST(self) -> None:
        state = self.server.state
        state.requests.append(("POST", self.path))
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/_/oidc/mint-token":
            self.send_json(404, {"message": "no route"})
        elif state.refuse_mint or body.get("token") != state.job_token:
            errors = [{"code": "invalid-publisher", "description": "valid token, but no corresponding publisher"}]
            self.send_json(422, {"message": "Token request failed", "errors": errors})
        else:
            self.send_json(200, {"success": True, "token": state.minted, "expires": 0})


@contextlib.contextmanager
def oidc_server(state: OidcState) -> Iterator[str]:
    """Serve the stand-in on a free port of 127.0.0.1; yield its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    with serving(server):
        yield url_of(server)
