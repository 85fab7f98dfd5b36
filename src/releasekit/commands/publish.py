"""``releasekit publish DIR --index test|prod``: publish a build's files, then verify them."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import config, printable
from releasekit.ci.publish import publish
from releasekit.errors import redact, secrets_from_env

if TYPE_CHECKING:
    import argparse


def _say(text: str) -> None:
    print(printable.lines(redact(text, secrets_from_env())), flush=True)


def main(args: argparse.Namespace) -> int:
    """Check the set, upload what is missing, verify the served bytes and an install."""
    cfg = config.load()
    workdir = Path(tempfile.mkdtemp(prefix="releasekit-publish-"))
    try:
        done = publish(
            cfg,
            Path(args.dir),
            args.index,
            attestations=args.attestations,
            workdir=workdir,
            note=lambda message: _say(f"- {message}"),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    uploaded = ", ".join(done.uploaded) or "nothing (every file was there already)"
    _say(f"{done.index_name}: uploaded {uploaded}")
    if done.already_there:
        _say(f"{done.index_name}: already served with the same bytes: {', '.join(done.already_there)}")
    _say(f"{done.index_name} serves {done.project} {done.version} as built, and it installs: {done.url}")
    return 0
