"""The CI job's OIDC identity: its token from the ``id`` package, masked, and its claims for a refusal.

``id`` (installed with twine) knows where each CI system keeps the job's identity:
GitHub Actions, GitLab CI, Buildkite, CircleCI and Google Cloud. A token is masked in a
GitHub Actions log (``::add-mask::``) the moment it exists. When an index refuses the
exchange, the claims a trusted publisher is matched on (repository, workflow, environment,
ref) are what the maintainer needs to fix the mismatch: ``claims`` reads them from the
token's payload, never printing the token itself.
"""

from __future__ import annotations

import base64
import os
import sys

from releasekit.bounded import loads_json
from releasekit.errors import ReleasekitError, StepFailed, redact

REQUEST_VARIABLES = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
MAX_TOKEN = 16 * 1024
CLAIMS = ("sub", "repository", "repository_owner", "workflow_ref", "job_workflow_ref", "environment", "ref")


def mask(value: str) -> None:
    """Ask GitHub Actions to hide ``value`` in the job's log (nothing elsewhere)."""
    if os.environ.get("GITHUB_ACTIONS") == "true" and value and "\n" not in value:
        sys.stdout.write(f"::add-mask::{value}\n")
        sys.stdout.flush()


def job_token(audience: str, secrets: list[str] | None = None) -> str:
    """The job's OIDC token for ``audience``, masked; refused in one line where there is none."""
    import id as oidc

    try:
        token = oidc.detect_credential(audience)
    except oidc.IdentityError as exc:
        raise StepFailed(f"the job's OIDC identity for {audience!r}: {redact(str(exc), secrets or [])[:300]}") from None
    if not token:
        raise ReleasekitError(
            "no OIDC identity here: this CI job cannot ask for one (on GitHub Actions it needs 'id-token: write')"
        )
    if len(token) > MAX_TOKEN:
        raise StepFailed(f"the job's OIDC identity for {audience!r}: a token larger than {MAX_TOKEN} bytes")
    mask(token)
    return token


def claims(token: str) -> str:
    """The claims a trusted publisher is matched on, from the token's payload, control characters escaped."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > MAX_TOKEN:
        return "(the token is not a JWT)"

    try:
        payload = loads_json(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)), source="the token")
    except (ValueError, ReleasekitError):  # not base64, not JSON, or over the limits
        return "(the token's claims are not JSON)"
    if not isinstance(payload, dict):
        return "(the token's claims are not a JSON object)"
    shown = [f"{key}={str(payload[key])[:200]!r}" for key in CLAIMS if key in payload]
    return ", ".join(shown) or "(none of the claims a trusted publisher is matched on)"
