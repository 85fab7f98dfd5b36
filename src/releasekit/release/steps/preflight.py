"""### 1. Preparation (and ### 2. Documentation's "Check all documentation links"): every reason not to release.

Found before any side effect, and all reported at once: the branch and its sync with the
remote, the tag being free, the version places, the fragments, the links, the indexes,
and on GitHub the critical issues and HEAD's CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from releasekit import emergency, git, github, hotfix, indexes
from releasekit.changelog.fragments import roles, validate_directory
from releasekit.changelog.notes import template_problem
from releasekit.checks.bump import bump_findings
from releasekit.checks.links.check import check as check_links
from releasekit.checks.links.settings import from_config
from releasekit.checks.version_sync import check_versions
from releasekit.ci.workflow import workflow_path
from releasekit.config import Config
from releasekit.errors import CommandError, ReleasekitError, StepFailed
from releasekit.findings import Finding
from releasekit.parallel import Job, run_jobs
from releasekit.process import run
from releasekit.release import prepared
from releasekit.release.context import Context, Step
from releasekit.release.steps.commit import bump_commands
from releasekit.safefiles import Refused, check, leads_outside
from releasekit.versions import bump_for, bump_kind, required_bump

_ORDER = {"patch": 0, "minor": 1, "major": 2}
# The files bump-my-version and towncrier look for and read themselves during the release.
TOOL_CONFIG_FILES = (".bumpversion.cfg", ".bumpversion.toml", "setup.cfg", "pyproject.toml", "towncrier.toml")


def fragment_problems(config: Config, current: str, new: str) -> list[str]:
    """What is wrong with the fragments for a release from ``current`` to ``new``.

    The files are judged by ``releasekit.changelog.fragments.validate_directory``, as the hook
    judges them; the bump a ``breaking`` fragment needs is checked here.
    """
    where = config.fragments.directory
    found, findings = validate_directory(config.root, config.fragments)
    problems = [f.text() for f in findings if f.level == "error"]
    try:
        check(config.root, config.fragments.filename)  # towncrier reads it, and writes where it points
    except Refused as exc:
        problems.append(f"{exc.path}:1:1: {exc.reason}")
    except OSError:
        pass  # not there yet: towncrier creates it
    template = template_problem(config)
    if template:
        problems.append(template.text())
    if not found and not problems:
        return [f"{where}/: no changelog fragments; there is nothing to release"]
    if "breaking" in roles(found, config.fragments):
        needed = required_bump(current, breaking=True)
        done = bump_kind(current, new)
        if needed and _ORDER[done] < _ORDER[needed]:
            problems.append(
                f"{where}/: breaking changes need a {needed} release; {current} -> {new} is a {done} release"
            )
    return problems


def simulated_bump_problems(config: Config, new: str) -> list[str]:
    """What the release's bump to ``new`` would break, found before it writes anything.

    releasekit simulates the bump in memory as bump-my-version makes it (``releasekit.bumpsim``):
    each version file must hold ``new`` afterwards and still parse as its kind. bump-my-version
    itself is asked too, by :func:`tool_bump_problems`.
    """
    return [finding.text() for finding in bump_findings(config.root, config.require_version(), new)]


def tool_bump_problems(config: Config, new: str) -> list[str]:
    """bump-my-version's own ``--dry-run`` of the bump to ``new``, where it is installed: its refusals."""
    import importlib.util

    if importlib.util.find_spec("bumpversion") is None:
        return []
    problems = []
    for tool, cmd in bump_commands(config, new):
        try:
            run([*cmd, "--dry-run"], cwd=config.root, timeout=120)
        except CommandError as exc:
            last = next((line.strip() for line in reversed(exc.output.splitlines()) if line.strip()), "")
            problems.append(f"{tool} --dry-run refuses the bump to {new} (exit code {exc.returncode}): {last}")
    return problems


def suggested_bump(config: Config, current: str) -> str:
    """The bump the fragments ask for (``releasekit.versions.bump_for``), patch when there are none.

    Types count by their role (``removal`` is breaking, see ``FragmentsConfig.role_of``).
    """
    found = validate_directory(config.root, config.fragments)[0]
    return bump_for(current, roles(found, config.fragments)) or "patch"


