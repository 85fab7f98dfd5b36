"""After the production upload: the GitHub release, and a hotfix merged back into main."""

from __future__ import annotations

from pathlib import Path

from releasekit import git
from releasekit.errors import CommandError, StepFailed
from releasekit.github import client, token_from_env
from releasekit.hotfix import is_hotfix_branch
from releasekit.release.context import Context, Step
from releasekit.release.steps.summary import release_notes
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
    api = client(config.github_api_url, config.github_repository, git.remote_url(record.remote, ctx.root))
    if api is None:
        return f"skipped: {record.remote} is not on GitHub; set [tool.releasekit.github] repository to publish one"
    prerelease = parse_version(record.version).is_prerelease
    release = api.create_release(
        record.tag,
        record.tag,
        release_notes(ctx),
        prerelease=prerelease,
        discussion_category=config.github_discussion_category,
        make_latest=newest_release_line(record.version, ctx.root, TagFormat(record.tag_format)),
    )
    announced = f", announced in {config.github_discussion_category!r}" if config.github_discussion_category else ""
    return f"{'created' if release.created else 'already there'}: {release.url or record.tag}{announced}"


def run_merge_back(ctx: Context) -> str:
    """Merge a hotfix release into the release branch on the remote, in a throwaway worktree."""
    record, config = ctx.journal, ctx.config
    if not is_hotfix_branch(record.branch):
        return "not a hotfix: nothing to merge"
    target, remote, root = config.release_branch, record.remote, ctx.root
    release_commit = record.release_commit
    if release_commit is None:
        raise StepFailed("the journal holds no release commit; the commit step has not completed")
    if not git.fetch_branch(remote, target, root):
        raise StepFailed(f"cannot fetch {target} from {remote}; check the remote, then run the same command again")
    tip = f"refs/remotes/{remote}/{target}"
    if git.is_ancestor(release_commit, tip, root):
        return f"{record.branch} is in {remote}/{target} already"
    tree = ctx.workdir / "merge-back"
    git.git("worktree", "add", "--quiet", "--detach", str(tree), tip, cwd=root)
    try:
        message = f"Merge {record.branch} ({record.tag}) into {target}"
        try:
            git.git("merge", "--no-ff", "--no-edit", "-m", message, git.EOO, release_commit, cwd=tree)
        except CommandError:
            conflicts = git.conflicted_files(tree)
            git.git("merge", "--abort", cwd=tree, check=False)
            raise StepFailed(
                f"merging {record.branch} into {target} conflicts in {', '.join(conflicts) or 'some files'}; "
                f"merge it by hand (git switch {target} && git merge {record.branch}), push {target}, "
                "then run the same release command again to finish"
            ) from None
        try:
            git.git("push", "--quiet", git.EOO, remote, f"HEAD:refs/heads/{target}", cwd=tree)
        except CommandError as exc:
            raise StepFailed(f"pushing the merge to {remote}/{target} was refused:\n{exc.output}") from None
    finally:
        git.git("worktree", "remove", "--force", str(tree), cwd=root, check=False)
    return f"{record.branch} merged into {remote}/{target}; pull {target} to get it"


GITHUB_RELEASE = Step("github-release", "Create the GitHub release", False, False, run_github_release)
MERGE_BACK = Step("merge-back", "Merge a hotfix back into the release branch", False, False, run_merge_back)
