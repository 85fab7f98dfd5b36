"""### 6. Post-Release, "Create GitHub release with changelog" and "Announce release in discussions".

The GitHub release of the tag, through the REST API, with the release notes as its body;
announced in a discussion category when one is configured. Skipped without a token.
"""

from __future__ import annotations

from pathlib import Path

from releasekit import git
from releasekit.github import project_client, token_from_env
from releasekit.release.context import NO_NOTES, Context, Step
from releasekit.tags import TagFormat
from releasekit.versions import parse_version


def newest_release_line(version: str, root: Path, fmt: TagFormat | None = None) -> bool:
    """True when no release tag names a later final version: only such a release is GitHub's "latest".

    A hotfix of an older minor (1.2.4 after 1.3.0) is not, nor is a pre-release.
    """
    this = parse_version(version)
    if this.is_prerelease:
        return False
    fmt = fmt or TagFormat()
    for tag in git.tags(root, fmt.glob):
        found = fmt.version(tag)
        if found is not None and not found.is_prerelease and found > this:
            return False
    return True


def run_github_release(ctx: Context) -> str:
    """Create the GitHub release of the tag, with the release notes as its body."""
    record, config = ctx.journal, ctx.config
    if not token_from_env():
        return "skipped: no GITHUB_TOKEN (or GH_TOKEN) set"
    api = project_client(config, record.remote)
    if api is None:
        return f"skipped: {record.remote} is not on GitHub; set [tool.releasekit.github] repository to publish one"
    prerelease = parse_version(record.version).is_prerelease
    release = api.create_release(
        record.tag,
        record.tag,
        ctx.release_notes() or NO_NOTES,
        prerelease=prerelease,
        discussion_category=config.github_discussion_category,
        make_latest=newest_release_line(record.version, ctx.root, TagFormat(record.tag_format)),
    )
    announced = f", announced in {config.github_discussion_category!r}" if config.github_discussion_category else ""
    return f"{'created' if release.created else 'already there'}: {release.url or record.tag}{announced}"


GITHUB_RELEASE = Step("github-release", "Create the GitHub release", False, False, run_github_release)
