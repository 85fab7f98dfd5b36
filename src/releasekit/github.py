"""GitHub releases and security advisories over the REST API, with a configurable base URL.

GitHub cannot be reached from every machine that runs releasekit (nor from its tests):
``api_url`` (``[tool.releasekit.github] api_url`` or RELEASEKIT_GITHUB_API_URL) points
at the API, and the tests point it at a small local server that serves the same
endpoints. The token comes from GITHUB_TOKEN or GH_TOKEN and is never printed.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, NamedTuple
from urllib.parse import quote

from releasekit.errors import ReleasekitError, StepFailed, redact

_REMOTE = re.compile(r"github\.com[:/](?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")


class Release(NamedTuple):
    """A release as GitHub reports it."""

    id: int
    tag: str
    url: str
    created: bool  # False when it already existed (a resumed release)


class Advisory(NamedTuple):
    """A repository security advisory as GitHub reports it."""

    ghsa_id: str
    url: str  # its page (html_url)
    state: str  # triage, draft, published, closed, withdrawn
    created: bool = False  # False when it already existed (a resumed release)


# Advisories in these states are gone for good: a release makes a new one instead.
_DEAD_ADVISORY_STATES = ("closed", "withdrawn")


def _advisory(body: Any, *, created: bool = False) -> Advisory:
    return Advisory(str(body["ghsa_id"]), str(body.get("html_url", "")), str(body.get("state", "")), created)


def _patches(body: Any, package: str, version: str) -> bool:
    """Whether an advisory (as GitHub lists it) names ``version`` of pip package ``package`` as patched."""
    from releasekit.indexes import normalize

    for entry in body.get("vulnerabilities") or []:
        pkg = entry.get("package") or {}
        patched = [v.strip() for v in str(entry.get("patched_versions") or "").split(",")]
        same_package = pkg.get("ecosystem") == "pip" and normalize(str(pkg.get("name", ""))) == normalize(package)
        if same_package and version in patched:
            return True
    return False


def repository_from_remote(url: str | None) -> str | None:
    """``OWNER/REPO`` from a github.com remote URL (https or ssh), else None."""
    if not url:
        return None
    match = _REMOTE.search(url.strip())
    return f"{match['owner']}/{match['repo']}" if match else None


def token_from_env() -> str | None:
    """The token from GITHUB_TOKEN or GH_TOKEN."""
    return os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None


def client(api_url: str, repository: str | None, remote_url: str | None) -> GitHub | None:
    """A client for the project's repository, or None without a token or a GitHub repository."""
    token = token_from_env()
    name = repository or repository_from_remote(remote_url)
    return GitHub(api_url, name, token) if token and name else None


def problems_before_release(api: GitHub, sha: str, labels: tuple[str, ...]) -> list[str]:
    """The checklist's GitHub items before a release: critical issues and PRs, and CI of ``sha``.

    A commit with no workflow run at all is not a problem: not every project has CI there.
    """
    return critical_items(api, labels) + ci_problems(api, sha)


def critical_items(api: GitHub, labels: tuple[str, ...]) -> list[str]:
    """One line per open issue or pull request carrying one of ``labels``."""
    return [
        f"open critical {'pull request' if item.is_pull else 'issue'} #{item.number}: {item.title}"
        for item in api.open_items(labels)
    ]


def ci_problems(api: GitHub, sha: str) -> list[str]:
    """One line per workflow run of ``sha`` that is unfinished or did not succeed."""
    problems = []
    for run in api.runs_for(sha):
        if run.status != "completed":
            problems.append(f"workflow {run.name!r} on {sha[:10]} is still {run.status}; wait for it")
        elif run.conclusion not in ("success", "skipped", "neutral"):
            problems.append(f"workflow {run.name!r} on {sha[:10]} ended in {run.conclusion}")
    return problems


class Item(NamedTuple):
    """An open issue or pull request."""

    number: int
    title: str
    is_pull: bool


class Run(NamedTuple):
    """A GitHub Actions workflow run of a commit."""

    name: str
    status: str  # queued, in_progress, completed, ...
    conclusion: str | None  # success, failure, cancelled, ... once completed


