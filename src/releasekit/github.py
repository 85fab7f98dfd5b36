"""GitHub releases and security advisories over the REST API, with a configurable base URL.

GitHub cannot be reached from every machine that runs releasekit (nor from its tests):
``api_url`` (``[tool.releasekit.github] api_url`` or RELEASEKIT_GITHUB_API_URL) points
at the API, and the tests point it at a small local server that serves the same
endpoints. The token comes from GITHUB_TOKEN or GH_TOKEN and is never printed.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from releasekit import git, httpclient
from releasekit.errors import ReleasekitError, StepFailed, redact
from releasekit.httpclient import next_link, origin
from releasekit.indexes import normalize

if TYPE_CHECKING:
    from releasekit.config import Config

MAX_ANSWER = 16 * 1024 * 1024  # bytes; GitHub's largest answer releasekit asks for is far smaller
MAX_PAGES = 20  # of a listing, 100 entries each
API_HOST = "https://api.github.com"
# the environment names a GitHub API (Enterprise Server, a test stand-in): the token may go there
API_URL_VARIABLES = ("RELEASEKIT_GITHUB_API_URL", "GITHUB_API_URL")
# https://github.com/OWNER/REPO(.git), git@github.com:OWNER/REPO(.git), ssh://git@github.com/...:
# the host itself, in any case; owner and repository names in the characters GitHub allows.
_REMOTE = re.compile(
    r"(?:^|[/@])github\.com[:/](?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$", re.ASCII | re.IGNORECASE
)


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


def _advisory(body: dict[str, Any], *, created: bool = False) -> Advisory:
    return Advisory(str(body["ghsa_id"]), str(body.get("html_url", "")), str(body.get("state", "")), created)


def _has(entry: Any, key: str, kind: type) -> bool:
    value = entry.get(key) if isinstance(entry, dict) else None
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _patches(body: Any, package: str, version: str) -> bool:
    """Whether an advisory (as GitHub lists it) names ``version`` of pip package ``package`` as patched."""
    entries = body.get("vulnerabilities") if isinstance(body, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        pkg = entry.get("package")
        pkg = pkg if isinstance(pkg, dict) else {}
        patched = [v.strip() for v in str(entry.get("patched_versions") or "").split(",")]
        same_package = pkg.get("ecosystem") == "pip" and normalize(str(pkg.get("name", ""))) == normalize(package)
        if same_package and version in patched:
            return True
    return False


def owner_repo(url: str | None) -> tuple[str, str] | None:
    """``(OWNER, REPO)`` of a github.com remote URL (https or ssh), else None."""
    match = _REMOTE.search(url.strip()) if url else None
    return (match["owner"], match["repo"]) if match else None


def repository_from_remote(url: str | None) -> str | None:
    """``OWNER/REPO`` from a github.com remote URL (https or ssh), else None."""
    found = owner_repo(url)
    return "/".join(found) if found else None


def token_from_env() -> str | None:
    """The token from GITHUB_TOKEN or GH_TOKEN, refused (never shown) when it could not be a token."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        token = os.environ.get(name)
        if token:
            # a line break would smuggle a header into every request; nothing else in a token is blank
            if len(token) > 4096 or not token.isascii() or not token.isprintable() or " " in token:
                raise ReleasekitError(
                    f"environment variable {name} does not hold a token (blanks or control characters)"
                )
            return token
    return None


def token_may_go(api_url: str) -> bool:
    """Whether the token may be sent to ``api_url``: GitHub's own API, or an API the environment names.

    ``[tool.releasekit.github] api_url`` is in the repository, where any branch can change it:
    it gets the token only when the environment names the same scheme, host and port.
    """
    named = [API_HOST, *(os.environ.get(name, "") for name in API_URL_VARIABLES)]
    return origin(api_url) in {origin(url) for url in named if url}


