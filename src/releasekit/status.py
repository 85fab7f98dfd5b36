"""The release status of a project: what ``releasekit status`` shows, read-only.

Where the project stands against RELEASE.md's schedule and support policy, from what the
repository already holds: the release tags and their dates, the unreleased fragments,
the release journal, and (only with a token) GitHub's critical issues and CI. Nothing
here writes, fetches or prints; with no GitHub configured it touches no network.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from releasekit import git, github
from releasekit.changelog.fragments import roles, validate_directory
from releasekit.config import Config
from releasekit.errors import ReleasekitError
from releasekit.hotfix import BRANCH_PREFIX
from releasekit.locate import git_dir
from releasekit.release import journal
from releasekit.support import SupportRow, support_table
from releasekit.tags import TagFormat, project_format
from releasekit.versions import bump_for, minor_due, next_version

if TYPE_CHECKING:
    from packaging.version import Version

KINDS = ("major", "minor", "patch")
_DAY = 86400


class Release(NamedTuple):
    """A past release, from its tag."""

    version: str
    tag: str
    date: str  # YYYY-MM-DD, UTC
    days_ago: int


class TypeGroup(NamedTuple):
    """The unreleased fragments of one type."""

    type: str  # the type's directory name: "feature"
    name: str  # its title in the changelog: "Features"
    files: tuple[str, ...]


class Unreleased(NamedTuple):
    """The fragments waiting for the next release, and the bump they call for."""

    groups: tuple[TypeGroup, ...]
    invalid: int  # files in the fragment directory that ``check fragments`` refuses
    bump: str | None  # major, minor, patch; None without fragments
    next_version: str | None

    @property
    def total(self) -> int:
        """How many fragments wait."""
        return sum(len(group.files) for group in self.groups)


class WaitingPatch(NamedTuple):
    """A hotfix branch with commits after the latest release of an older supported line."""

    line: str
    tag: str  # the line's latest release tag, where the branch starts
    branch: str
    commits: int


class Schedule(NamedTuple):
    """The release schedule: a minor release every ``minor_every_days``, patches as needed."""

    minor_every_days: int
    last_minor: Release | None  # the latest minor or major release: either starts a line
    features_waiting: int
    minor_due: bool
    patches_waiting: tuple[WaitingPatch, ...]


class InProgress(NamedTuple):
    """A release the journal says has started and not finished."""

    version: str
    tag: str
    spec: str
    completed: tuple[str, ...]
    resume: str


class GitHubState(NamedTuple):
    """What preflight would see on GitHub: open critical issues and PRs, CI of the release branch's head."""

    repository: str
    critical: tuple[str, ...]
    branch: str
    commit: str | None  # the release branch's head, None when neither it nor its remote-tracking ref exists
    ci_problems: tuple[str, ...]
    error: str | None  # GitHub could not be asked: the reason


class Status(NamedTuple):
    """Everything ``releasekit status`` shows."""

    project: str | None
    version: str | None
    version_source: str | None  # "bump-my-version", "[project] version", "version file" or "tag"; None without any
    tag: str | None
    tagged: bool  # the current version's tag exists
    tag_format: TagFormat
    last: dict[str, Release | None]  # major, minor, patch -> the latest release of that kind
    unreleased: Unreleased
    schedule: Schedule
    support: tuple[SupportRow, ...]
    in_progress: InProgress | None
    github: GitHubState | None  # None when no token or no GitHub repository is configured


