"""``releasekit init``: print the adoption plan as unified diffs, ask, write, then run the checks."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import printable
from releasekit.adopt.apply import apply
from releasekit.adopt.ciplan import removed_publishers
from releasekit.adopt.detect import detect
from releasekit.adopt.plan import make_plan, unified_diff
from releasekit.adopt.prove import prove
from releasekit.config import find_root
from releasekit.errors import ReleasekitError

if TYPE_CHECKING:
    from releasekit.adopt.plan import Plan


def _print_plan(plan: Plan) -> None:
    for change in plan.changes:
        action = "create" if change.old is None else "remove" if change.new is None else "change"
        print(f"# {action} {change.path}")
        for reason in change.why:
            print(f"#   - {reason}")
        print(printable.lines(unified_diff(change)), end="")
    for note in plan.notes:
        print(printable.lines(f"note: {note}"))


def _ask() -> bool:
    try:
        answer = input("Write these changes? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


_PRINTING = threading.Lock()  # the proof's checks note from side by side


def _note(message: str) -> None:
    with _PRINTING:
        print(f"  {message}", flush=True)


def _prove(root: Path, plan: Plan) -> int:
    """Run what the first release runs before touching anything, on a clone holding the plan; 1 when it would stop."""
    print("releasekit init: proving the adoption in a temporary clone (what the first release checks first)")
    left = prove(root, plan, _note)
    for step in plan.next_steps:
        print(f"next: {step}")
    for item in left:
        print(f"left to do: {item}")
    if left:
        count = len(left)
        print(f"releasekit init: the first release would stop on {count} problem{'s' if count != 1 else ''} above")
        return 1
    return 0


def main(args: argparse.Namespace) -> int:
    if args.yes and args.dry_run:
        raise ReleasekitError("--yes and --dry-run: choose one")
    root = find_root(Path.cwd())
    plan = make_plan(detect(root), args.ci)
    if not plan.changes:
        for note in plan.notes:
            print(f"note: {note}")
        code = _prove(root, plan)
        print("releasekit init: already adopted; nothing to change")
        return code
    _print_plan(plan)
    if args.dry_run:
        count = len(plan.changes)
        print(f"releasekit init: dry run; {count} file{'s' if count != 1 else ''} would change, nothing was written")
        return 0

    replaced = removed_publishers(plan.changes)
    if args.yes and replaced:
        raise ReleasekitError(
            f"{', '.join(replaced)} publishes to PyPI too and init would remove it: run init without --yes to "
            "see the plan and confirm, or remove it yourself and run init --yes again"
        )
    if not args.yes:
        if not sys.stdin.isatty():
            raise ReleasekitError("no terminal to ask on: pass --yes to write the plan above, or --dry-run")
        if not _ask():
            print("releasekit init: nothing was written")
            return 1
    apply(root, plan)
    written = [change.path for change in plan.changes if change.new is not None]
    removed = [change.path for change in plan.changes if change.new is None]
    print(f"releasekit init: wrote {', '.join(written)}" + (f"; removed {', '.join(removed)}" if removed else ""))
    return _prove(root, plan)
