"""A small stand-in for GitHub's REST API on 127.0.0.1: the endpoints releasekit uses.

Releases, open issues, workflow runs, and repository security advisories (list, create,
publish), whose request bodies are validated as GitHub validates them: a bad one gets
GitHub's 422 "Validation Failed" with the offending field.

This is the only stand-in in the test suite; everything else (git, indexes, pip, twine,
pre-commit) is the real thing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from tests.helpers.serving import QuietHandler, serving, url_of


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
        self.advisories: dict[str, dict[str, Any]] = {}  # ghsa_id -> the advisory, in creation order
        self.raw_next: bytes | None = None  # answer the next request with 200 and these bytes, JSON or not


SEVERITIES = ("low", "medium", "high", "critical")
ECOSYSTEMS = (
    "rubygems",
    "npm",
    "pip",
    "maven",
    "nuget",
    "composer",
    "go",
    "rust",
    "erlang",
    "actions",
    "pub",
    "other",
    "swift",
)
ADVISORY_FIELDS = {
    "summary",
    "description",
    "cve_id",
    "vulnerabilities",
    "cwe_ids",
    "credits",
    "severity",
    "cvss_vector_string",
    "start_private_fork",
}
VULNERABILITY_FIELDS = {"package", "vulnerable_version_range", "patched_versions", "vulnerable_functions"}


def advisory_errors(payload: Any) -> list[dict[str, str]]:
    """What GitHub would refuse in a create-advisory body: one error per bad field."""
    if not isinstance(payload, dict):
        return [{"field": "body", "code": "invalid"}]
    errors = [{"field": key, "code": "unexpected"} for key in sorted(set(payload) - ADVISORY_FIELDS)]
    for key, limit in (("summary", 1024), ("description", 65535)):
        value = payload.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append({"field": key, "code": "missing_field"})
        elif len(value) > limit:
            errors.append({"field": key, "code": "too_long"})
    severity, vector = payload.get("severity"), payload.get("cvss_vector_string")
    if severity is not None and vector is not None:
        errors.append({"field": "severity", "code": "invalid", "message": "severity and cvss_vector_string both set"})
    elif severity is None and vector is None:
        errors.append({"field": "severity", "code": "missing_field"})
    elif severity is not None and severity not in SEVERITIES:
        errors.append({"field": "severity", "code": "invalid", "message": f"severity {severity!r} is not allowed"})
    vulnerabilities = payload.get("vulnerabilities")
    if not isinstance(vulnerabilities, list) or not vulnerabilities:
        errors.append({"field": "vulnerabilities", "code": "missing_field"})
        return errors
    for n, entry in enumerate(vulnerabilities):
        where = f"vulnerabilities[{n}]"
        if not isinstance(entry, dict) or set(entry) - VULNERABILITY_FIELDS:
            errors.append({"field": where, "code": "invalid"})
            continue
        package = entry.get("package")
        if not isinstance(package, dict) or package.get("ecosystem") not in ECOSYSTEMS:
            errors.append({"field": f"{where}.package.ecosystem", "code": "invalid"})
        elif not isinstance(package.get("name", ""), str):
            errors.append({"field": f"{where}.package.name", "code": "invalid"})
        for key in ("vulnerable_version_range", "patched_versions"):
            if entry.get(key) is not None and not isinstance(entry.get(key), str):
                errors.append({"field": f"{where}.{key}", "code": "invalid"})
    return errors


def _handler(state: FakeGitHubState) -> type[BaseHTTPRequestHandler]:
    prefix = f"/repos/{state.repository}"

    class Handler(QuietHandler):
        def _authorised(self) -> bool:
            state.requests.append((self.command, self.path, dict(self.headers)))
            if state.raw_next is not None:
                raw, state.raw_next = state.raw_next, None
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return False
            if state.fail_next is not None:
                status, state.fail_next = state.fail_next, None
                self.send_json(status, {"message": "Server Error"})
                return False
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                self.send_json(401, {"message": "Bad credentials"})
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
                self.send_json(200, listed)
                return
            if path == f"{prefix}/security-advisories":
                self.send_json(200, list(reversed(state.advisories.values())))  # newest first
                return
            if path == f"{prefix}/actions/runs":
                runs = state.runs.get(params.get("head_sha", ""), [])
                self.send_json(200, {"total_count": len(runs), "workflow_runs": runs})
                return
            tag_path = f"{prefix}/releases/tags/"
            if self.path.startswith(tag_path) and self.path[len(tag_path) :] in state.releases:
                self.send_json(200, state.releases[self.path[len(tag_path) :]])
            else:
                self.send_json(404, {"message": "Not Found"})

        def _payload(self) -> Any:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")

        def _create_advisory(self, payload: Any) -> None:
            errors = advisory_errors(payload)
            if errors:
                self.send_json(422, {"message": "Validation Failed", "errors": errors})
                return
            ghsa = f"GHSA-{len(state.advisories) + 1:04d}-test-rkit"
            advisory = {
                **payload,
                "ghsa_id": ghsa,
                "state": "draft",
                "url": f"{prefix}/security-advisories/{ghsa}",
                "html_url": f"https://github.invalid/{state.repository}/security/advisories/{ghsa}",
                "published_at": None,
            }
            state.advisories[ghsa] = advisory
            self.send_json(201, advisory)

        def do_PATCH(self) -> None:
            if not self._authorised():
                return
            base = f"{prefix}/security-advisories/"
            ghsa = self.path[len(base) :] if self.path.startswith(base) else ""
            if ghsa not in state.advisories:
                self.send_json(404, {"message": "Not Found"})
                return
            payload = self._payload()
            wanted = payload.get("state") if isinstance(payload, dict) else None
            if wanted not in ("published", "closed", "draft"):
                self.send_json(422, {"message": "Validation Failed", "errors": [{"field": "state", "code": "invalid"}]})
                return
            advisory = state.advisories[ghsa]
            advisory["state"] = wanted
            if wanted == "published":
                advisory["published_at"] = "2025-01-01T00:00:00Z"
            self.send_json(200, advisory)

        def do_POST(self) -> None:
            if not self._authorised():
                return
            if self.path == f"{prefix}/security-advisories":
                self._create_advisory(self._payload())
                return
            if self.path != f"{prefix}/releases":
                self.send_json(404, {"message": "Not Found"})
                return
            payload = self._payload()
            tag = payload["tag_name"]
            if payload.get("make_latest", "true") not in ("true", "false", "legacy"):
                self.send_json(
                    422, {"message": "Validation Failed", "errors": [{"field": "make_latest", "code": "invalid"}]}
                )
                return
            if tag in state.releases:
                self.send_json(422, {"message": "Validation Failed: already_exists"})
                return
            release = {
                "id": len(state.releases) + 1,
                "tag_name": tag,
                "name": payload.get("name"),
                "body": payload.get("body"),
                "prerelease": payload.get("prerelease", False),
                "discussion_category_name": payload.get("discussion_category_name"),
                "make_latest": payload.get("make_latest", "true"),  # GitHub's default: the newest is latest
                "html_url": f"https://github.invalid/{state.repository}/releases/tag/{tag}",
            }
            state.releases[tag] = release
            self.send_json(201, release)

    return Handler


@contextlib.contextmanager
def fake_github(token: str, repository: str = "owner/project") -> Iterator[tuple[str, FakeGitHubState]]:
    """Serve the stand-in on a free port; yields its base URL and its state."""
    state = FakeGitHubState(token, repository)
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))) as server:
        yield url_of(server), state