class GitHub:
    """The few REST endpoints releasekit uses."""

    def __init__(self, api_url: str, repository: str, token: str, timeout: float = 30.0) -> None:
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
            raise ReleasekitError(f"GitHub repository {repository!r} is not OWNER/REPO")
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self._token = token
        self.timeout = timeout

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        import urllib.error  # urllib.request brings http.client and email: only when GitHub is asked
        import urllib.request

        url = f"{self.api_url}/repos/{self.repository}{path}"
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("Authorization", f"Bearer {self._token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                return response.status, json.loads(body) if body else None
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                message = _error_message(json.loads(detail))
            except (ValueError, AttributeError):
                message = detail
            return exc.code, {"message": redact(message[:300], [self._token])}
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StepFailed(f"GitHub API at {redact(self.api_url)} unreachable: {reason}") from None

    def release_for_tag(self, tag: str) -> Release | None:
        """The release of ``tag``, or None when there is none yet."""
        status, body = self._request("GET", f"/releases/tags/{tag}")
        if status == 404:
            return None
        self._expect(status, body, 200, f"looking up the release of {tag}")
        return Release(int(body["id"]), tag, str(body.get("html_url", "")), created=False)

    def create_release(
        self,
        tag: str,
        name: str,
        notes: str,
        *,
        prerelease: bool = False,
        discussion_category: str | None = None,
        make_latest: bool | None = None,
    ) -> Release:
        """Create the release of ``tag`` with ``notes`` as its body; reuse one that exists already.

        With ``discussion_category``, GitHub also opens a discussion announcing it.
        ``make_latest`` False keeps a release of an older line from becoming "latest"
        (GitHub's default makes every new release the latest).
        """
        existing = self.release_for_tag(tag)
        if existing is not None:
            return existing
        payload: dict[str, Any] = {"tag_name": tag, "name": name, "body": notes, "draft": False}
        payload["prerelease"] = prerelease
        if discussion_category:
            payload["discussion_category_name"] = discussion_category
        if make_latest is not None:
            payload["make_latest"] = "true" if make_latest else "false"
        status, body = self._request("POST", "/releases", payload)
        self._expect(status, body, 201, f"creating the release of {tag}")
        return Release(int(body["id"]), tag, str(body.get("html_url", "")), created=True)

    def advisory_for(self, package: str, version: str) -> Advisory | None:
        """The repository's advisory that names ``version`` of ``package`` as patched, if any.

        Closed and withdrawn advisories do not count. GitHub lists the newest first; the
        first hundred are looked at, which covers any advisory a release in progress made.
        """
        status, body = self._request("GET", "/security-advisories?per_page=100&sort=created&direction=desc")
        self._expect(status, body, 200, "listing the repository's security advisories")
        for entry in body or []:
            if entry.get("state") not in _DEAD_ADVISORY_STATES and _patches(entry, package, version):
                return _advisory(entry)
        return None

    def create_advisory(self, payload: dict[str, Any]) -> Advisory:
        """Create a draft repository security advisory from ``payload`` (see ``releasekit.advisory``)."""
        status, body = self._request("POST", "/security-advisories", payload)
        self._expect(status, body, 201, "creating the security advisory")
        return _advisory(body, created=True)

    def publish_advisory(self, ghsa_id: str) -> Advisory:
        """Publish the draft advisory ``ghsa_id``."""
        status, body = self._request("PATCH", f"/security-advisories/{quote(ghsa_id)}", {"state": "published"})
        self._expect(status, body, 200, f"publishing the security advisory {ghsa_id}")
        return _advisory(body)

    def open_items(self, labels: tuple[str, ...]) -> list[Item]:
        """Open issues and pull requests carrying any of ``labels``."""
        found: dict[int, Item] = {}
        for label in labels:
            status, body = self._request("GET", f"/issues?state=open&per_page=100&labels={quote(label)}")
            self._expect(status, body, 200, f"listing open issues labelled {label!r}")
            for entry in body or []:
                number = int(entry["number"])
                found[number] = Item(number, str(entry.get("title", "")), "pull_request" in entry)
        return [found[n] for n in sorted(found)]

    def runs_for(self, sha: str) -> list[Run]:
        """The workflow runs of commit ``sha``."""
        status, body = self._request("GET", f"/actions/runs?head_sha={sha}&per_page=100")
        self._expect(status, body, 200, f"listing the workflow runs of {sha[:10]}")
        runs = body.get("workflow_runs", []) if isinstance(body, dict) else []
        return [Run(str(r.get("name", "")), str(r.get("status", "")), r.get("conclusion")) for r in runs]

    @staticmethod
    def _expect(status: int, body: Any, wanted: int, doing: str) -> None:
        if status == wanted:
            return
        message = body.get("message", "") if isinstance(body, dict) else ""
        hint = " (check the token and its permissions)" if status in (401, 403) else ""
        raise StepFailed(f"GitHub answered {status} {doing}: {message}{hint}".rstrip(": "))


def _error_message(body: Any) -> str:
    """GitHub's error message, with the fields a validation error names."""
    message = str(body.get("message", ""))
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        details = [_field_error(e) if isinstance(e, dict) else str(e) for e in errors]
        message += f" ({'; '.join(details)})"
    return message


def _field_error(error: dict[str, Any]) -> str:
    return str(error.get("message") or f"{error.get('field', '?')} {error.get('code', 'invalid')}")
