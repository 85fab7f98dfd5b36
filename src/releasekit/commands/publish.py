"""``releasekit publish DIR --index test|prod``: publish a build's files, then verify them.

``--check-only`` checks the directory against its manifest and uploads nothing (the step
before the upload in the generated workflow); ``--verify-only`` uploads nothing and checks
what the index serves, then installs it (the step after it).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import config, printable
from releasekit.ci import publish as core
from releasekit.errors import ReleasekitError, redact, secrets_from_env

if TYPE_CHECKING:
    import argparse


def _say(text: str) -> None:
    print(printable.lines(redact(text, secrets_from_env())), flush=True)


def _usage(args: argparse.Namespace) -> None:
    if args.check_only and args.verify_only:
        raise ReleasekitError("publish: --check-only and --verify-only exclude each other; choose one")
    if args.check_only and args.attestations:
        raise ReleasekitError("publish: --check-only uploads nothing, so --attestations has nothing to sign")
    if not args.check_only and args.index is None:
        raise ReleasekitError("publish: --index test|prod is required (or --check-only)")


def main(args: argparse.Namespace) -> int:
    """Check the set, upload what is missing, verify the served bytes and an install."""
    _usage(args)
    folder = Path(args.dir)
    if args.check_only:
        recorded, files = core.check(folder)
        _say(
            f"{folder}: the {len(files)} files of {recorded.project} {recorded.version} are the set the build recorded"
        )
        return 0
    cfg = config.load()
    workdir = Path(tempfile.mkdtemp(prefix="releasekit-publish-"))
    note = lambda message: _say(f"- {message}")  # noqa: E731
    try:
        if args.verify_only:
            recorded, _ = core.verify(cfg, folder, args.index, workdir=workdir, note=note)
            index = cfg.test_index if args.index == "test" else cfg.index
            _say(f"{index.name} serves {recorded.project} {recorded.version} as built, and it installs")
            return 0
        done = core.publish(cfg, folder, args.index, attestations=args.attestations, workdir=workdir, note=note)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    uploaded = ", ".join(done.uploaded) or "nothing (every file was there already)"
    _say(f"{done.index_name}: uploaded {uploaded}")
    if done.already_there:
        _say(f"{done.index_name}: already served with the same bytes: {', '.join(done.already_there)}")
    _say(f"{done.index_name} serves {done.project} {done.version} as built, and it installs: {done.url}")
    return 0
