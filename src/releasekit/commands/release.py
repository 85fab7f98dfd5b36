"""``releasekit release``: run the release checklist with a live checklist on screen."""

from __future__ import annotations

import argparse
import sys
import time

from releasekit import config as config_module
from releasekit import indexes
from releasekit.errors import ReleasekitError, StepFailed, redact, secrets_from_env
from releasekit.release.context import Plan
from releasekit.release.runner import Event, FaultInjected, abort, begin, run, steps_for
from releasekit.release.steps.summary import gate_lines


class Checklist:
    """Prints each step as it starts and ends, secrets masked."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.started: dict[int, float] = {}
        self.secrets = secrets_from_env()

    def say(self, text: str) -> None:
        print(redact(text, self.secrets), flush=True)

    def __call__(self, event: Event) -> None:
        mark = f"[{event.number:>2}/{self.total}] {event.step.title}"
        if event.status == "start":
            self.started[event.number] = time.monotonic()
            self.say(f"{mark} ...")
        elif event.status == "note":
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


def _print_plan(cfg: config_module.Config, version: str, tag: str, plan: Plan, say: Checklist) -> None:
    project = plan.project or cfg.project_name or "the package"
    say.say(f"\nDry run: nothing was changed. The release would publish {project} {version} as {tag}.")
    say.say("Files:")
    if cfg.publish == "ci":
        say.say('  built and published by the release workflow of the tag ([tool.releasekit] publish = "ci")')
    for name, digest in sorted(plan.artifacts.items()):
        say.say(f"  {name}  sha256:{digest}")
    say.say("Indexes:")
    for index in (cfg.test_index, cfg.index):
        say.say(
            f"  {index.name}: upload {indexes.display_url(index.upload_url)}, "
            f"simple {indexes.display_url(index.simple_url)}"
        )
    say.say("Gates:")
    for line in gate_lines(plan.gates):
        say.say(line)
    say.say("Release notes:")
    say.say(plan.notes or "(none)")
    if plan.advisory is not None:
        import json

        say.say("Security advisory (not sent): POST /repos/{owner}/{repo}/security-advisories")
        say.say(json.dumps(plan.advisory, indent=2))


def main(args: argparse.Namespace) -> int:
    """Run, resume, dry-run or abort a release."""
    from releasekit.release.gates import parse_skip

    skip = parse_skip(args.skip) if getattr(args, "skip", None) else None  # a typo is the first thing to hear of
    cfg = config_module.load()
    steps = steps_for(cfg)
    checklist = Checklist(len(steps))
    if args.abort:
        for line in abort(cfg):
            checklist.say(line)
        return 0
    # A bad version (or a missing security fragment) is the first thing to hear of.
    record, resumed = begin(cfg, args.bump, dry_run=args.dry_run, security=getattr(args, "security", None), skip=skip)
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
        plan = run(
            cfg,
            record,
            dry_run=args.dry_run,
            report=checklist,
            confirm=None if args.yes or args.dry_run else ask,
            steps=steps,
        )
    except FaultInjected:
        raise
    except StepFailed as exc:
        if args.dry_run or not record.completed:
            raise
        security = ["--security", record.security] if record.security else []
        skipped = ["--skip", ",".join(record.skip)] if record.skip else []
        rerun = " ".join(["releasekit release", record.spec, *security, *skipped, *(["--yes"] if args.yes else [])])
        undo = "" if "push" in record.completed else ", or undo the local steps with 'releasekit release --abort'"
        raise StepFailed(
            f"{exc}\nThe release of {record.version} stopped; fix the cause and run '{rerun}' to resume{undo}"
        ) from None
    if args.dry_run:
        _print_plan(cfg, record.version, record.tag, plan, checklist)
    elif plan.report:
        checklist.say("")
        for line in plan.report:
            checklist.say(line)
    return 0
