"""``releasekit check fragments``: the change carries a valid changelog fragment.

This runs as a pre-commit hook on every commit, so a passing check stays light: no
towncrier, no TOML parser, no ``subprocess``, and one ``git diff``. The few settings it
needs come from the hook's record (``releasekit.fastpath.fragment_settings``) while
pyproject.toml is unchanged. More git calls, and heavier imports, happen only to explain
a failure.
"""

from __future__ import annotations

import os
import sys

from releasekit import locate, printable, refnames
from releasekit.changelog.fragments import validate_directory
from releasekit.checks import changes
from releasekit.checks.changelog_fragment import check_change, only_adds_marker
from releasekit.checks.source_paths import default_source_paths, source_matcher
from releasekit.errors import ReleasekitError
from releasekit.fastpath.fragment_settings import settings
from releasekit.findings import failed, render

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    import argparse


def _drop_inherited_git_dir(root: str) -> None:
    """Forget ``GIT_DIR`` when it names the repository git finds from ``root`` anyway.

    ``git commit`` in a linked worktree hands its hooks ``GIT_DIR`` without
    ``GIT_WORK_TREE``, and git then takes the current directory for the top of the work
    tree: for a project in a subdirectory, every path would be listed from the wrong place.
    """
    given = os.environ.get("GIT_DIR")
    if not given or "GIT_WORK_TREE" in os.environ:
        return
    found = locate.git_dir(root)
    if found is not None and os.path.realpath(found) == os.path.realpath(given):
        del os.environ["GIT_DIR"]


def main(args: argparse.Namespace) -> int:
    cfg = settings(os.getcwd())
    _drop_inherited_git_dir(cfg.root)
    spec = cfg.fragments
    if not spec.configured:
        raise ReleasekitError(
            "pyproject.toml: no [tool.towncrier] section; print releasekit's recommended one with "
            "`python -m releasekit.changelog.towncrier_config` and add it"
        )
    fragments, findings = validate_directory(cfg.root, spec)
    base = args.base or f"{cfg.remote}/{cfg.release_branch}"
    # The configured names were checked when pyproject.toml was parsed; the hook's record is checked again here.
    refnames.check_revision(base, "--base" if args.base is not None else "[tool.releasekit] remote/release_branch")
    change = changes.resolve(cfg.root, base=base, remote=cfg.remote)
    for note in change.notes:
        print(f"releasekit: {printable.line(note)}", file=sys.stderr)
    patterns = cfg.source_paths if cfg.source_paths is not None else default_source_paths(cfg.root, cfg.project_name)
    sources = source_matcher(patterns)
    verdict = check_change(change.entries, spec, sources)
    # Telling a revert, the branch name and the changed line of the news file cost git
    # calls: only when they matter.
    reverting = verdict.reason != "revert" or changes.is_revert(cfg.root, change)
    if verdict.findings or not reverting:
        from releasekit import git

        branch = git.current_branch(cfg.root) or os.environ.get("GITHUB_HEAD_REF") or None
        line = 1
        entries = change.entries
        if any(f.path == spec.filename for f in verdict.findings):
            if only_adds_marker(git.file_diff(cfg.root, spec.filename, *change.revs)):
                # Adopting towncrier (`releasekit init`) puts its start marker in the news file.
                entries = tuple(e for e in entries if e.path != spec.filename)
            else:
                line = git.first_added_line(cfg.root, spec.filename, *change.revs)
        verdict = check_change(entries, spec, sources, branch=branch, changelog_line=line, reverting=reverting)
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
        summary = f"fragments: {len(fragments)} valid in {spec.directory}/; the change ({change.description}) {detail}"
        print(printable.line(summary), file=sys.stderr)  # a fragment's name may hold controls
    return 0