def client(api_url: str, repository: str | None, remote_url: str | None) -> GitHub | None:
    """A client for the project's repository, or None without a token or a GitHub repository.

    Raises ReleasekitError when the token may not go to ``api_url`` (see ``token_may_go``).
    """
    token = token_from_env()
    name = repository or repository_from_remote(remote_url)
    if not (token and name):
        return None
    if not token_may_go(api_url):
        raise ReleasekitError(
            f"not sending the GitHub token to {redact(api_url)} ([tool.releasekit.github] api_url): "
            "it goes only to api.github.com or to the API that RELEASEKIT_GITHUB_API_URL names; "
            "set RELEASEKIT_GITHUB_API_URL to that URL to use it"
        )
    return GitHub(api_url, name, token)


def project_client(config: Config, remote: str | None = None) -> GitHub | None:
    """The client for the project of ``config``: its ``[tool.releasekit.github]`` settings, else the
    repository the URL of ``remote`` names (the configured remote by default; a release in progress
    passes the one its journal recorded); None without a token or a GitHub repository."""
    return client(config.github_api_url, config.github_repository, git.remote_url(remote or config.remote, config.root))


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
        return self._ask(method, f"{self.api_url}/repos/{self.repository}{path}", path, payload)[:2]

    def _ask(
        self, method: str, url: str, path: str, payload: dict[str, Any] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        """One request through releasekit's HTTP client: the status, the JSON body, the headers."""
        import json

        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        data = json.dumps(payload).encode() if payload is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        answer = httpclient.request(
            method,
            url,
            what=f"GitHub API at {redact(self.api_url)}",
            headers=headers,
            credentials={"Authorization": f"Bearer {self._token}"},
            content=data,
            deadline=self.timeout,
            max_bytes=MAX_ANSWER,
        )
        what = f"GitHub API at {redact(self.api_url)}: {self._endpoint(method, path)} answered"
        if answer.status >= 400:
            try:
                message = _error_message(httpclient.parse_json(answer.body, what))
            except (ValueError, AttributeError):
                message = answer.body.decode("utf-8", "replace")
            return answer.status, {"message": httpclient.error_text(message.encode(), [self._token])}, answer.headers
        try:
            body = httpclient.parse_json(answer.body, what) if answer.body else None
        except httpclient.BadJson as exc:
            raise self._bad_answer(method, path, exc.reason) from None
        return answer.status, body, answer.headers

    def _pages(self, path: str, doing: str, key: str | None = None) -> list[Any]:
        """Every entry of a listing, following GitHub's ``Link: <...>; rel="next"`` up to MAX_PAGES pages.

        A next page is asked for only on the API's own scheme, host and port (the token goes nowhere else).
        """
        url = f"{self.api_url}/repos/{self.repository}{path}"
        entries: list[Any] = []
        for _ in range(MAX_PAGES):
            status, body, headers = self._ask("GET", url, path)
            self._expect(status, body, 200, doing)
            if key is not None:
                body = self._object(body, "GET", path, {key: list})[key]
            entries.extend(self._list(body or [], "GET", path, {}))
            following = next_link(headers.get("link", ""))
            if not following:
                return entries
            url = following
            if origin(url) != origin(self.api_url):
                raise self._bad_answer("GET", path, "a next page on another host")
        raise self._bad_answer("GET", path, f"more than {MAX_PAGES} pages")

    def _endpoint(self, method: str, path: str) -> str:
        return f"{method} /repos/{self.repository}{path.partition('?')[0]}"

    def _bad_answer(self, method: str, path: str, what: str) -> ReleasekitError:
        """The one line for an answer that is not what GitHub sends: it names the endpoint."""
        return ReleasekitError(f"GitHub API at {redact(self.api_url)}: {self._endpoint(method, path)} answered {what}")

    def _object(self, body: Any, method: str, path: str, fields: dict[str, type]) -> dict[str, Any]:
        """``body`` when it is an object holding ``fields`` of their types, else the one-line error."""
        if not isinstance(body, dict):
            raise self._bad_answer(method, path, f"{type(body).__name__} where an object was expected")
        for key, kind in fields.items():
            if not _has(body, key, kind):
                raise self._bad_answer(method, path, f"an object without {kind.__name__} field {key!r}")
        return body

    def _list(self, body: Any, method: str, path: str, fields: dict[str, type]) -> list[dict[str, Any]]:
        """``body`` when it is an array of objects holding ``fields``, else the one-line error."""
        if not isinstance(body, list):
            raise self._bad_answer(method, path, f"{type(body).__name__} where an array was expected")
        for n, entry in enumerate(body, 1):
            if not isinstance(entry, dict) or not all(_has(entry, key, kind) for key, kind in fields.items()):
                wanted = ", ".join(f"{kind.__name__} field {key!r}" for key, kind in fields.items())
                what = f"an object with {wanted}" if wanted else "an object"
                raise self._bad_answer(method, path, f"an array whose entry {n} is not {what}")
        return body

    def release_for_tag(self, tag: str) -> Release | None:
        """The release of ``tag``, or None when there is none yet."""
        path = f"/releases/tags/{tag}"
        status, body = self._request("GET", path)
        if status == 404:
            return None
        self._expect(status, body, 200, f"looking up the release of {tag}")
        found = self._object(body, "GET", path, {"id": int})
        return Release(found["id"], tag, str(found.get("html_url", "")), created=False)

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
        made = self._object(body, "POST", "/releases", {"id": int})
        return Release(made["id"], tag, str(made.get("html_url", "")), created=True)

    def advisory_for(self, package: str, version: str) -> Advisory | None:
        """The repository's advisory that names ``version`` of ``package`` as patched, if any.

        Closed and withdrawn advisories do not count. Every page GitHub lists is read.
        """
        path = "/security-advisories?per_page=100&sort=created&direction=desc"
        entries = self._pages(path, "listing the repository's security advisories")
        for entry in self._list(entries, "GET", path, {"ghsa_id": str}):
            if entry.get("state") not in _DEAD_ADVISORY_STATES and _patches(entry, package, version):
                return _advisory(entry)
        return None

    def create_advisory(self, payload: dict[str, Any]) -> Advisory:
        """Create a draft repository security advisory from ``payload`` (see ``releasekit.emergency``)."""
        status, body = self._request("POST", "/security-advisories", payload)
        self._expect(status, body, 201, "creating the security advisory")
        return _advisory(self._object(body, "POST", "/security-advisories", {"ghsa_id": str}), created=True)

    def publish_advisory(self, ghsa_id: str) -> Advisory:
        """Publish the draft advisory ``ghsa_id``."""
        path = f"/security-advisories/{quote(ghsa_id)}"
        status, body = self._request("PATCH", path, {"state": "published"})
        self._expect(status, body, 200, f"publishing the security advisory {ghsa_id}")
        return _advisory(self._object(body, "PATCH", path, {"ghsa_id": str}))

    def open_items(self, labels: tuple[str, ...]) -> list[Item]:
        """Open issues and pull requests carrying any of ``labels``."""
        found: dict[int, Item] = {}
        for label in labels:
            path = f"/issues?state=open&per_page=100&labels={quote(label)}"
            entries = self._pages(path, f"listing open issues labelled {label!r}")
            for entry in self._list(entries, "GET", path, {"number": int}):
                number = entry["number"]
                found[number] = Item(number, str(entry.get("title", "")), "pull_request" in entry)
        return [found[n] for n in sorted(found)]

    def runs_for(self, sha: str) -> list[Run]:
        """The workflow runs of commit ``sha``."""
        path = f"/actions/runs?head_sha={sha}&per_page=100"
        runs = self._pages(path, f"listing the workflow runs of {sha[:10]}", "workflow_runs")
        return [Run(str(r.get("name", "")), str(r.get("status", "")), _conclusion(r.get("conclusion"))) for r in runs]

    @staticmethod
    def _expect(status: int, body: Any, wanted: int, doing: str) -> None:
        if status == wanted:
            return
        message = body.get("message", "") if isinstance(body, dict) else ""
        hint = " (check the token and its permissions)" if status in (401, 403) else ""
        raise StepFailed(f"GitHub answered {status} {doing}: {message}{hint}".rstrip(": "))


def _conclusion(value: Any) -> str | None:
    return None if value is None else str(value)


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