def _release(fmt: TagFormat, tag: str, stamp: int, now: float) -> Release:
    date = time.strftime("%Y-%m-%d", time.gmtime(stamp))
    return Release(str(fmt.version(tag)), tag, date, max(0, int((now - stamp) // _DAY)))


def _kind(release: tuple[int, ...]) -> str:
    _, minor, patch = release
    return "patch" if patch else "minor" if minor else "major"


def _latest_by_kind(fmt: TagFormat, dates: dict[str, int]) -> dict[str, tuple[int, Version, str]]:
    """The most recent final release of each kind, as (date, version, tag).

    Most recent by tag date, then by version (tags made in the same second).
    """
    latest: dict[str, tuple[int, Version, str]] = {}
    for tag, stamp in dates.items():
        version = fmt.version(tag)
        if version is None or version.is_prerelease:
            continue
        kind = _kind(version.release)
        if kind not in latest or (stamp, version) > latest[kind][:2]:
            latest[kind] = (stamp, version, tag)
    return latest


def unreleased(config: Config, current: str | None) -> Unreleased:
    """The fragments waiting, grouped by the project's types in their configured order."""
    found, findings = validate_directory(config.root, config.fragments)
    invalid = len({f.path for f in findings if f.level == "error"})
    groups = []
    for kind in config.fragments.types:
        files = tuple(f.path for f in found if f.type == kind.directory)
        if files:
            groups.append(TypeGroup(kind.directory, kind.name, files))
    bump = bump_for(current, roles(found, config.fragments), any_fragment=bool(found)) if current else None
    upcoming = next_version(current, bump) if current and bump else None
    return Unreleased(tuple(groups), invalid, bump, upcoming)


def patches_waiting(config: Config, fmt: TagFormat, rows: list[SupportRow]) -> list[WaitingPatch]:
    """Hotfix branches (local, or the remote's) ahead of the latest release of an older supported line."""
    older = {row.line: row for row in rows if row.support == "security"}
    if not older:
        return []
    prefixes = [f"refs/heads/{BRANCH_PREFIX}", f"refs/remotes/{config.remote}/{BRANCH_PREFIX}"]
    waiting: dict[str, WaitingPatch] = {}
    for ref in git.refs_under(config.root, *prefixes):
        tag = git.nearest_tag(ref, fmt.glob, config.root)
        version = fmt.version(tag) if tag else None
        row = older.get(f"{version.major}.{version.minor}") if version else None
        if tag is None or row is None or str(version) != row.latest:
            continue
        branch = ref.removeprefix("refs/heads/").removeprefix(f"refs/remotes/{config.remote}/")
        commits = git.count_commits(f"{tag}..{ref}", config.root)
        if commits and (branch not in waiting or commits > waiting[branch].commits):
            waiting[branch] = WaitingPatch(row.line, tag, branch, commits)
    return sorted(waiting.values(), key=lambda w: (w.line, w.branch))


def _git_dir(root: Path) -> Path:
    """The git directory, found from the files when they are plain (a prompt hook saves a git start)."""
    found = git_dir(str(root))
    if found:
        return Path(found).resolve()
    git.toplevel(root)  # outside a repository: one clear line
    return git.git_dir(root)


def in_progress(git_dir: Path) -> InProgress | None:
    """The release the journal records as started, or None."""
    record = journal.load(git_dir)
    if record is None:
        return None
    return InProgress(record.version, record.tag, record.spec, tuple(record.completed), record.resume_command())


def github_state(config: Config) -> GitHubState | None:
    """Critical issues and the release branch's CI, as preflight asks for them; None without GitHub."""
    if not github.token_from_env():
        return None  # no token: no need to ask git for the remote's URL
    try:
        api = github.project_client(config)
    except ReleasekitError as exc:  # the token may not go where the configuration points
        return GitHubState(config.github_repository or "?", (), config.release_branch, None, (), str(exc))
    if api is None:
        return None
    api.timeout = 10.0  # a status line must not hang on a slow network
    branch = config.release_branch
    commit = git.rev_parse(f"refs/remotes/{config.remote}/{branch}", config.root) or git.rev_parse(
        f"refs/heads/{branch}", config.root
    )
    critical: list[str] = []
    problems: list[str] = []
    try:
        critical = github.critical_items(api, config.github_critical_labels)
        problems = github.ci_problems(api, commit) if commit else []
    except ReleasekitError as exc:
        return GitHubState(api.repository, tuple(critical), branch, commit, (), str(exc).splitlines()[0])
    return GitHubState(api.repository, tuple(critical), branch, commit, tuple(problems), None)


# Where the version comes from, by bumpconfig's scheme: what status reports as version_source.
_SOURCES = {"bumpversion": "bump-my-version", "project": "[project] version", "file": "version file", "tag": "tag"}


def status(config: Config, *, now: float | None = None, with_github: bool = True) -> Status:
    """Read the project's release status. Reads only; asks GitHub only when a token is set."""
    now = time.time() if now is None else now
    root = config.root
    git_dir = _git_dir(root)
    every = git.tag_dates(root)
    # A tag dated in the future (a forged date, 5138-01-01) is not a release status can place:
    # left out, not shown as made "today". A day of slack for clocks that disagree.
    dates = {tag: stamp for tag, stamp in every.items() if stamp <= now + _DAY}
    fmt = project_format(config.tag_format, dates)
    release_tags = [tag for tag in dates if fmt.version_text(tag) is not None]
    if config.version is not None:
        current: str | None = config.version.current
        source: str | None = _SOURCES[config.version.scheme]
    else:
        versions = [(v, tag) for tag in release_tags if (v := fmt.version(tag)) is not None]
        current = str(max(versions)[0]) if versions else None
        source = "tag" if versions else None
    tag = fmt.tag(current) if current else None
    rows = support_table(release_tags, fmt)
    latest = _latest_by_kind(fmt, dates)
    last = {kind: _release(fmt, latest[kind][2], latest[kind][0], now) if kind in latest else None for kind in KINDS}
    waiting = unreleased(config, current)
    features = sum(len(g.files) for g in waiting.groups if g.type == "feature")
    starts = [latest[kind] for kind in ("major", "minor") if kind in latest]
    newest_start = max(starts, key=lambda start: start[:2]) if starts else None
    last_minor = _release(fmt, newest_start[2], newest_start[0], now) if newest_start else None
    cadence = config.minor_every_days
    due = minor_due(features, last_minor.days_ago if last_minor else None, cadence)
    schedule = Schedule(cadence, last_minor, features, due, tuple(patches_waiting(config, fmt, rows)))
    return Status(
        project=config.project_name,
        version=current,
        version_source=source,
        tag=tag,
        tagged=tag in every if tag else False,
        tag_format=fmt,
        last=last,
        unreleased=waiting,
        schedule=schedule,
        support=tuple(rows),
        in_progress=in_progress(git_dir),
        github=github_state(config) if with_github else None,
    )
