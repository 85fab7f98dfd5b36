"""``releasekit release``: run the release checklist with a live checklist on screen."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING

from releasekit import config as config_module
from releasekit import printable
from releasekit.commands import live_checklist
from releasekit.errors import ReleasekitError, StepFailed, redact, secrets_from_env
from releasekit.release.gates import parse_skip
from releasekit.release.runner import Confirm, Event, FaultInjected, abort, begin, run, steps_for

if TYPE_CHECKING:
    from releasekit.commands import live_checklist


_PRINTING = threading.Lock()


class Checklist:
    """Prints each step as it starts and ends, secrets masked."""

    def __init__(self, total: int, *, quiet: bool = False) -> None:
        self.total = total
        self.quiet = quiet  # -q: the steps without their notes
        self.started: dict[int, float] = {}
        self.secrets = secrets_from_env()

    def say(self, text: str) -> None:
        # One write per line, under a lock: steps and phases side by side report from several threads.
        with _PRINTING:
            sys.stdout.write(printable.lines(redact(text, self.secrets)) + "\n")
            sys.stdout.flush()

    def __call__(self, event: Event) -> None:
        mark = f"[{event.number:>2}/{self.total}] {event.step.title}"
        if event.status == "start":
            self.started[event.number] = time.monotonic()
            self.say(f"{mark} ...")
        elif event.status == "note":
            if not self.quiet:
                self.say(f"        - {event.detail}")
        elif event.status == "ok":
            took = time.monotonic() - self.started.get(event.number, time.monotonic())
            self.say(f"{mark}: ok ({took:.1f} s) {event.detail}")
        elif event.status == "done-before":
            self.say(f"{mark}: done before (journal)")
        elif event.status == "skipped":
            self.say(f"{mark}: skipped ({event.detail})")
        elif event.status == "failed":
            self.say(f"{mark}: FAILED: {event.detail}")


def ask(question: str) -> bool:
    """Ask on the terminal; anything but yes is no."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _confirm(args: argparse.Namespace, live: live_checklist.LiveChecklist | None = None) -> Confirm | None:
    """The question before the first upload: none with --yes or in a dry run; the live checklist pauses for it."""
    if args.yes or args.dry_run:
        return None
    if live is None:
        return ask

    def asked(question: str) -> bool:
        live.pause()
        try:
            return ask(question)
        finally:
            live.resume()

    return asked


def main(args: argparse.Namespace) -> int:
    """Run, resume, dry-run or abort a release."""
    skip = parse_skip(args.skip) if getattr(args, "skip", None) else None  # a typo is the first thing to hear of
    cfg = config_module.load()
    steps = steps_for(cfg)
    checklist = Checklist(len(steps), quiet=getattr(args, "quiet", False))

    live = live_checklist.LiveChecklist(steps) if live_checklist.wanted() else None
    if args.abort:
        for line in abort(cfg):
            checklist.say(line)
        return 0
    # A bad version (or a missing security fragment) is the first thing to hear of.
    record, resumed = begin(
        cfg, args.bump, dry_run=args.dry_run, security=getattr(args, "security", None), skip=skip, say=checklist.say
    )
    interactive = sys.stdin.isatty()
    if not args.dry_run and not args.yes and not interactive:
        raise ReleasekitError("no terminal to confirm the uploads on; pass --yes to release without asking")
    emergency = f", an emergency security release (severity {record.security})" if record.emergency else ""
    if resumed:
        done = ", ".join(record.completed) or "nothing"
        checklist.say(f"Resuming the release of {record.version}{emergency} after: {done}")
    else:
        what = "Dry run of the release" if args.dry_run else "Releasing"
        checklist.say(f"{what} {record.previous_version} -> {record.version} ({record.spec}){emergency}")
    if record.skip:
        checklist.say(f"Skipping (--skip, they ran elsewhere): {', '.join(record.skip)}")
    try:
        if live is None:
            summary = run(cfg, record, dry_run=args.dry_run, report=checklist, confirm=_confirm(args), steps=steps)
        else:
            with live:
                confirm = _confirm(args, live)
                summary = run(cfg, record, dry_run=args.dry_run, report=live, confirm=confirm, steps=steps)
    except FaultInjected:
        raise
    except StepFailed as exc:
        if args.dry_run or not record.completed:
            raise
        rerun = record.resume_command() + (" --yes" if args.yes else "")
        undo = "" if "push" in record.completed else ", or undo the local steps with 'releasekit release --abort'"
        raise StepFailed(
            f"{exc}\nThe release of {record.version} stopped; fix the cause and run '{rerun}' to resume{undo}"
        ) from None
    if summary:
        checklist.say("")
        for line in summary:
            checklist.say(line)
    return 0
