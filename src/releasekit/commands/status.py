"""``releasekit status [--format text|json]``: where the project stands, read-only.

The text is for people (and shell prompts); the JSON is documented in docs/status.rst
and stable: fields are only ever added, under the same ``schema`` number.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from releasekit import config, printable
from releasekit.status import KINDS, Release, Status, status

SCHEMA = 1


def _release_json(release: Release | None) -> dict[str, Any] | None:
    return None if release is None else release._asdict()


def as_json(state: Status) -> dict[str, Any]:
    """The stable JSON form of ``state`` (schema 1, docs/status.rst)."""
    unreleased, schedule = state.unreleased, state.schedule
    return {
        "schema": SCHEMA,
        "project": state.project,
        "version": state.version,
        "version_source": state.version_source,
        "tag": state.tag,
        "tagged": state.tagged,
        "tag_format": {"template": state.tag_format.template, "source": state.tag_format.source},
        "last_release": {kind: _release_json(state.last[kind]) for kind in KINDS},
        "unreleased": {
            "fragments": unreleased.total,
            "types": [
                {"type": g.type, "name": g.name, "count": len(g.files), "files": list(g.files)}
                for g in unreleased.groups
            ],
            "invalid": unreleased.invalid,
            "bump": unreleased.bump,
            "next_version": unreleased.next_version,
        },
        "schedule": {
            "minor_every_days": schedule.minor_every_days,
            "last_minor": _release_json(schedule.last_minor),
            "features_waiting": schedule.features_waiting,
            "minor_due": schedule.minor_due,
            "patches_waiting": [w._asdict() for w in schedule.patches_waiting],
        },
        "support": [row._asdict() for row in state.support],
        "release_in_progress": None
        if state.in_progress is None
        else {**state.in_progress._asdict(), "completed": list(state.in_progress.completed)},
        "github": None
        if state.github is None
        else {
            **state.github._asdict(),
            "critical": list(state.github.critical),
            "ci_problems": list(state.github.ci_problems),
        },
    }


def _ago(release: Release) -> str:
    days = release.days_ago
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def _when(release: Release) -> str:
    return f"{release.version} on {release.date} ({_ago(release)})"


def as_text(state: Status) -> list[str]:
    """The lines ``releasekit status`` prints."""
    lines = []
    name = state.project or "this project"
    if state.version is None:
        lines.append(f"{name}: no version yet (no [tool.bumpversion], no release tag)")
    elif state.version_source == "tag":
        lines.append(f"{name} {state.version} (from tag {state.tag})")
    else:
        lines.append(f"{name} {state.version} (tag {state.tag}{'' if state.tagged else ', not created yet'})")
    lines.append(f"tag format: {state.tag_format.template} ({state.tag_format.source})")
    for kind in KINDS:
        # The schedule's "last minor release" is the newest X.Y.0, a major one included: the same here.
        release = state.schedule.last_minor if kind == "minor" else state.last[kind]
        lines.append(f"last {kind} release: {_when(release) if release else 'none'}")
    lines += _unreleased_lines(state)
    lines += _schedule_lines(state)
    lines.append("support:" if state.support else "support: no releases yet")
    if state.support:
        width = max(len(row.line) for row in state.support)
        latest = max(len(row.latest) for row in state.support)
        lines += [f"  {r.line:<{width}}  {r.latest:<{latest}}  {r.support}" for r in state.support]
    lines += _progress_lines(state)
    lines += _github_lines(state)
    return lines


def _unreleased_lines(state: Status) -> list[str]:
    unreleased = state.unreleased
    total = unreleased.total
    if not total:
        head = "unreleased: no fragments"
    else:
        plural = "s" if total != 1 else ""
        target = f" ({state.version} -> {unreleased.next_version})" if unreleased.next_version else ""
        head = f"unreleased: {total} fragment{plural}, a {unreleased.bump} release{target}"
    lines = [head]
    lines += [f"  {group.name}: {len(group.files)}" for group in unreleased.groups]
    if unreleased.invalid:
        lines.append(f"  invalid: {unreleased.invalid} (see releasekit check fragments)")
    return lines


def _schedule_lines(state: Status) -> list[str]:
    schedule = state.schedule
    every = f"cadence {schedule.minor_every_days} days"
    last = schedule.last_minor
    since = f"last minor release {last.version}, {_ago(last)}" if last else "no minor release yet"
    if schedule.minor_due:
        features = f"{schedule.features_waiting} feature{'s' if schedule.features_waiting != 1 else ''} waiting"
        head = f"schedule: a minor release is due ({features}; {since}; {every})"
    elif schedule.features_waiting and last:
        left = schedule.minor_every_days - last.days_ago
        head = f"schedule: next minor release due in {left} day{'s' if left != 1 else ''} ({since}; {every})"
    else:
        head = f"schedule: no features waiting ({since}; {every})"
    lines = [head]
    for w in schedule.patches_waiting:
        lines.append(
            f"patches waiting on {w.line}: {w.branch}, {w.commits} commit{'s' if w.commits != 1 else ''} after {w.tag}"
        )
    return lines


def _progress_lines(state: Status) -> list[str]:
    progress = state.in_progress
    if progress is None:
        return ["release in progress: none"]
    done = ", ".join(progress.completed) or "no step yet"
    return [f"release in progress: {progress.version} (tag {progress.tag}); done: {done}; resume: {progress.resume}"]


def _github_lines(state: Status) -> list[str]:
    gh = state.github
    if gh is None:
        return ["github: not checked (no GITHUB_TOKEN or GH_TOKEN, or no GitHub repository)"]
    if gh.error:
        return [f"github: {gh.repository}: {gh.error}"]
    lines = [f"github: {gh.repository}"]
    lines += [f"  {item}" for item in gh.critical] or ["  no open critical issues or pull requests"]
    if gh.commit is None:
        lines.append(f"  CI of {gh.branch}: no such branch here")
    elif gh.ci_problems:
        lines += [f"  {problem}" for problem in gh.ci_problems]
    else:
        lines.append(f"  CI of {gh.branch} ({gh.commit[:10]}): no failed or unfinished workflow run")
    return lines


def main(args: argparse.Namespace) -> int:
    state = status(config.load())
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(state), indent=2) + "\n")  # one write, not one per token
    else:
        # issue titles, workflow conclusions, fragment names: one line each, no terminal control
        sys.stdout.write("".join(f"{printable.line(line)}\n" for line in as_text(state)))
    return 0