def tool_config_problems(config: Config) -> list[str]:
    """The configuration files the release's tools read that are no regular files inside the project:
    a FIFO would hang bump-my-version, a link to /dev/zero exhaust its memory."""
    problems = []
    for name in TOOL_CONFIG_FILES:
        if not os.path.lexists(config.root / name):
            continue
        try:
            check(config.root, name)
        except Refused as exc:
            problems.append(f"{name}:1:1: {exc.reason}")
        except OSError as exc:
            problems.append(f"{name}:1:1: cannot read: {exc.strerror}")
    return problems


def symlink_problems(config: Config) -> list[str]:
    """Tracked symlinks that lead outside the repository: the build would pack what they point to.

    Fragments, the changelog and the tools' configuration files are judged on their own already.
    """
    fragments = config.fragments.directory.strip("/") + "/"
    return [
        f"{rel}:1:1: is a symlink leading outside the repository; the build would pack what it points to"
        for rel in git.tracked_files(config.root) or []
        if not rel.startswith(fragments)
        and rel != config.fragments.filename
        and rel not in TOOL_CONFIG_FILES
        and os.path.islink(config.root / rel)
        and leads_outside(config.root, rel)
    ]


def link_problems(config: Config) -> list[Finding]:
    """What ``releasekit check links`` finds in the project's documentation (its links inside
    the repository; external URLs are the ``--external`` check's business), paths relative to
    the project. A bad ``[tool.releasekit.links]`` raises ReleasekitError, as in the command."""
    return check_links(from_config(config, config.root), cwd=config.root).findings


def local_git_problems(config: Config, tag: str, branch: str) -> tuple[list[str], bool]:
    """What this repository alone says (the branch, a clean tree, a remote by that name); and
    whether the remote is there to ask (:func:`remote_git_problems`).

    ``branch`` is the release branch, or the ``hotfix/`` branch a hotfix is released from;
    a hotfix branch that the remote does not have yet is pushed with the release.
    """
    root, remote = config.root, config.remote
    problems = []
    current = git.current_branch(root)
    if current is None:
        problems.append(f"HEAD is detached; check out {branch} to release")
    elif current != branch:
        problems.append(f"on branch {current}; releases are made from {branch} (or a {hotfix.BRANCH_PREFIX} branch)")
    changed = git.modified_paths(root)
    if changed:
        shown = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        problems.append(f"tracked files are modified ({shown}); commit or stash first")
    if git.remote_url(remote, root) is None:
        problems.append(f"no remote named {remote!r}")
        return problems, False
    return problems, True


def remote_git_problems(config: Config, tag: str, branch: str) -> list[str]:
    """The sync with the remote (fetched first), and the tag being free here and there."""
    root, remote = config.root, config.remote
    problems = []
    on_remote = not hotfix.new_on_remote(branch, remote, root)
    try:
        git.fetch(remote, root, *([branch] if on_remote else []))
    except ReleasekitError as exc:
        return [str(exc)]
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
    config, severity = ctx.config, ctx.journal.security
    api = github.project_client(config)
    if api is None:
        if severity is not None:
            return [emergency.NEEDS_GITHUB]
        ctx.note("GitHub checks skipped: no GITHUB_TOKEN, or the remote is not on GitHub")
        return []
    try:
        critical = github.critical_items(api, config.github_critical_labels)
        problems = github.ci_problems(api, git.head(config.root))
    except StepFailed as exc:
        return [str(exc)]
    blocking, warnings = emergency.triage_critical(critical, severity)
    for warning in warnings:
        ctx.note(warning)
    return blocking + problems


def ci_problems(config: Config) -> list[str]:
    """With ``publish = "ci"``: the release workflow that will publish the tag is committed."""
    rel = workflow_path(config.root)
    if not (config.root / rel).is_file():
        return [f"publish = \"ci\", but {rel} is missing; write it with 'releasekit init --ci github'"]
    if not git.git("ls-files", "--", rel, cwd=config.root):
        return [f'publish = "ci", but {rel} is not committed; commit it so the tag carries it']
    return []


def untracked_warning(config: Config) -> str | None:
    """A warning naming the untracked files: they do not block a release, since they never ship."""
    untracked = git.untracked_paths(config.root)
    if not untracked:
        return None
    shown = ", ".join(untracked[:5]) + (", ..." if len(untracked) > 5 else "")
    return f"warning: untracked files ({shown}) are not released (the build is from the tag); commit or ignore them"


