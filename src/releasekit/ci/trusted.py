"""Trusted Publishing: an upload token minted from the CI job's OIDC identity, no stored secret.

In a GitHub Actions job with ``permissions: id-token: write``, the runner can hand out an
OIDC token (``ACTIONS_ID_TOKEN_REQUEST_URL`` / ``ACTIONS_ID_TOKEN_REQUEST_TOKEN``). The
index says which audience it wants (``/_/oidc/audience``) and exchanges the job's token
for a short-lived upload token (``/_/oidc/mint-token``) when a trusted publisher
(owner, repository, workflow file, environment) is configured for the project there.
twine then uploads with ``__token__`` and that token.

The exchange's base URL is the index's own site (``https://pypi.org`` for PyPI's upload
URL, ``https://test.pypi.org`` for TestPyPI's, the upload URL's scheme and host for any
other index) and ``RELEASEKIT_OIDC_URL`` / ``RELEASEKIT_TEST_OIDC_URL`` override it. No
token is ever printed, stored or put in an error.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping
from typing import Any, NamedTuple

from releasekit import httpclient
from releasekit.ci import identity
from releasekit.config import Index
from releasekit.errors import ReleasekitError, StepFailed, redact
from releasekit.httpclient import BadJson, error_text, parse_json
from releasekit.indexes import pypirc_repository

TIMEOUT = 30.0
MAX_ANSWER = 64 * 1024  # a token answer is a few kilobytes
REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL"
REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
_SITES = {"upload.pypi.org": "https://pypi.org", "test.pypi.org": "https://test.pypi.org"}
_OVERRIDES = {"TestPyPI": "RELEASEKIT_TEST_OIDC_URL", "PyPI": "RELEASEKIT_OIDC_URL"}
_PYPI_AUDIENCES = ("pypi", "testpypi")


class Credentials(NamedTuple):
    """How twine authenticates: extra environment, the values to mask, and a phrase for the user."""

    env: dict[str, str]
    secrets: tuple[str, ...]
    how: str
    oidc: bool = False  # twine needs the OIDC request variables (it exchanges the identity itself)


def oidc_available(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this CI job has an OIDC identity the ``id`` package can read.

    GitHub Actions with ``id-token: write``, GitLab CI with an ``id_tokens`` entry
    (``<AUDIENCE>_ID_TOKEN``), Buildkite and CircleCI (whose agents hand one out).
    """
    env = os.environ if environ is None else environ
    if env.get(REQUEST_URL) and env.get(REQUEST_TOKEN):
        return True
    if env.get("GITLAB_CI") and any(key.endswith("_ID_TOKEN") and value for key, value in env.items()):
        return True
    return env.get("BUILDKITE") == "true" or env.get("CIRCLECI") == "true"


def has_twine_credentials(index: Index, environ: Mapping[str, str] | None = None) -> bool:
    """Whether twine would find a password of its own: TWINE_PASSWORD, the URL, or ~/.pypirc."""
    env = os.environ if environ is None else environ
    if env.get("TWINE_PASSWORD"):
        return True
    if urllib.parse.urlsplit(index.upload_url).password:
        return True
    found = pypirc_repository(index.upload_url)
    return found is not None and bool(found[1])


def _override(index: Index) -> str:
    return os.environ.get(_OVERRIDES.get(index.name, ""), "").rstrip("/")


def exchange_url(index: Index) -> str:
    """The base URL of the index's OIDC endpoints."""
    override = _override(index)
    if override:
        return override
    parts = urllib.parse.urlsplit(index.upload_url)
    host = parts.hostname or ""
    if host in _SITES:
        return _SITES[host]
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{netloc}"


def _call(
    url: str,
    what: str,
    secrets: list[str],
    *,
    credentials: Mapping[str, str] | None = None,
    payload: dict[str, str] | None = None,
) -> Any:
    """One request through releasekit's HTTP client; the JSON answer, or StepFailed naming ``what``.

    Secrets are masked before any text is shortened.
    """
    headers = {"User-Agent": "releasekit", "Accept": "application/json"}
    if payload is not None:
        headers["Content-Type"] = "application/json"
    answer = httpclient.request(
        "POST" if payload is not None else "GET",
        url,
        what=what,
        headers=headers,
        credentials=credentials,
        content=json.dumps(payload).encode() if payload is not None else None,
        deadline=httpclient.deadline_from_env(TIMEOUT),
        max_bytes=MAX_ANSWER,
        secrets=secrets,
    )
    if answer.status >= 300:
        raise StepFailed(f"{what}: HTTP {answer.status}: {_error_detail(answer.body, secrets)}")
    try:
        return httpclient.parse_json(answer.body, what)
    except httpclient.BadJson as exc:
        raise StepFailed(f"{what}: the answer is {exc.reason}") from None


