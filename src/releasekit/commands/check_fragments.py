"""``releasekit check fragments``: the change carries a valid changelog fragment.

This runs as a pre-commit hook on every commit, so it stays light: no towncrier
import, one ``git diff`` in the common case, and more git calls only to explain a failure.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from releasekit import changes, config, git
from releasekit.errors import ReleasekitError
from releasekit.findings import failed, render
from releasekit.fragments import check_change, default_source_paths, source_matcher, validate_directory

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    spec = cfg.fragments
    if not spec.configured:
        raise ReleasekitError(
            f"{cfg.pyproject.name}: no [tool.towncrier] section; print releasekit's recommended one with "
            "`python -m releasekit.towncrier_config` and add it"
        )
    fragments, findings = validate_directory(cfg.root, spec)
    base = args.base or f"{cfg.remote}/{cfg.release_branch}"
    change = changes.resolve(cfg.root, base=base, remote=cfg.remote)
    for note in change.notes:
        print(f"releasekit: {note}", file=sys.stderr)
    patterns = cfg.source_paths if cfg.source_paths is not None else default_source_paths(cfg.root, cfg.project_name)
    sources = source_matcher(patterns)
    verdict = check_change(change.entries, spec, sources)
    # Telling a revert, the branch name and the changed line of the news file cost git
    # calls: only when they matter.
    reverting = verdict.reason != "revert" or changes.is_revert(cfg.root, change)
    if verdict.findings or not reverting:
        branch = git.current_branch(cfg.root) or os.environ.get("GITHUB_HEAD_REF") or None
        line = 1
        if any(f.path == spec.filename for f in verdict.findings):
            line = git.first_added_line(cfg.root, spec.filename, *change.revs)
        verdict = check_change(change.entries, spec, sources, branch=branch, changelog_line=line, reverting=reverting)
    findings.extend(verdict.findings)
    if findings:
        print(render(findings, args.format))
    if failed(findings):
        return 1
    if args.format == "text":
        detail = {
            "fragment": f"adds {', '.join(verdict.fragments)}",
            "release": "is a release commit",
            "revert": "removes fragments with the code they described (a revert)",
            "no source change": "touches no source path",
        }[verdict.reason]
        print(
            f"fragments: {len(fragments)} valid in {spec.directory}/; the change ({change.description}) {detail}",
            file=sys.stderr,
        )
    return 0