def index_problems(config: Config) -> list[str]:
    """The indexes this machine uploads to, each answering (with ``publish = "ci"``, the workflow's business)."""
    if config.publish == "ci":
        return []
    problems = []
    for index in (config.test_index, config.index):
        problem = indexes.reachable(index, config.project_name)
        if problem:
            problems.append(problem)
    return problems


def local_problems(ctx: Context) -> tuple[dict[str, list[str]], bool]:
    """The checks of the files in the work tree, by kind: quick, and all in this process; and
    whether there is a remote to ask (:func:`remote_git_problems`)."""
    config, journal = ctx.config, ctx.journal
    found: dict[str, list[str]] = {}
    found["git"], has_remote = local_git_problems(config, journal.tag, journal.branch)
    found["versions"] = [finding.text() for finding in check_versions(config)]
    found["tool"] = tool_config_problems(config)
    found["bump"] = simulated_bump_problems(config, journal.version)
    found["fragments"] = fragment_problems(config, journal.previous_version, journal.version)
    found["symlinks"] = symlink_problems(config)
    found["links"] = []
    try:
        links = link_problems(config)
    except ReleasekitError as exc:  # a bad [tool.releasekit.links], a symlinked mkdocs.yml: one problem more
        links = []
        found["links"].append(str(exc))
    for finding in links:
        if finding.level == "warning":
            ctx.note(finding.text())
        else:
            found["links"].append(finding.text())
    found["ci"] = ci_problems(config) if config.publish == "ci" else []
    return found, has_remote


def run_preflight(ctx: Context) -> str:
    """Gather every problem; fail with all of them.

    The checks of the work tree's files come first: once they pass, the steps beside preflight
    (the package check, the tests) may read the project (``ctx.next_may_start``), while the
    checks that wait on other machines (the remote, the indexes, GitHub) and bump-my-version's
    own dry run go on beside them.
    """
    config, journal = ctx.config, ctx.journal
    warning = untracked_warning(config)
    if warning:
        ctx.note(warning)
    found, remote = local_problems(ctx)
    # bump-my-version itself runs only on files releasekit read safely first (no FIFO, no /dev/zero);
    # where the package check makes the release commit ahead, its real bump is the tool's answer.
    bump = not (found["versions"] or found["tool"] or found["bump"] or prepared.possible(ctx))
    if not any(found.values()):
        ctx.next_may_start()
    answers: dict[str, list[str]] = {}

    def asking(name: str, check: Callable[[], list[str]]) -> Job:
        def job() -> str:
            answers[name] = check()
            return ""

        return Job(name, job)

    slow = [
        asking("remote", lambda: remote_git_problems(config, journal.tag, journal.branch) if remote else []),
        asking("bump", lambda: tool_bump_problems(config, journal.version) if bump else []),
        asking("indexes", lambda: index_problems(config)),
        asking("github", lambda: github_problems(ctx)),
    ]
    run_jobs(slow, len(slow))  # they wait on other processes and machines: all at once
    problems = found["git"] + answers["remote"] + found["versions"]
    problems += [problem for problem in found["bump"] + answers["bump"] if problem not in problems]
    problems += found["fragments"] + found["tool"] + found["symlinks"]
    # A symlinked changelog: the fragment check named it already.
    problems += [problem for problem in found["links"] if problem not in problems]
    problems += found["ci"] + answers["indexes"] + answers["github"]
    if problems:
        count = len(problems)
        listing = "\n".join(f"  - {p}" for p in problems)
        raise StepFailed(f"preflight found {count} problem{'s' if count != 1 else ''}:\n{listing}")
    severity = f", emergency release (severity {journal.security})" if journal.emergency else ""
    return f"{journal.previous_version} -> {journal.version} from {journal.branch}{severity}"


PREFLIGHT = Step(
    "preflight",
    "Preflight checks",
    reversible=True,
    in_dry_run=True,
    run=run_preflight,
    beside_next=True,
    holds_next=True,
)

__all__ = ["PREFLIGHT", "fragment_problems", "suggested_bump"]
