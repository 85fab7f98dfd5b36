"""Preflight: every reason not to release, found before any side effect, all reported at once."""

from __future__ import annotations

from releasekit import git, indexes
from releasekit.config import Config
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.hotfix import is_hotfix_branch
from releasekit.process import python_module, run
from releasekit.steps import Context, Step
from releasekit.versions import bump_kind, check_versions, required_bump, tag_for

_ORDER = {"patch": 0, "minor": 1, "major": 2}


def fragment_problems(config: Config, current: str, new: str) -> list[str]:
    """What is wrong with the fragments for a release from ``current`` to ``new``.

    The files are judged by ``releasekit.fragments.validate_directory``, as the hook
    judges them; the bump a ``breaking`` fragment needs is checked here.
    """
    from releasekit.fragments import validate_directory

    where = config.fragments.directory
    found, findings = validate_directory(config.root, config.fragments)
    problems = [f.text() for f in findings if f.level == "error"]
    if not found and not problems:
        return [f"{where}/: no changelog fragments; there is nothing to release"]
    if "breaking" in {f.type for f in found}:
        needed = required_bump(current, breaking=True)
        done = bump_kind(current, new)
        if needed and _ORDER[done] < _ORDER[needed]:
            problems.append(
                f"{where}/: breaking changes need a {needed} release; {current} -> {new} is a {done} release"
            )
    return problems


def suggested_bump(config: Config, current: str) -> str:
    """The bump the fragments ask for: breaking -> major (minor before 1.0), feature -> minor, else patch."""
    from releasekit.fragments import validate_directory

    kinds = {f.type for f in validate_directory(config.root, config.fragments)[0]}
    if "breaking" in kinds:
        return required_bump(current, breaking=True) or "major"
    return "minor" if "feature" in kinds else "patch"


def link_problems(config: Config) -> list[str]:
    """Problems of ``releasekit check links``, run as the hook runs it."""
    proc = run(python_module("releasekit", "check", "links"), cwd=config.root, check=False)
    if proc.returncode == 0:
        return []
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return lines or [f"link check failed with exit code {proc.returncode}"]


def git_problems(config: Config, tag: str, branch: str) -> list[str]:
    """Branch, detached HEAD, clean tree, sync with the remote, and the tag being free.

    ``branch`` is the release branch, or the ``hotfix/`` branch a hotfix is released from;
    a hotfix branch that the remote does not have yet is pushed with the release.
    """
    root, remote = config.root, config.remote
    hotfix = is_hotfix_branch(branch)
    problems = []
    current = git.current_branch(root)
    if current is None:
        problems.append(f"HEAD is detached; check out {branch} to release")
    elif current != branch:
        problems.append(f"on branch {current}; releases are made from {branch} (or a hotfix/ branch)")
    changed = git.modified_paths(root)
    if changed:
        shown = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        problems.append(f"tracked files are modified ({shown}); commit or stash first")
    if git.remote_url(remote, root) is None:
        problems.append(f"no remote named {remote!r}")
        return problems
    on_remote = not hotfix or git.remote_branch_exists(remote, branch, root)
    try:
        git.fetch(remote, root, *([branch] if on_remote else []))
    except ReleasekitError as exc:
        problems.append(f"cannot fetch {branch} from {remote}: {str(exc).splitlines()[-1]}")
        return problems
    upstream = f"refs/remotes/{remote}/{branch}"
    if not on_remote:
        pass  # a new hotfix branch: nothing to be in sync with yet
    elif git.rev_parse(upstream, root) is None:
        problems.append(f"{remote} has no branch {branch}")
    else:
        ahead, behind = git.ahead_behind("HEAD", upstream, root)
        if ahead or behind:
            problems.append(
                f"HEAD is not in sync with {remote}/{branch} ({ahead} ahead, {behind} behind); pull or push first"
            )
    if git.tag_exists(tag, root):
        problems.append(f"tag {tag} already exists locally")
    if git.remote_tag_exists(remote, tag, root):
        problems.append(f"tag {tag} already exists on {remote}")
    return problems


def github_problems(ctx: Context) -> list[str]:
    """Open critical issues and PRs, and HEAD's CI on GitHub, when a token and a GitHub repository are there.

    In an emergency release a critical issue is a warning, not a problem: the fix for it
    is what is being released. GitHub itself is required then, for the security advisory.
    """
    from releasekit import github

    config, emergency = ctx.config, ctx.journal.emergency
    api = github.client(config.github_api_url, config.github_repository, git.remote_url(config.remote, config.root))
    if api is None:
        if emergency:
            return [
                "an emergency release creates a GitHub security advisory: set GITHUB_TOKEN (or GH_TOKEN), and "
                "[tool.releasekit.github] repository unless the remote is on github.com"
            ]
        ctx.note("GitHub checks skipped: no GITHUB_TOKEN, or the remote is not on GitHub")
        return []
    try:
        critical = github.critical_items(api, config.github_critical_labels)
        problems = github.ci_problems(api, git.head(config.root))
    except StepFailed as exc:
        return [str(exc)]
    if not emergency:
        return critical + problems
    for item in critical:
        ctx.note(f"warning: {item} (not blocking: an emergency release)")
    return problems


def untracked_warning(config: Config) -> str | None:
    """A warning naming the untracked files: they do not block a release, since they never ship."""
    untracked = git.untracked_paths(config.root)
    if not untracked:
        return None
    shown = ", ".join(untracked[:5]) + (", ..." if len(untracked) > 5 else "")
    return f"warning: untracked files ({shown}) are not released (the build is from the tag); commit or ignore them"


def run_preflight(ctx: Context) -> str:
    """Gather every problem; fail with all of them."""
    config, journal = ctx.config, ctx.journal
    warning = untracked_warning(config)
    if warning:
        ctx.note(warning)
    problems = git_problems(config, tag_for(journal.version), journal.branch)
    problems += [finding.text() for finding in check_versions(config)]
    problems += fragment_problems(config, journal.previous_version, journal.version)
    problems += link_problems(config)
    for index in (config.test_index, config.index):
        problem = indexes.reachable(index, config.project_name)
        if problem:
            problems.append(problem)
    problems += github_problems(ctx)
    if problems:
        count = len(problems)
        listing = "\n".join(f"  - {p}" for p in problems)
        raise StepFailed(f"preflight found {count} problem{'s' if count != 1 else ''}:\n{listing}")
    emergency = f", emergency release (severity {journal.security})" if journal.emergency else ""
    return f"{journal.previous_version} -> {journal.version} from {journal.branch}{emergency}"


PREFLIGHT = Step("preflight", "Preflight checks", reversible=True, in_dry_run=True, run=run_preflight)

__all__ = ["PREFLIGHT", "fragment_problems", "suggested_bump"]
