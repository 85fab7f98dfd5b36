"""The CI job's OIDC identity: its token, asked for under a deadline and a size cap, masked, and its claims.

On GitHub Actions (``ACTIONS_ID_TOKEN_REQUEST_URL`` / ``ACTIONS_ID_TOKEN_REQUEST_TOKEN``)
releasekit asks the runner's token endpoint itself, through ``releasekit.httpclient``: the
request token goes only to that endpoint's origin, redirects are followed hop by hop, the
whole request has one deadline (``RELEASEKIT_HTTP_DEADLINE``) and the answer a size cap.
For the other CI systems (GitLab CI, Buildkite, CircleCI, Google Cloud) the ``id`` package
(installed with twine) knows where the identity is kept; it runs as a child process
(``python -m id``) that is killed, with anything it started, at the same deadline.

A token is masked in a GitHub Actions log (``::add-mask::``) the moment it exists. When an
index refuses the exchange, the claims a trusted publisher is matched on (repository,
workflow, environment, ref) are what the maintainer needs to fix the mismatch: ``claims``
reads them from the token's payload, never printing the token itself.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Mapping
from typing import Any

from releasekit import httpclient, process
from releasekit.bounded import loads_json
from releasekit.errors import CommandError, ReleasekitError, StepFailed, redact

REQUEST_VARIABLES = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
MAX_TOKEN = 16 * 1024
MAX_ANSWER = 64 * 1024  # the token endpoint's JSON answer: a token and a count
TIMEOUT = 30.0  # seconds for the whole request, or for the `id` child (RELEASEKIT_HTTP_DEADLINE)
CLAIMS = ("sub", "repository", "repository_owner", "workflow_ref", "job_workflow_ref", "environment", "ref")


def mask(value: str) -> None:
    """Ask GitHub Actions to hide ``value`` in the job's log (nothing elsewhere)."""
    if os.environ.get("GITHUB_ACTIONS") == "true" and value and "\n" not in value:
        sys.stdout.write(f"::add-mask::{value}\n")
        sys.stdout.flush()


def job_token(audience: str, secrets: list[str] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The job's OIDC token for ``audience``, masked; refused in one line where there is none."""
    env = os.environ if environ is None else environ
    known = list(secrets or [])
    what = f"the job's OIDC identity for {audience!r}"
    request_url, request_token = (env.get(name, "") for name in REQUEST_VARIABLES)
    if request_url and request_token:
        token = _from_github(request_url, request_token, audience, what, [*known, request_token])
    else:
        token = _from_id(audience, what, known)
    if not token:
        raise ReleasekitError(
            "no OIDC identity here: this CI job cannot ask for one (on GitHub Actions it needs 'id-token: write')"
        )
    if len(token) > MAX_TOKEN:
        raise StepFailed(f"{what}: a token larger than {MAX_TOKEN} bytes")
    mask(token)
    payload = _payload(token)
    audiences = payload.get("aud") if isinstance(payload, dict) else None
    if audience != audiences and not (isinstance(audiences, list) and audience in audiences):
        raise StepFailed(f"{what}: the token is not a JWT for that audience")
    return token


def _from_github(request_url: str, request_token: str, audience: str, what: str, secrets: list[str]) -> str:
    """The token GitHub Actions' endpoint gives for ``audience``, asked through releasekit's HTTP client."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(request_url)
    query = urlencode([*((k, v) for k, v in parse_qsl(parts.query) if k != "audience"), ("audience", audience)])
    answer = httpclient.request(
        "GET",
        urlunsplit(parts._replace(query=query)),
        what=f"{what}: GitHub Actions' token endpoint",
        headers={"User-Agent": "releasekit", "Accept": "application/json"},
        credentials={"Authorization": f"bearer {request_token}"},
        deadline=httpclient.deadline_from_env(TIMEOUT),
        max_bytes=MAX_ANSWER,
        secrets=secrets,
    )
    if answer.status != 200:
        raise StepFailed(f"{what}: HTTP {answer.status}: {httpclient.error_text(answer.body, secrets)}")
    try:
        value = httpclient.parse_json(answer.body, what)
    except httpclient.BadJson as exc:
        raise StepFailed(f"{what}: the token endpoint's answer is {exc.reason}") from None
    token = value.get("value") if isinstance(value, dict) else None
    if not isinstance(token, str):
        raise StepFailed(f"{what}: the token endpoint's answer has no string 'value'")
    return token.strip()


def _from_id(audience: str, what: str, secrets: list[str]) -> str:
    """The token the ``id`` package finds (GitLab, Buildkite, CircleCI, Google Cloud), in a child held to a deadline.

    ``id`` runs the CI's own agent (``buildkite-agent``, ``circleci``) or asks a metadata
    server with no overall deadline of its own; killing its process group ends all of it.
    """
    limit = httpclient.deadline_from_env(TIMEOUT)
    try:
        done = process.run(process.python_module("id", audience), check=False, timeout=limit, secrets=secrets)
    except CommandError:  # only the deadline raises here (check=False)
        raise StepFailed(f"{what}: no answer from the `id` package within {limit:g} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit code {done.returncode}"
        raise StepFailed(f"{what}: {redact(last, [*secrets, done.stdout.strip()])[:300]}")
    token = done.stdout.strip()
    return "" if token == "None" else token  # `python -m id` prints None where there is no identity


def _payload(token: str) -> Any:
    """The token's claims, parsed under releasekit's JSON limits; a sentence in parentheses when they cannot be."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > MAX_TOKEN:
        return "(the token is not a JWT)"

    try:
        payload = loads_json(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)), source="the token")
    except (ValueError, ReleasekitError):  # not base64, not JSON, or over the limits
        return "(the token's claims are not JSON)"
    return payload if isinstance(payload, dict) else "(the token's claims are not a JSON object)"


def claims(token: str) -> str:
    """The claims a trusted publisher is matched on, from the token's payload, control characters escaped."""
    payload = _payload(token)
    if isinstance(payload, str):
        return payload
    shown = [f"{key}={str(payload[key])[:200]!r}" for key in CLAIMS if key in payload]
    return ", ".join(shown) or "(none of the claims a trusted publisher is matched on)"