def _error_detail(body: bytes, secrets: list[str]) -> str:
    """PyPI's mint-token errors are ``{"errors": [{"code", "description"}]}``; anything else, its first line.

    Whatever is shown has its secrets masked first, then is shortened.
    """
    try:
        data = parse_json(body, "")
    except BadJson:
        text = body.decode("utf-8", "replace").strip()
        return error_text(text.splitlines()[0].encode(), secrets) if text else "(no detail)"
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list) and errors:
        found = [str(e.get("description", e.get("code", "?"))) for e in errors if isinstance(e, dict)]
        return error_text("; ".join(found).encode(), secrets) or "(no detail)"
    message = data.get("message") if isinstance(data, dict) else None
    return error_text(str(message).encode(), secrets) if message else "(no detail)"


def _string_field(answer: Any, key: str, what: str) -> str:
    value = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(value, str) or not value:
        raise StepFailed(f"{what}: the answer has no {key!r}")
    return value


def mint_token(index: Index, environ: Mapping[str, str] | None = None) -> str:
    """An upload token for ``index``, minted from this GitHub Actions job's OIDC identity."""
    env = os.environ if environ is None else environ
    request_url, request_token = env.get(REQUEST_URL, ""), env.get(REQUEST_TOKEN, "")
    if not request_url or not request_token:
        raise ReleasekitError(f"no OIDC identity: {REQUEST_URL} is not set (the job needs 'id-token: write')")
    secrets = [request_token]
    base = exchange_url(index)
    audience_answer = _call(
        f"{base}/_/oidc/audience", f"{index.name}: asking {redact(base)} for its OIDC audience", secrets
    )
    audience = _string_field(audience_answer, "audience", f"{index.name}: OIDC audience")
    if audience in _PYPI_AUDIENCES and not _override(index) and base not in _SITES.values():
        # A token for PyPI's audience could be replayed at PyPI: only PyPI itself gets one, unless
        # the operator (not the project's configuration) points the exchange elsewhere.
        raise StepFailed(
            f"{index.name}: {redact(base)} asks for PyPI's OIDC audience {audience!r}; not handing it a token "
            f"PyPI would accept (set {_OVERRIDES.get(index.name, 'RELEASEKIT_OIDC_URL')} to allow it)"
        )
    job_token = identity.job_token(audience, secrets, env)  # GitHub Actions here; GitLab, Buildkite... by `id`
    secrets.append(job_token)
    what = f"{index.name}: exchanging the job's OIDC token at {redact(base)}/_/oidc/mint-token"
    try:
        token = _string_field(
            _call(f"{base}/_/oidc/mint-token", what, secrets, payload={"token": job_token}), "token", what
        )
    except StepFailed as exc:  # a trusted publisher that does not match: say what the job is
        raise StepFailed(f"{exc}; the job's OIDC claims: {identity.claims(job_token)}") from None
    identity.mask(token)
    return token


def twine_publishes(index: Index) -> bool:
    """Whether twine's own Trusted Publishing serves ``index``: PyPI or TestPyPI, with no exchange URL override."""
    from twine.utils import DEFAULT_REPOSITORY, TEST_REPOSITORY

    return index.upload_url in (DEFAULT_REPOSITORY, TEST_REPOSITORY) and not _override(index)


def credentials(index: Index, environ: Mapping[str, str] | None = None) -> Credentials:
    """Trusted Publishing when the job has an OIDC identity and twine has no credentials; twine's own otherwise.

    For PyPI and TestPyPI twine exchanges the identity itself (the upload then inherits the
    OIDC request variables); elsewhere releasekit mints the token, guarding PyPI's audience.
    """
    if oidc_available(environ) and not has_twine_credentials(index, environ) and twine_publishes(index):
        return Credentials({}, (), "twine's Trusted Publishing (the job's OIDC identity)", oidc=True)
    if oidc_available(environ) and not has_twine_credentials(index, environ):
        token = mint_token(index, environ)
        env = {"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": token}
        return Credentials(env, (token,), "Trusted Publishing (a token minted from the job's OIDC identity)")
    return Credentials({}, (), "twine's credentials")
