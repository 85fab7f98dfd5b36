"""## Emergency Releases, "4. Notify users via security advisory": the advisory of an emergency release.

After the GitHub release, an emergency release (``--security``) creates a repository
security advisory (``POST /repos/{owner}/{repo}/security-advisories``) as a draft, and
publishes it with ``[tool.releasekit.github] publish_advisory = true``. A resumed release
first looks for the advisory it made, by its patched version, and never makes a second.
What the advisory says is decided in :mod:`releasekit.emergency`; this step talks to GitHub.
"""

from __future__ import annotations

from typing import Any

from releasekit import emergency, git
from releasekit.errors import StepFailed
from releasekit.github import GitHub, project_client, token_from_env
from releasekit.release.context import Context, Step
from releasekit.tags import TagFormat


def _project(ctx: Context) -> str:
    name = ctx.config.project_name or ctx.journal.project
    if not name:
        raise StepFailed(f"{ctx.config.pyproject.name}: no [project] name to name the vulnerable package by")
    return name


def advisory_payload(ctx: Context) -> dict[str, Any]:
    """What the release sends GitHub: summary, description (the Security section), severity, package."""
    record = ctx.journal
    assert record.security is not None
    notes = ctx.release_notes()
    return emergency.advisory_payload(ctx.config, _project(ctx), record.version, record.security, notes, ctx.note)


def github_client(ctx: Context) -> GitHub:
    """The client for the project's repository, or a one-line failure saying what to set."""
    record, config = ctx.journal, ctx.config
    if not token_from_env():
        raise StepFailed(
            "no GITHUB_TOKEN (or GH_TOKEN) set; an emergency release needs one to create its security advisory"
        )
    api = project_client(config, record.remote)
    if api is None:
        raise StepFailed(
            f"{record.remote} is not on GitHub; set [tool.releasekit.github] repository to create the security advisory"
        )
    return api


def run_security_advisory(ctx: Context) -> str:
    """Create (or find again) the advisory of an emergency release, and publish it when configured."""
    record, config = ctx.journal, ctx.config
    if not record.emergency:
        return "not an emergency release: no advisory"
    body = advisory_payload(ctx)
    package = body["vulnerabilities"][0]
    what = f"{record.security} advisory for {package['package']['name']} {package['vulnerable_version_range']}"
    if ctx.dry_run:
        ctx.advisory = body
        publish = ", then publish it" if config.github_publish_advisory else " as a draft"
        return f"dry run: would create a {what}{publish}; nothing sent"
    api = github_client(ctx)
    warning = emergency.uncovered_warning(record.version, git.tags(ctx.root, "*"), TagFormat(record.tag_format))
    if warning:
        ctx.note(warning)
    found = api.advisory_for(package["package"]["name"], record.version)
    made = found or api.create_advisory(body)
    if config.github_publish_advisory and made.state != "published":
        made = api.publish_advisory(made.ghsa_id)._replace(created=made.created)
    record.advisory_id, record.advisory_url = made.ghsa_id, made.url
    verb = "created" if made.created else "already there"
    return f"{verb}: {made.ghsa_id} ({made.state}), a {what}: {made.url}"


SECURITY_ADVISORY = Step("security-advisory", "Notify users: the security advisory", False, True, run_security_advisory)
