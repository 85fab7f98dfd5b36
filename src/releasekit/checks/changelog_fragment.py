"""The check behind the ``changelog-fragment`` hook: does a change need a fragment, and carry one.

``check_change`` judges a change (the ``git diff --name-status`` entries that
``releasekit.checks.changes`` lists): a release commit, a change with no source path and a
revert pass; a source change must add a fragment. It is a plain function over plain
values; the messages say which ``towncrier create`` command fixes a failure.
"""

from __future__ import annotations

from releasekit.changelog.fragment_names import fragment_name, is_ignored, section_dirs, split_name
from releasekit.changelog.fragments import START_MARKERS, FragmentsConfig, create_command, extension
from releasekit.fastpath.record import Record
from releasekit.findings import Finding

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from releasekit.checks.changes import Entry

# An issue number in a branch name: 42-fix, fix/42-x, gh-42, issue_42, feature/#42.
_BRANCH_ISSUE = r"(?:^|[/_-])(?:gh|issue|issues|bug|fix)?[-_#]?(\d{1,7})(?=$|[/_-])"


def only_adds_marker(diff: str) -> bool:
    """True when a ``git diff -U0`` of the news file adds towncrier's start marker and,
    besides it, at most blank lines, and removes nothing."""
    added = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("-"):
            return False
        if line.startswith("+"):
            added.append(line[1:].strip())
    markers = [text for text in added if text]
    return len(markers) == 1 and markers[0] in START_MARKERS


def issue_from_branch(branch: str | None) -> str | None:
    """The issue number a branch name carries (``42-fix-typo``, ``fix/gh-42``), or None."""
    if not branch:
        return None
    import re  # only when a failure message is being written

    match = re.search(_BRANCH_ISSUE, branch, re.IGNORECASE)
    return str(int(match.group(1))) if match else None


class Verdict(Record):
    """What ``check_change`` concluded, for the summary line and the tests."""

    findings: list[Finding]
    reason: str  # "fragment", "release", "revert", "no source change", "missing"
    sources: tuple[str, ...]
    fragments: tuple[str, ...]


def check_change(
    entries: Sequence[Entry],
    config: FragmentsConfig,
    sources: Callable[[str], bool],
    *,
    branch: str | None = None,
    changelog_line: int = 1,
    reverting: bool = True,
) -> Verdict:
    """Decide whether a change needs a fragment and carries one.

    - a release commit (it deletes fragments and rewrites the news file) passes;
    - a change with no source path in it passes (docs, tests, CI);
    - a change that removes fragments and adds none is a revert of the work they
      described, and passes, unless ``reverting`` says it is not one;
    - a source change must add (or edit) a fragment of a checked type.
    Editing the news file by hand outside a release is reported at ``changelog_line``.
    """
    directory = config.directory.strip("/") + "/"
    news = config.filename
    unchecked = {t.directory for t in config.types if not t.check}
    section_prefixes = tuple(d + "/" for d in section_dirs(config))
    added: list[str] = []
    removed: list[str] = []
    changed_sources: list[str] = []
    news_status = None
    for status, path in entries:
        name = fragment_name(path, config)
        if name is not None:
            if is_ignored(name, config):
                continue
            if status == "D":
                removed.append(path)
                continue
            parsed = split_name(name, config)
            if isinstance(parsed, tuple) and parsed[1] in unchecked:
                continue
            added.append(path)
        elif path.startswith(section_prefixes):
            continue  # deeper in a fragment directory: towncrier does not read it
        elif path == news:
            news_status = status
        elif sources(path):
            changed_sources.append(path)
    if news_status is not None and news_status != "D" and removed:
        return Verdict([], "release", tuple(changed_sources), tuple(added))
    findings: list[Finding] = []
    if news_status == "M":
        findings.append(
            Finding(
                news,
                changelog_line,
                1,
                f"{news} edited by hand outside a release commit; towncrier writes it from {directory} at "
                "release time, so write a fragment instead",
            )
        )
    if not changed_sources:
        return Verdict(findings, "no source change", (), tuple(added))
    if added:
        return Verdict(findings, "fragment", tuple(changed_sources), tuple(added))
    if removed and reverting:
        return Verdict(findings, "revert", tuple(changed_sources), ())
    count = len(changed_sources)
    others = f" and {count - 1} other source file{'s' if count > 2 else ''}" if count > 1 else ""
    types = ", ".join(t.directory for t in config.types if t.check)
    # A feature, else a bug fix; never a type that would make the release a breaking one.
    checked = [t.directory for t in config.types if t.check]
    suggested = next(
        (kind for kind in [*config.types_with("feature"), *config.types_with("bugfix")] if kind in checked), None
    ) or next((kind for kind in checked if config.role_of(kind) != "breaking"), checked[0] if checked else "feature")
    findings.append(
        Finding(
            changed_sources[0],
            1,
            1,
            f"this{others} changed with no changelog fragment in {directory}; add one: "
            f"{create_command(issue_from_branch(branch), suggested, ext=extension(config))} (types: {types})",
        )
    )
    return Verdict(findings, "missing", tuple(changed_sources), ())
